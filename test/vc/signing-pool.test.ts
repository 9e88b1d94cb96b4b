import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import t from 'tap';
import { activeSigningKey, generateEd25519KeyPair } from '../../src/vc/keys.js';
import { SigningError, signCredential, withProofArray } from '../../src/vc/sign.js';
import { createSigningPool, SigningPoolClosedError } from '../../src/vc/signing-pool.js';
import { build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../helper.js';
import { stockVerifier } from '../support/stock-verifier.js';

type Json = Record<string, unknown>;

const testApp = await build(t);
const { app } = testApp;
const outside = stockVerifier(app);
const achievementId = await firstAchievementId(app);

/** A credential the service issued, without its proof, and the centre key that signed it. */
async function unsignedFromService(token: string, body: Json) {
  const response = await issue(app, token, { achievementId, ...body });
  if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
  const { proof: _proof, ...unsigned } = response.json().verifiableCredential as Json;
  return unsigned;
}

async function centreKey(centreId: string, credential: Json) {
  return app.ctx.keys.activeAssertionKey({ centreId, did: (credential.issuer as Json).id as string });
}

const egyptToken = await demoToken(testApp);
const egyptId = (await app.ctx.lookups.issuer('egypt-demo'))!.centre.id;
const samples = [
  await unsignedFromService(egyptToken, { recipient: { name: 'Amina Haddad' } }),
  await unsignedFromService(egyptToken, { recipient: { name: 'ليلى عبد الرحمن' }, language: 'ar', narrative: 'أكملت المشروع النهائي بامتياز' }),
  await unsignedFromService(egyptToken, { recipient: { name: '王小明' }, language: 'zh' }),
];
const egyptKey = await centreKey(egyptId, samples[0]!);
const jordan = await createCentreWithClient(testApp, { slug: 'jordan-pool' });
const jordanSample = await unsignedFromService(jordan.token, { recipient: { name: 'Rana Haddad' } });
const jordanKey = await centreKey(jordan.centre.id, jordanSample);

/** The same credential under another id, so every signature in a run is of a distinct document. */
const variant = (credential: Json, i: number) => ({ ...structuredClone(credential), id: `${String(credential.id).slice(0, -12)}${String(i).padStart(12, '0')}` });
const proofOf = (signed: Json) => (signed.proof as Json[])[0]!;
const created = new Date('2026-03-04T05:06:07.890Z');

/** Threads of this process other than libuv's: the main thread, V8's, and one or more per worker thread. */
const nodeThreads = () =>
  readdirSync('/proc/self/task').filter((task) => {
    try {
      return readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() !== 'libuv-worker';
    } catch {
      return false; // a thread that ended while being listed
    }
  }).length;

// the libuv pool and V8's own threads exist before the pool is measured against them
await signCredential({ credential: samples[0]!, key: egyptKey });
const threadsBefore = nodeThreads();

const pool = createSigningPool({ threads: 2 });
t.teardown(() => pool.close());

/** The stock library alone, as any other issuer would sign: its own key import, cryptosuite and `date` option. */
async function stockSigned(credential: Json, key: typeof egyptKey, date: Date) {
  const keyPair = await Ed25519Multikey.fromJwk({ jwk: key.privateKey.export({ format: 'jwk' }), secretKey: true, id: key.verificationMethodId, controller: key.verificationMethodId.split('#')[0] });
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: stockCryptosuite, date });
  return withProofArray(await vc.issue({ credential: structuredClone(credential), suite, documentLoader: outside.documentLoader }));
}

t.test('a credential signed on a thread is byte-identical to one signed here, for the same created time', async (t) => {
  t.equal(pool.threads, 2);
  for (const credential of samples) {
    const onThread = await pool.sign({ credential, key: egyptKey, created });
    const here = await signCredential({ credential, key: egyptKey, created });
    const name = ((credential.credentialSubject as { identifier: Json[] }).identifier[0]!.identityHash as string);
    t.equal(JSON.stringify(onThread), JSON.stringify(here), `byte-identical to signing here: ${name}`);
    t.equal(JSON.stringify(onThread), JSON.stringify(await stockSigned(credential, egyptKey, created)), 'and to the stock library given the same date');
    t.equal(proofOf(onThread).created, '2026-03-04T05:06:07Z', 'created is the given time, to the second');
    t.equal(proofOf(onThread).verificationMethod, egyptKey.verificationMethodId);
    const verified = await outside.verify(onThread);
    t.ok(verified.verified, `the stock verifier accepts it${verified.verified ? '' : `: ${verified.error?.message}`}`);
  }
});

t.test('a credential changed after signing on a thread does not verify', async (t) => {
  const signed = await pool.sign({ credential: samples[1]!, key: egyptKey });
  const tampered = JSON.parse(JSON.stringify(signed).replace('عبد الرحمن', 'عبد الرحيم')) as Json;
  t.not(JSON.stringify(tampered), JSON.stringify(signed), 'the name was changed');
  t.notOk((await outside.verify(tampered)).verified);
});

t.test('without a created time, the proof is dated when the caller asked, on the caller\'s clock', async (t) => {
  const before = Math.floor(Date.now() / 1000) * 1000;
  const signed = await pool.sign({ credential: samples[0]!, key: egyptKey });
  const at = Date.parse(proofOf(signed).created as string);
  t.ok(at >= before && at <= Date.now(), `${proofOf(signed).created} lies between the call and its answer`);
  t.ok((await outside.verify(signed)).verified);
});

t.test('200 concurrent signatures on 2 threads: each one right, all distinct', async (t) => {
  const credentials = Array.from({ length: 200 }, (_, i) => variant(samples[i % samples.length]!, i));
  const signed = await Promise.all(credentials.map((credential) => pool.sign({ credential, key: egyptKey, created })));
  let identical = 0;
  for (const [i, credential] of credentials.entries()) {
    if (JSON.stringify(signed[i]) === JSON.stringify(await signCredential({ credential, key: egyptKey, created }))) identical++;
  }
  t.equal(identical, 200, 'every one byte-identical to the same credential signed here');
  t.equal(new Set(signed.map((document) => proofOf(document).proofValue)).size, 200, '200 distinct proof values');
  t.equal(new Set(signed.map((document) => document.id)).size, 200, 'each answer is for its own credential');
});

t.test('two centres\' keys in flight at once: each credential signed with its own centre\'s key', async (t) => {
  const jobs = Array.from({ length: 40 }, (_, i) =>
    i % 2 === 0 ? { credential: variant(samples[0]!, i), key: egyptKey } : { credential: variant(jordanSample, i), key: jordanKey },
  );
  const signed = await Promise.all(jobs.map(({ credential, key }) => pool.sign({ credential, key, created })));
  for (const [i, { credential, key }] of jobs.entries()) {
    t.equal(JSON.stringify(signed[i]), JSON.stringify(await signCredential({ credential, key, created })), `credential ${i} signed by ${key === egyptKey ? 'Egypt' : 'Jordan'}`);
  }
  t.ok((await outside.verify(signed[1]!)).verified, 'the Jordan credential verifies against the Jordan DID');
  const swapped = { ...signed[1]!, proof: signed[0]!.proof };
  t.notOk((await outside.verify(swapped)).verified, 'control: an Egypt proof on a Jordan credential does not');
});

t.test('a key id seen before with other key material signs with the material it is given', async (t) => {
  const other = await generateEd25519KeyPair();
  const impostor = activeSigningKey({ keyId: egyptKey.keyId, verificationMethodId: egyptKey.verificationMethodId, privateKey: other.privateKey });
  // fill both threads' caches with the real key under this id first
  await Promise.all(Array.from({ length: 8 }, (_, i) => pool.sign({ credential: variant(samples[0]!, i), key: egyptKey, created })));
  const signed = await pool.sign({ credential: samples[0]!, key: impostor, created });
  t.equal(JSON.stringify(signed), JSON.stringify(await signCredential({ credential: samples[0]!, key: impostor, created })));
  t.notOk((await outside.verify(signed)).verified, 'and so it does not verify as the centre\'s');
});

t.test('a credential the library refuses: a SigningError like the one signing here gives, and the threads keep signing', async (t) => {
  const invalid = { ...samples[0]!, notInAnyContext: 'x' };
  const here = await signCredential({ credential: invalid, key: egyptKey }).then(
    () => t.fail('signed an undefined term'),
    (error: unknown) => error,
  );
  t.type(here, SigningError);
  const results = await Promise.allSettled([
    pool.sign({ credential: invalid, key: egyptKey }),
    pool.sign({ credential: samples[2]!, key: egyptKey, created }),
    pool.sign({ credential: invalid, key: jordanKey }),
  ]);
  for (const result of [results[0]!, results[2]!]) {
    t.equal(result.status, 'rejected');
    if (result.status === 'rejected') {
      t.type(result.reason, SigningError);
      t.equal((result.reason as Error).message, (here as Error).message, 'the same message');
      t.match((result.reason as Error).message, /undefined term "notInAnyContext"/, 'it names the term');
    }
  }
  t.equal(results[1]!.status, 'fulfilled', 'the signature alongside went through');
  const after = await pool.sign({ credential: samples[0]!, key: egyptKey, created });
  t.equal(JSON.stringify(after), JSON.stringify(await signCredential({ credential: samples[0]!, key: egyptKey, created })), 'and the pool still signs');
});

t.test('threads 0 signs on the calling thread, through the same interface', async (t) => {
  const inline = createSigningPool({ threads: 0 });
  const threads = nodeThreads();
  t.equal(inline.threads, 0);
  const signed = await inline.sign({ credential: samples[1]!, key: egyptKey, created });
  t.equal(JSON.stringify(signed), JSON.stringify(await pool.sign({ credential: samples[1]!, key: egyptKey, created })), 'the same bytes as on a thread');
  await t.rejects(inline.sign({ credential: { ...samples[1]!, notInAnyContext: 1 }, key: egyptKey }), SigningError);
  t.ok(nodeThreads() <= threads, 'no thread started for it');
  await inline.close();
  await t.rejects(inline.sign({ credential: samples[1]!, key: egyptKey }), SigningPoolClosedError);
});

t.test('idle threads exit; the next signature starts one again', async (t) => {
  const quick = createSigningPool({ threads: 2, idleTimeoutMs: 100 });
  t.teardown(() => quick.close());
  const baseline = nodeThreads();
  await Promise.all(samples.map((credential) => quick.sign({ credential, key: egyptKey })));
  t.ok(nodeThreads() > baseline, 'threads started for the work');
  for (let waited = 0; nodeThreads() > baseline && waited < 5_000; waited += 50) await sleep(50);
  t.equal(nodeThreads(), baseline, 'and exited once idle');
  t.ok((await outside.verify(await quick.sign({ credential: samples[2]!, key: egyptKey }))).verified, 'a later signature is served');
});

t.test('close waits for the signatures asked for, ends the threads and refuses later ones', async (t) => {
  const closing = createSigningPool({ threads: 2 });
  const asked = Array.from({ length: 30 }, (_, i) => closing.sign({ credential: variant(samples[i % 3]!, i), key: egyptKey, created }));
  const settled = Promise.allSettled(asked);
  await closing.close();
  const outcomes = await settled;
  t.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 30, 'all 30 asked before close were signed');
  await t.rejects(closing.sign({ credential: samples[0]!, key: egyptKey }), SigningPoolClosedError);
  await pool.close();
  t.equal(nodeThreads(), threadsBefore, 'with both pools closed, the process has the threads it had before any pool');
});
