import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import fc from 'fast-check';
import type { Test } from 'tap';
import { confirmCompiled } from '../../src/vc/compiled-verify.js';
import { checkCredentialDataModel } from '../../src/vc/data-model.js';
import { buildDidDocument, verificationMethodId } from '../../src/vc/did-web.js';
import { createDocumentLoader, type DocumentLoader } from '../../src/vc/document-loader.js';
import { fastCanonize } from '../../src/vc/fast-canonize.js';
import { proofCreated } from '../../src/vc/compiled-proof.js';
import { activeSigningKey, type ActiveSigningKey, publicKeyMultibaseOf } from '../../src/vc/keys.js';
import { signCredential, withProofArray } from '../../src/vc/sign.js';
import { idOf, instantInsideValidity, proofProblem, selectProof, verifyCredentialProof } from '../../src/vc/verify-proof.js';
import { instant, type Shape } from './fast-path-shapes.js';

// The stock side of the proof fast path's differential tests (issue 14): the stock @digitalbazaar libraries with
// the service's bundled-contexts loader, and the run parameters every differential test file shares.

type Json = Record<string, unknown>;

/** FAST_PATH_SEED and FAST_PATH_RUNS override the fixed seed and the 10,000 runs per shape, for longer runs. */
export const SEED = Number(process.env.FAST_PATH_SEED ?? 14_2026);
export const RUNS = Number(process.env.FAST_PATH_RUNS ?? 10_000);

/** tap's per-file timeout for `cases` differential cases of about `msPerCase` each on a busy 2-core machine. */
export function allowTime(t: Test, cases: number, msPerCase: number) {
  t.setTimeout(Math.max(180_000, 60_000 + cases * msPerCase));
}

/** Wall and CPU time since `started` (CPU time says what a run costs on a machine that other work is not sharing). */
export function elapsed(started: { wall: number; cpu: NodeJS.CpuUsage }): string {
  const cpu = process.cpuUsage(started.cpu);
  return `${((performance.now() - started.wall) / 1000).toFixed(1)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`;
}
export const startClock = () => ({ wall: performance.now(), cpu: process.cpuUsage() });

const SHRINK_BUDGET_MS = 60_000;

/**
 * `predicate` with a time budget for shrinking: once a case has failed, fast-check shrinks it for at most a minute;
 * after that every further candidate passes without being run, so fast-check reports the smallest failure found so
 * far (a real one) instead of tap's timeout killing the file with no report at all.
 */
export function withShrinkBudget<A extends unknown[]>(predicate: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let firstFailure: number | undefined;
  return async (...args) => {
    if (firstFailure !== undefined && performance.now() - firstFailure > SHRINK_BUDGET_MS) return;
    try {
      await predicate(...args);
    } catch (error) {
      firstFailure ??= performance.now();
      throw error;
    }
  };
}

/** fast-check's verdict as one tap assertion, with its report (seed, path, counterexample, error) when it fails. */
export function assertProperty<T>(t: Test, details: fc.RunDetails<T>, message: string, runs = RUNS) {
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    t.fail(message, { report: fc.defaultReportMessage(details), error });
  } else {
    t.pass(message);
  }
  t.equal(details.numRuns, runs, `${message}: ${details.numRuns} runs`);
}

export const documentLoaderFor = (shape: Pick<Shape, 'ownContexts'>): DocumentLoader => createDocumentLoader({ ownContexts: shape.ownContexts });

/** The stock canonicaliser, with the options the Data Integrity library always passes. */
export const stockCanonize = (document: Json, documentLoader: DocumentLoader): Promise<string> =>
  stockCryptosuite.canonize(document, { documentLoader, safe: true, base: null });

// PKCS#8 wrapping of a raw 32-byte Ed25519 private key (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Ed25519 key pair `index` of this run, derived from the seed, so that a seed reproduces every signature. */
async function seededKeyPair(index: number) {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, createHash('sha256').update(`fast-path ${SEED} ${index}`).digest()]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyMultibase: await publicKeyMultibaseOf(publicKey) };
}

/** Keys the signers use: a few Ed25519 key pairs, each usable under any DID. */
const keyPairs = await Promise.all([0, 1, 2].map(seededKeyPair));
export const KEY_COUNT = keyPairs.length;

export interface SigningKeys {
  /** the service's key object (what signCredential signs with) */
  key: ActiveSigningKey;
  /** the same key as the stock Ed25519Multikey signer */
  stockSigner: { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
}

/** Key pair `index` as the verification method `<did>#<publicKeyMultibase>`, for the service and for the stock library. */
export async function signingKeys(did: string, index: number): Promise<SigningKeys> {
  const pair = keyPairs[index % keyPairs.length]!;
  const id = verificationMethodId(did, pair.publicKeyMultibase);
  const stockKey = await Ed25519Multikey.fromJwk({ jwk: pair.privateKey.export({ format: 'jwk' }), secretKey: true, id, controller: did });
  return {
    key: activeSigningKey({ keyId: `key-${index}`, verificationMethodId: id, privateKey: pair.privateKey }),
    stockSigner: stockKey.signer(),
  };
}

/** The DID document of `did` listing every test key (built as the service builds its own). */
export const didDocumentOf = (did: string, publicBaseUrl: string) =>
  buildDidDocument({ did, keys: keyPairs.map(({ publicKeyMultibase }) => ({ publicKeyMultibase })), publicBaseUrl });

/**
 * Stock vc.issue with a stock DataIntegrityProof and the stock eddsa-rdfc-2022 cryptosuite, the proof dated
 * `created`, its proof as an array. The cryptosuite's canonize is the stock one, observed: what it returned for the
 * document and for the proof options is handed back, so the canonical forms are compared without canonicalising
 * everything a second time (the stock path is the expensive side of every case).
 */
export async function stockIssue({ credential, signer, created, documentLoader }: { credential: Json; signer: SigningKeys['stockSigner']; created: Date; documentLoader: DocumentLoader }) {
  const canonical: { document?: string; proofOptions?: string } = {};
  const observed = {
    ...stockCryptosuite,
    canonize: async (input: Json, options: { safe?: boolean; base?: string | null }) => {
      const output = await stockCryptosuite.canonize(input, options);
      if (options.safe !== true || options.base !== null) throw new Error('the Data Integrity library canonicalised with other options than safe mode and base null');
      if ('proofPurpose' in input && !('credentialSubject' in input)) canonical.proofOptions = output;
      else canonical.document = output;
      return output;
    },
  };
  const suite = new DataIntegrityProof({ signer, cryptosuite: observed, date: created });
  const signed = withProofArray(await vc.issue({ credential: structuredClone(credential), suite, documentLoader }));
  return { signed, canonical };
}

/** The proof options of the service's proof for `key` at `created`, with the document's contexts, as a document. */
const proofOptionsDocument = (document: Json, key: ActiveSigningKey, created: Date): Json => ({
  '@context': document['@context'],
  type: 'DataIntegrityProof',
  created: proofCreated(created),
  verificationMethod: key.verificationMethodId,
  cryptosuite: 'eddsa-rdfc-2022',
  proofPurpose: 'assertionMethod',
});

const REFUSED = 'the fast path refused';

/** What a signing case found: a string when the two sides differ (or the fast path refused), else undefined. */
async function signingDifference({ document, shape, created, keyIndex }: { document: Json; shape: Shape; created: Date; keyIndex: number }): Promise<string | undefined> {
  const documentLoader = documentLoaderFor(shape);
  const { key, stockSigner } = await signingKeys(shape.signer, keyIndex);
  const stock = await stockIssue({ credential: document, signer: stockSigner, created, documentLoader });
  const [fastDocument, fastProofOptions] = await Promise.all([
    fastCanonize({ document, documentLoader }),
    fastCanonize({ document: proofOptionsDocument(document, key, created), documentLoader }),
  ]);
  if (fastDocument === undefined) return `${REFUSED} the document (fell back)`;
  if (fastProofOptions === undefined) return `${REFUSED} the proof options (fell back)`;
  if (fastDocument !== stock.canonical.document) return `canonical document differs:\ndocument: ${JSON.stringify(document)}\nfast:\n${fastDocument}\nstock:\n${stock.canonical.document}`;
  if (fastProofOptions !== stock.canonical.proofOptions) return `canonical proof options differ:\nfast:\n${fastProofOptions}\nstock:\n${stock.canonical.proofOptions}`;
  const ours = JSON.stringify(await signCredential({ credential: document, key, created, documentLoader }));
  const theirs = JSON.stringify(stock.signed);
  if (ours !== theirs) return `signed documents differ:\nsignCredential: ${ours}\nstock vc.issue: ${theirs}`;
  return undefined;
}

/**
 * The signing differential for one shape: `RUNS` documents from `shapes`, each with a random `created` and key;
 * fastCanonize must handle the document and its proof options (no fallback) and give the stock canonical forms
 * byte for byte, and signCredential must give the stock vc.issue's signed document, proofValue included. Returns
 * how many documents had each feature `describe` names, when every case passed.
 */
export async function signingDifferential(t: Test, shapes: fc.Arbitrary<Shape>, describe: (document: Json) => string[]): Promise<Map<string, number> | undefined> {
  const tally = new Map<string, number>();
  let cases = 0;
  // counted, and each one also fails the property (fast-check then shrinks it to a smallest refused document)
  let fallbacks = 0;
  const started = startClock();
  const property = fc.asyncProperty(
    shapes,
    instant,
    fc.nat({ max: KEY_COUNT - 1 }),
    withShrinkBudget(async (shape, created, keyIndex) => {
      const document = await shape.build();
      const difference = await signingDifference({ document, shape, created, keyIndex });
      if (difference?.startsWith(REFUSED)) fallbacks++;
      if (difference) throw new Error(difference);
      cases++;
      for (const feature of describe(document)) tally.set(feature, (tally.get(feature) ?? 0) + 1);
    }),
  );
  const details = await fc.check(property, { seed: SEED, numRuns: RUNS });
  assertProperty(t, details, 'fastCanonize and signCredential give the stock canonical forms and signed documents');
  t.equal(fallbacks, 0, 'the fast path handled every document and its proof options: no fallback');
  t.comment(`seed ${SEED}: ${cases} documents signed both ways in ${elapsed(started)}, ${fallbacks} fallbacks`);
  t.comment([...tally].sort(([a], [b]) => a.localeCompare(b)).map(([feature, count]) => `${feature} ${count}`).join(', '));
  return details.failed ? undefined : tally;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What a document holds, for the coverage line a test prints: its optional paths and the kinds of characters in its strings. */
export function features(document: Json, optionalPaths: string[]): string[] {
  const found = new Set<string>();
  const strings: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(document);
  for (const path of optionalPaths) {
    let values: unknown[] = [document];
    for (const key of path.split('.')) values = values.flatMap((value) => (Array.isArray(value) ? value : [value])).map((value) => (value as Json | undefined)?.[key]).filter((value) => value !== undefined);
    if (values.length > 0) found.add(path);
  }
  const classes: [string, RegExp][] = [
    ['arabic', /\p{Script=Arabic}/u],
    ['han', /\p{Script=Han}/u],
    ['combining', /\p{M}/u],
    ['emoji', /\p{Extended_Pictographic}/u],
    ['astral', /[\u{10000}-\u{10FFFF}]/u],
    ['bidi-control', /[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u],
    ['control', /\p{Cc}/u],
    ['quote-or-backslash', /["\\]/],
  ];
  for (const [name, pattern] of classes) if (strings.some((value) => pattern.test(value))) found.add(name);
  if (strings.some((value) => LONE_SURROGATE.test(value))) found.add('lone-surrogate');
  if (strings.some((value) => value.length > 1_000)) found.add('long-text');
  return [...found];
}

/** The document-only checks the service makes before either verifier runs, deliberately stricter than the stock library. */
function serviceOnlyProblem(credential: Json): string | undefined {
  const selected = selectProof(credential);
  if (selected.found !== 'proof') return selected.found === 'none' ? 'no proof' : selected.reason;
  const [violation] = checkCredentialDataModel(credential, { allowProof: true });
  if (violation) return violation.message;
  return proofProblem({ proof: selected.proof, format: selected.format, document: credential, signer: idOf(credential.issuer), role: 'issuer' });
}

export interface Verdicts {
  /** verifyCredentialProof's outcome (undefined when not asked: the service does not verify its own registry) */
  service: string | undefined;
  /** the stock vc.verifyCredential's `verified` */
  stock: boolean;
  /** why the service refused before any verifier ran, when it did */
  serviceOnly: string | undefined;
  /** whether the compiled path itself confirmed the proof */
  compiled: boolean;
}

/**
 * The service's verdict on a credential's proof (verifyCredentialProof, with a resolver that knows one DID document)
 * beside the stock vc.verifyCredential's on the same proof (stock DataIntegrityProof and cryptosuite, the same kind of
 * loader, the same `now` — the instant inside the validity period at which the service judges a proof), and whether
 * the compiled path alone confirmed it. `ownContexts` serves the service's own contexts to the stock verifier and the
 * compiled path; verifyCredentialProof cannot be given them, so `service: false` leaves it out (for the registry,
 * which the service publishes for outside verifiers and never verifies itself).
 */
export async function verifyBothWays({
  credential,
  didDocument,
  ownContexts,
  service: askService = true,
}: {
  credential: Json;
  didDocument: Json;
  ownContexts?: ReadonlyMap<string, object>;
  service?: boolean;
}): Promise<Verdicts> {
  const resolveDid = async (did: string) => (did === didDocument.id ? structuredClone(didDocument) : undefined);
  const documentLoader = createDocumentLoader({ resolveDid, ownContexts });
  const selected = selectProof(credential);
  const now = selected.found === 'proof' ? instantInsideValidity(credential, selected.proof) : new Date();
  const [service, stock, compiled] = await Promise.all([
    askService ? verifyCredentialProof({ credential, resolveDid }) : undefined,
    // the proof the service judges (the first of a format it verifies), as verifyCredentialProof hands it over
    vc.verifyCredential({
      credential: selected.found === 'proof' ? { ...credential, proof: selected.proof } : credential,
      suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }),
      documentLoader,
      now,
      checkStatus: async () => ({ verified: true }),
    }),
    selected.found === 'proof' ? confirmCompiled({ credential, proof: selected.proof, issuer: idOf(credential.issuer), documentLoader, now }) : false,
  ]);
  return { service: service?.outcome, stock: stock.verified === true, serviceOnly: serviceOnlyProblem(credential), compiled };
}

/**
 * Where the two verdicts disagree, as a message (undefined when they agree): the service must say valid exactly when
 * the stock verifier says verified and none of the service's own document checks refused it, and the compiled path
 * must never confirm a proof the stock verifier does not.
 */
export function disagreement(verdicts: Verdicts): string | undefined {
  const expected = verdicts.stock && verdicts.serviceOnly === undefined;
  if (verdicts.service !== undefined && (verdicts.service === 'valid') !== expected) return `service ${verdicts.service}, stock ${verdicts.stock ? 'verified' : 'not verified'}, service-only check: ${verdicts.serviceOnly ?? 'none'}`;
  if (verdicts.compiled && !verdicts.stock) return 'the compiled path confirmed a proof the stock verifier rejects';
  return undefined;
}
