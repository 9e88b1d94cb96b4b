#!/usr/bin/env node
// node scripts/check-signing-pool.mjs [DIST_DIR]  (after `npm run build`; DIST_DIR defaults to ./dist)
//
// Proves the signing pool of the compiled build works with plain node, as production runs it (no tsx, which
// is a devDependency): its threads load dist/vc/signing-worker.js and sign byte-identically to the calling
// thread, a credential the library refuses comes back as a SigningError, and close() ends the threads.
// The modules are imported from DIST_DIR, so their dependencies resolve from the install beside it.
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
const load = (module) => import(pathToFileURL(resolve(dist, module)).href);
const { activeSigningKey } = await load('vc/keys.js');
const { SigningError, signCredential } = await load('vc/sign.js');
const { createSigningPool } = await load('vc/signing-pool.js');

function fail(message) {
  console.error(`check-signing-pool: ${message}`);
  process.exit(1);
}

if (process.execArgv.some((arg) => arg.includes('tsx'))) fail('run it with plain node, not under tsx');
const threadCount = () => readdirSync('/proc/self/task').length;

const { privateKey } = generateKeyPairSync('ed25519');
const key = activeSigningKey({ keyId: 'check', verificationMethodId: 'did:web:example.org#check', privateKey });
const credentialFor = (i) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  issuer: 'did:web:example.org',
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:learner', name: i % 2 ? 'ليلى عبد الرحمن' : '王小明' },
});
const created = new Date('2026-01-02T03:04:05Z');

// warms the calling thread (and libuv's pool) so the thread count below moves only with the signing threads
await signCredential({ credential: credentialFor(0), key, created });
const threadsBefore = threadCount();
const pool = createSigningPool({ threads: 2 });
const started = Date.now();
const signed = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.sign({ credential: credentialFor(i), key, created })));
const elapsed = Date.now() - started;
for (const [i, document] of signed.entries()) {
  const here = await signCredential({ credential: credentialFor(i), key, created });
  if (JSON.stringify(document) !== JSON.stringify(here)) fail(`credential ${i}: the pool's signature differs from the calling thread's`);
}
const refused = await pool.sign({ credential: { ...credentialFor(1), undefinedTerm: 1 }, key }).then(() => null, (error) => error);
if (!(refused instanceof SigningError)) fail(`an undefined term gave ${refused ? refused.name : 'a signature'}, not a SigningError`);
if (threadCount() <= threadsBefore) fail('no signing thread was started');
await pool.close();
if (threadCount() !== threadsBefore) fail(`${threadCount() - threadsBefore} thread(s) left after close()`);
console.log(`check-signing-pool: ${signed.length} credentials signed on 2 threads from ${dist} in ${elapsed} ms, byte-identical to the calling thread; refusal and close ok`);
