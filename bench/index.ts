/**
 * npm run bench — issuance and verification throughput, measured in one process and one run:
 *   (a) the stock path: @digitalbazaar/vc with a fresh suite and key import per credential, as most services call it
 *   (b) the service's own signing / proof-checking path (reused suite, KeyObject held in memory)
 *   (c) HTTP through the real app: POST /api/v1/credentials (persisted) and POST /api/v1/verify
 * then issuance with status allocation at 1,000 vs 50,000 stored credentials (two databases, interleaved), and
 * status list serving (200 vs ETag hit), and the credential page (verified per view, short cache, ETag hit, PDF)
 * with its size per language. Prints ops/s, p50 and p99 latency, and each path's ratio against the
 * table's first row from the same run. Compare ratios, never absolute numbers across runs or machines.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { PGlite } from '@electric-sql/pglite';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { pgliteDatabase } from '../src/db/client.js';
import { eddsaRdfc2022, keyObjectSigner } from '../src/vc/cryptosuite.js';
import { centreDid } from '../src/vc/did-web.js';
import { createDocumentLoader } from '../src/vc/document-loader.js';
import { signCredential, withProofArray } from '../src/vc/sign.js';
import { verifyCredentialProof } from '../src/vc/verify-proof.js';
import { resolveOwnDid } from '../src/modules/dids/service.js';
import { issueCredential } from '../src/modules/credentials/service.js';
import { apiClients } from '../src/db/schema/index.js';
import { eq } from 'drizzle-orm';
import { findCentreBySlug } from '../src/modules/centres/repository.js';
import { benchBatch, outboxOf, printBatch } from './batch.js';
import { consolePaths } from './console.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
// Stored credentials for the growth comparison (BENCH_SEED_LARGE=5000 for a quick run).
const SEED_SMALL = 1_000;
const SEED_LARGE = Number(process.env.BENCH_SEED_LARGE ?? 50_000);
const WARMUP = 25;
const BATCH_ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 10_000);

interface Result {
  name: string;
  ops: number;
  p50: number;
  p99: number;
}

interface Path {
  name: string;
  run: (i: number) => Promise<unknown>;
}

/**
 * Runs the paths in interleaved rounds (a, b, c, a, b, c, …) so that machine noise, GC and JIT warm-up
 * fall on every path alike; ratios are then comparable within the run.
 */
async function compare(paths: Path[], rounds = 4): Promise<Result[]> {
  const samples = paths.map(() => ({ latencies: [] as number[], elapsed: 0 }));
  let i = 0;
  for (const path of paths) for (let w = 0; w < WARMUP; w++) await path.run(i++);
  for (let round = 0; round < rounds; round++) {
    for (const [index, path] of paths.entries()) {
      const sample = samples[index]!;
      const start = performance.now();
      while (performance.now() - start < DURATION_MS / rounds) {
        const t0 = performance.now();
        await path.run(i++);
        sample.latencies.push(performance.now() - t0);
      }
      sample.elapsed += performance.now() - start;
    }
  }
  return paths.map((path, index) => {
    const { latencies, elapsed } = samples[index]!;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    return { name: path.name, ops: (latencies.length * 1000) / elapsed, p50: at(0.5), p99: at(0.99) };
  });
}

function table(title: string, rows: Result[], baseline: Result) {
  console.log(`\n${title}`);
  console.log(`${'path'.padEnd(52)}${'ops/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ratio'.padStart(9)}`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(52)}${row.ops.toFixed(0).padStart(9)}${row.p50.toFixed(2).padStart(9)}${row.p99.toFixed(2).padStart(9)}${`${(row.ops / baseline.ops).toFixed(2)}x`.padStart(9)}`,
    );
  }
}

type Answer = { statusCode: number; body: string; json(): Record<string, unknown> };

/** A measured request must have done its work: anything else (a 429, a failed verification) stops the run. */
function expectAnswer(response: Answer, status: number, holds: (body: Record<string, unknown>) => boolean = () => true) {
  if (response.statusCode !== status || !holds(response.json())) throw new Error(`unexpected answer ${response.statusCode}: ${response.body.slice(0, 300)}`);
}

/** For answers without a body (304). */
function expectStatus(response: Answer, status: number) {
  if (response.statusCode !== status) throw new Error(`unexpected answer ${response.statusCode}: ${response.body.slice(0, 300)}`);
}

/**
 * A whole service on its own database with the demo centre, and a token of the demo client: in memory, or
 * `onDisk` in a data folder as `npm start` keeps it (an in-memory database holds every stored row in the
 * process's memory, which would count in a memory measurement).
 */
async function benchService({ onDisk = false }: { onDisk?: boolean } = {}) {
  const keysDir = await mkdtemp(join(tmpdir(), 'iioe-bench-'));
  const database = pgliteDatabase(await PGlite.create(onDisk ? { dataDir: join(keysDir, 'database') } : undefined));
  const config = loadConfig({
    KEYS_DIR: keysDir,
    KEYS_MASTER_KEY: randomBytes(32).toString('base64url'),
    DEMO: 'true',
    LOG_LEVEL: 'silent',
    // one client address sends everything: per-address limits would turn the measurement into 429s
    RATE_LIMIT_VERIFY_PER_MINUTE: '1000000',
    RATE_LIMIT_TOKEN_PER_MINUTE: '100000',
    // the cohort run e-mails every learner: into this service's own outbox, unpaced
    MAIL_OUTBOX_DIR: outboxOf(keysDir),
    DELIVERY_RATE_PER_MINUTE: '100000',
  });
  const app = await buildApp({ config, database });
  await app.ready();
  const demo = JSON.parse(await readFile(join(keysDir, 'demo-client.json'), 'utf8'));
  const tokenResponse = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: demo.client_id, client_secret: demo.client_secret } });
  const token = tokenResponse.json().access_token as string;
  const achievementId = (await app.inject({ method: 'GET', url: '/achievements' })).json().items[0].id as string;
  const issueHttp = async (i: number) =>
    expectAnswer(await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: { authorization: `Bearer ${token}` }, payload: { achievementId, recipient: { name: `Bench Learner ${i}` } } }), 201);
  const close = async () => {
    await app.close();
    await database.close();
    await rm(keysDir, { recursive: true, force: true });
  };
  return { app, config, token, achievementId, demo, issueHttp, close, keysDir };
}

/** Stores `count` credentials through the service's own issuance function (real signatures, real entries). */
async function seed(service: Awaited<ReturnType<typeof benchService>>, count: number) {
  const [client] = await service.app.ctx.db.select().from(apiClients).where(eq(apiClients.clientId, service.demo.client_id));
  const principal = { kind: 'client' as const, staffId: null, clientUuid: client!.id, clientId: client!.clientId, centreId: client!.centreId, centreSlug: 'egypt-demo', scopes: new Set(['credentials:issue']), requestId: 'bench-seed' };
  const inFlight = 8;
  for (let done = 0; done < count; done += inFlight) {
    await Promise.all(
      Array.from({ length: Math.min(inFlight, count - done) }, (_, k) =>
        issueCredential({ ctx: service.app.ctx, principal, input: { achievementId: service.achievementId, recipient: { name: `Seeded Learner ${done + k}` } } }),
      ),
    );
  }
}

async function main() {
  const service = await benchService();
  const { app, config, token, achievementId } = service;
  try {
    let cohortResult: Awaited<ReturnType<typeof benchBatch>>;
    const issueBody = (i: number) => ({ achievementId, recipient: { name: `Bench Learner ${i}` } });

    // A template credential from the service itself, re-used unsigned by the library paths.
    const sample = (await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: { authorization: `Bearer ${token}` }, payload: issueBody(0) })).json().verifiableCredential;
    const { proof: _proof, ...unsigned } = sample;
    const credentialFor = (i: number) => ({ ...structuredClone(unsigned), id: `${unsigned.id.slice(0, -12)}${String(i).padStart(12, '0')}` });

    const centre = (await findCentreBySlug(app.ctx.db, 'egypt-demo'))!;
    const did = centreDid(config.publicBaseUrl, centre.slug);
    const key = await app.ctx.keys.activeAssertionKey({ centreId: centre.id, did });
    // The stock path starts from the exported key material, as a service loading a key per request would.
    const jwk = key.privateKey.export({ format: 'jwk' });
    const didDocument = (await resolveOwnDid({ db: app.ctx.db, config, did }))!;
    const staticLoader = createDocumentLoader({ resolveDid: async (requested) => (requested === did ? didDocument : undefined) });

    const stockIssue = async (i: number) => {
      const keyPair = await Ed25519Multikey.fromJwk({ jwk, secretKey: true, id: key.verificationMethodId, controller: did });
      const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: stockCryptosuite });
      return vc.issue({ credential: credentialFor(i), suite, documentLoader: staticLoader });
    };
    // Differential check before timing: same key, same input and same `created` give the same proofValue.
    const fixed = '2026-01-01T00:00:00Z';
    const stockSigned = await vc.issue({
      credential: credentialFor(1),
      suite: new DataIntegrityProof({ signer: (await Ed25519Multikey.fromJwk({ jwk, secretKey: true, id: key.verificationMethodId, controller: did })).signer(), cryptosuite: stockCryptosuite, date: fixed }),
      documentLoader: staticLoader,
    });
    const ourSuite = new DataIntegrityProof({ signer: keyObjectSigner(key.verificationMethodId, key.privateKey), cryptosuite: eddsaRdfc2022, date: fixed });
    const ourSigned = await signCredential({ credential: credentialFor(1), key: { ...key, suite: ourSuite } });
    // The service emits `proof` as a one-element array (OB 3.0 JSON Schema); the stock library, an object.
    if (JSON.stringify(withProofArray(stockSigned)) !== JSON.stringify(ourSigned)) {
      throw new Error('the service path and the stock path disagree on the signed credential');
    }
    console.log('differential check: service and stock credentials are byte-identical (proof as an array) for the same input and created time');

    // First (so the peak RSS is the batch's, not the leftovers of the other runs), on a service of its own.
    const cohort = await benchService({ onDisk: true });
    try {
      const courseCode = (await cohort.app.inject({ method: 'GET', url: '/achievements' })).json().items[0].code as string;
      cohortResult = await benchBatch({ app: cohort.app, token: cohort.token, courseCode, outbox: outboxOf(cohort.keysDir), rows: BATCH_ROWS, stockIssue, issueHttp: cohort.issueHttp });
    } finally {
      await cohort.close();
    }

    const issueRows = await compare([
      { name: '(a) stock @digitalbazaar/vc issue, fresh suite', run: stockIssue },
      { name: '(b) service signing path (reused suite, KeyObject)', run: (i) => signCredential({ credential: credentialFor(i), key }) },
      { name: '(c) HTTP POST /api/v1/credentials (persisted)', run: service.issueHttp },
    ]);

    const signed = sample;
    // The stock path checks the credential's status as the stock library does: it loads the list (here from
    // memory, as served) and verifies the list's own signature on every call.
    const listUrl = (sample.credentialStatus as { statusListCredential: string }).statusListCredential;
    const servedList = (await app.inject({ method: 'GET', url: new URL(listUrl).pathname })).json();
    const stockLoader = async (url: string) => (url === listUrl ? { contextUrl: null, documentUrl: url, document: servedList } : staticLoader(url));
    const stockStatus = ({ credential }: { credential?: object }) =>
      checkStatus({ credential: credential ?? signed, documentLoader: stockLoader, suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }), verifyBitstringStatusListCredential: true });
    const stockVerify = async () => {
      const result = await vc.verifyCredential({ credential: signed, suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }), documentLoader: stockLoader, checkStatus: stockStatus });
      if (!result.verified) throw new Error(`the stock verifier refused the sample: ${String(result.error)}`);
    };
    const verifyRows = await compare([
      { name: '(a) stock verifyCredential + stock status check', run: stockVerify },
      { name: '(b) service proof check (cached verifier)', run: () => verifyCredentialProof({ credential: signed, resolveDid: app.ctx.resolveOwnDid }) },
      {
        name: '(c) HTTP POST /api/v1/verify (full report)',
        run: async () => expectAnswer(await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: signed } }), 200, (body) => body.verified === true),
      },
    ]);

    // Status lists: a list document served to a cache that already holds it (ETag hit) and in full.
    const listPath = new URL(listUrl).pathname;
    const etag = (await app.inject({ method: 'GET', url: listPath })).headers.etag as string;
    const listRows = await compare([
      { name: '(a) GET /status/:listId (200, signed list)', run: async () => expectAnswer(await app.inject({ method: 'GET', url: listPath }), 200) },
      { name: '(b) GET /status/:listId, If-None-Match (304)', run: async () => expectStatus(await app.inject({ method: 'GET', url: listPath, headers: { 'if-none-match': etag } }), 304) },
    ]);

    // The credential page as a browser asks for it: verified on the server on every view, or within the short cache.
    const pagePath = new URL(sample.id as string).pathname;
    const asBrowser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    const isPage = (response: Answer) => response.statusCode === 200 && response.body.includes('id="verdict"');
    const getPage = async () => {
      const response = await app.inject({ method: 'GET', url: pagePath, headers: asBrowser });
      if (!isPage(response)) throw new Error(`unexpected page ${response.statusCode}: ${response.body.slice(0, 300)}`);
      return response;
    };
    const pageEtag = (await getPage()).headers.etag as string;
    const pageRows = await compare([
      { name: '(a) stock verifyCredential + stock status check', run: stockVerify },
      {
        name: '(b) GET /credentials/:id page, verified every view',
        run: async () => {
          app.ctx.lookups.credentialPages.clear();
          await getPage();
        },
      },
      { name: '(c) GET /credentials/:id page, short cache', run: getPage },
      { name: '(d) GET /credentials/:id page, If-None-Match (304)', run: async () => expectStatus(await app.inject({ method: 'GET', url: pagePath, headers: { ...asBrowser, 'if-none-match': pageEtag } }), 304) },
      { name: '(e) GET /credentials/:id/certificate.pdf', run: async () => expectStatus(await app.inject({ method: 'GET', url: `${pagePath}/certificate.pdf` }), 200) },
    ]);
    // The staff console: each page rendered per view for a signed-in manager (target: p50 under 20 ms, under 50 KB).
    const staffConsole = await consolePaths(app, new URL(sample.id as string).pathname.split('/').pop()!);
    const consoleRows = await compare(staffConsole.paths, 2);
    const consoleSizes = await staffConsole.sizes();
    const pageBytes = await Promise.all(
      (['en', 'fr', 'ar', 'zh'] as const).map(async (lang) => `${lang} ${Buffer.byteLength((await app.inject({ method: 'GET', url: `${pagePath}?lang=${lang}`, headers: asBrowser })).body)}`),
    );

    // Issuance with status allocation as the database grows: the same service path at two sizes, interleaved.
    const small = await benchService();
    const large = await benchService();
    try {
      const started = performance.now();
      await seed(small, SEED_SMALL);
      await seed(large, SEED_LARGE);
      console.log(`seeded ${SEED_SMALL} and ${SEED_LARGE} credentials through issueCredential in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      const growthRows = await compare([
        { name: `(a) HTTP issuance, ${SEED_SMALL.toLocaleString('en')} stored`, run: small.issueHttp },
        { name: `(b) HTTP issuance, ${SEED_LARGE.toLocaleString('en')} stored`, run: large.issueHttp },
      ]);

      console.log(`\nIIOE Credentials benchmark — Node ${process.version}, ${DURATION_MS} ms per path in interleaved rounds, sequential`);
      table('Issuance', issueRows, issueRows[0]!);
      table('Verification', verifyRows, verifyRows[0]!);
      table('Issuance as credentials accumulate (status entry allocation included; target b/a ≥ 0.8)', growthRows, growthRows[0]!);
      table('Status list serving', listRows, listRows[0]!);
      table('Credential page (server side: verification, HTML rendering, HTTP)', pageRows, pageRows[0]!);
      console.log(`page bytes (HTML + inline CSS, uncompressed; limit 30,000): ${pageBytes.join(', ')}`);
      table('Staff console pages (server-side rendering per view, signed in; target p50 < 20 ms)', consoleRows, consoleRows[0]!);
      console.log(`console page bytes (HTML + inline CSS, uncompressed; limit 50,000):\n  ${consoleSizes.join('\n  ')}`);
      printBatch(cohortResult);
    } finally {
      await small.close();
      await large.close();
    }
  } finally {
    await service.close();
  }
}

await main();
