import t from 'tap';
import { build, demoToken, firstAchievementId } from '../../helper.js';
import { json, startHttpsServer } from '../../support/https-server.js';
import {
  checkOf,
  didDocument,
  didWebIssuer,
  entry,
  issuedCredential,
  type Json,
  listPath,
  localFetcher,
  outsideCredential,
  verify,
} from '../../support/status-lists.js';
import { stockVerifier } from '../../support/stock-verifier.js';

// The verifier's strictness (issue 10 §4): the exact proofValue encoding, one set of data-model checks for the
// product verifier and VCALM, and no request to a host a credential names before its proof has verified.

const VCDM = 'https://www.w3.org/TR/vc-data-model-2.0#';
const server = await startHttpsServer();
t.teardown(() => server.close());
const HOST = `issuer.test%3A${server.port}`;
const ORIGIN = `https://issuer.test:${server.port}`;
const fetcher = localFetcher(server);
const testApp = await build(t, {}, { fetcher });
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const { credential: original } = await issuedCredential(app, token, achievementId, 'Amina El-Sayed');
const stock = stockVerifier(app);

const proofOf = (credential: Json) => (credential.proof as Json[])[0] as Json;
const withProofValue = (credential: Json, change: (value: string) => string): Json => {
  const copy = structuredClone(credential);
  proofOf(copy).proofValue = change(proofOf(credential).proofValue as string);
  return copy;
};
const verifyVcalm = (verifiableCredential: unknown) =>
  app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } });

t.test('proofValue must be the exact base58btc encoding of the signature', async (t) => {
  const signature = Buffer.from(base58btcDecode((proofOf(original).proofValue as string).slice(1)));
  t.equal(signature.length, 64, 'the fixture: a 64-byte Ed25519 signature');
  const variants: [string, Json][] = [
    ['a trailing space', withProofValue(original, (value) => `${value} `)],
    ['a leading space after the multibase prefix', withProofValue(original, (value) => `z ${value.slice(1)}`)],
    ['a trailing newline', withProofValue(original, (value) => `${value}\n`)],
    ['the same signature as multibase base64url', withProofValue(original, () => `u${signature.toString('base64url')}`)],
    ['an extra leading zero byte', withProofValue(original, (value) => `z1${value.slice(1)}`)],
  ];
  // what the stock library alone accepts: whitespace around the value, and another multibase of the same bytes
  t.equal((await stock.verify(variants[0]![1])).verified, true, 'the stock library forgives a trailing space (so the check is ours)');
  t.equal((await stock.verify(variants[3]![1])).verified, true, 'and a base64url spelling of the same signature');

  for (const [what, credential] of variants) {
    const report = await verify(app, credential);
    t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid' }, `${what}: proof.invalid`);
    t.equal(report.verdict, 'invalid', what);
    const vcalm = (await verifyVcalm(credential)).json();
    t.equal(vcalm.verified, false, `${what}: VCALM verify agrees`);
    t.ok(vcalm.problemDetails.some((problem: Json) => problem.type === `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`), what);
  }
  t.match(checkOf(await verify(app, variants[0]![1]), 'proof')?.details?.reason, /exact base58btc/);
  t.match(checkOf(await verify(app, variants[4]![1]), 'proof')?.details?.reason, /65 bytes/);
  t.equal((await verify(app, original)).verdict, 'valid', 'control: the exact value verifies');
});

t.test('@context must be an array, for the product verifier and VCALM alike', async (t) => {
  // the demo centre's status list credential as served, and the same document with its one context as a string:
  // the signature covers the RDF, which is the same for both, so only the data-model rule tells them apart
  const asArray = (await app.inject({ method: 'GET', url: listPath(original) })).json() as Json;
  const asString = { ...asArray, '@context': (asArray['@context'] as string[])[0] };
  const control = await verifyVcalm(asArray);
  t.equal(control.statusCode, 200);
  t.equal(control.json().verified, true, 'control: the array form verifies over VCALM');
  const refused = await verifyVcalm(asString);
  t.equal(refused.statusCode, 400, 'VCALM refuses the string form');
  t.equal(refused.json().type, `${VCDM}MALFORMED_VALUE_ERROR`);
  t.match(refused.json().errors, [{ path: 'body.verifiableCredential.@context', message: /ordered set/ }]);

  const report = await verify(app, asString);
  t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid' }, 'the product verifier: the same rule');
  t.match(checkOf(report, 'proof')?.details?.reason, /ordered set/);
});

t.test('nothing is fetched for a credential whose proof does not verify', async (t) => {
  const listUrl = `${ORIGIN}/lists/1`;
  server.routes.set('/lists/1', json({ served: 'to count requests' }));
  const requestsBefore = server.requests.length;

  await t.test('our credential, its status entry pointed at the server: the signature breaks, nothing is fetched', async (t) => {
    const forged = { ...structuredClone(original), credentialStatus: entry(listUrl, 5) };
    const report = await verify(app, forged);
    t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid' });
    t.match(checkOf(report, 'status'), { status: 'unknown', code: 'status.not-checked' });
    t.equal((await verifyVcalm(forged)).json().verified, false);
    t.equal(server.requests.length, requestsBefore, 'zero requests to the host the forgery names');
  });

  const did = `did:web:${HOST}:forger`;
  const forger = await didWebIssuer(did);
  server.routes.set('/forger/did.json', json(didDocument(forger)));
  const genuine = await outsideCredential(original, forger, entry(listUrl, 7));

  await t.test('a did:web issuer on the server, with a proofValue that is not exact: not even its DID is resolved', async (t) => {
    const sloppy = withProofValue(genuine, (value) => `${value} `);
    const report = await verify(app, sloppy);
    t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid' });
    t.equal((await verifyVcalm(sloppy)).json().verified, false);
    t.equal(server.requests.length, requestsBefore, 'zero requests');
  });

  await t.test('a key on the server named for a credential of another issuer: not resolved', async (t) => {
    const misattributed = structuredClone(original);
    proofOf(misattributed).verificationMethod = forger.method.id;
    const report = await verify(app, misattributed);
    t.match(checkOf(report, 'proof')?.details?.reason, /is not one of the issuer's/);
    t.equal(server.requests.length, requestsBefore, 'zero requests');
  });

  await t.test('control: the same issuer\'s genuine credential resolves its DID, then reads its list', async (t) => {
    const report = await verify(app, genuine);
    t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' });
    t.ok(server.hits('/forger/did.json') >= 1, 'the DID document was fetched to check the proof');
    t.equal(server.hits('/lists/1'), 1, 'the status list was fetched only once the proof had verified');
  });
});

/** base58btc decoding for the test's own use (the Bitcoin alphabet, leading '1's as zero bytes). */
function base58btcDecode(text: string): Uint8Array {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let value = 0n;
  for (const character of text) value = value * 58n + BigInt(alphabet.indexOf(character));
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const zeros = /^1*/.exec(text)?.[0].length ?? 0;
  return new Uint8Array([...new Array<number>(zeros).fill(0), ...bytes]);
}
