/**
 * npx tsx bench/signing-pool.ts — signatures per second: `signCredential` one after another on the main thread
 * (what single issuance does) against the signing pool with 1 and 2 threads kept busy (what a batch does),
 * measured in interleaved rounds of one run, with each path's ratio to the main thread. Before timing, the
 * pool's output is checked byte-identical to the main thread's for the same created time.
 * BENCH_DURATION_MS (default 6000) is the time per path; SIGNING_BENCH_IN_FLIGHT (default 4 per thread) how
 * many signatures are queued per thread.
 */
import { availableParallelism } from 'node:os';
import { activeSigningKey, generateEd25519KeyPair } from '../src/vc/keys.js';
import { signCredential } from '../src/vc/sign.js';
import { type CredentialSigner, createSigningPool } from '../src/vc/signing-pool.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 6000);
const IN_FLIGHT_PER_THREAD = Number(process.env.SIGNING_BENCH_IN_FLIGHT ?? 4);
const ROUNDS = 3;
const base = 'https://credentials.example.org';
const did = 'did:web:credentials.example.org:centres:egypt';
const names = ['Amina Haddad', 'ليلى عبد الرحمن', '王小明', 'Omar Farouk'];

/** A credential of the shape the service issues (buildOpenBadgeCredential), learner and id varying. */
const credentialFor = (i: number) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: `${base}/credentials/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: '1+X GenAI Foundation: Generative AI for University Teachers',
  issuer: { id: did, type: ['Profile'], name: 'IIOE Egypt National Centre', url: `${base}/centres/egypt` },
  validFrom: '2026-01-01T00:00:00Z',
  credentialStatus: {
    id: `${base}/status/6b1f0a64-0c55-4d2e-9b1a-3f4d2c1e0a9b#${i}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(i),
    statusListCredential: `${base}/status/6b1f0a64-0c55-4d2e-9b1a-3f4d2c1e0a9b`,
  },
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{ type: 'IdentityObject', identityHash: names[i % names.length], identityType: 'name', hashed: false }],
    achievement: {
      id: `${base}/achievements/47f720ef-95c7-409b-b215-531b11d84801`,
      type: ['Achievement'],
      name: '1+X GenAI Foundation: Generative AI for University Teachers',
      description: 'What generative AI is, how large language models work, and how to use them responsibly in higher education.',
      criteria: { narrative: 'Completed all foundation modules and passed the final assessment with at least 70%.' },
      achievementType: 'MicroCredential',
      inLanguage: 'en',
      version: '1',
      creator: { id: 'did:web:credentials.example.org', type: ['Profile'], name: 'UNESCO-ICHEI International Institute of Online Education (IIOE)', url: 'https://www.ichei.org' },
      tag: ['1+X GenAI', 'Foundation'],
    },
  },
});

const { privateKey } = await generateEd25519KeyPair();
const key = activeSigningKey({ keyId: 'bench', verificationMethodId: `${did}#bench`, privateKey });

let next = 0;
/** Signs for `ms` with `inFlight` signatures outstanding; returns how many were done. */
async function signFor(sign: CredentialSigner['sign'], inFlight: number, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  const lane = async () => {
    while (performance.now() < until) {
      await sign({ credential: credentialFor(next++), key });
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return done;
}

const mainThread = createSigningPool({ threads: 0 });
const pools = [1, 2].map((threads) => createSigningPool({ threads }));
const paths = [
  { name: 'main thread, one after another (signCredential)', signer: mainThread, inFlight: 1 },
  ...pools.map((pool) => ({ name: `signing pool, ${pool.threads} thread${pool.threads > 1 ? 's' : ''}`, signer: pool, inFlight: pool.threads * IN_FLIGHT_PER_THREAD })),
];

const created = new Date('2026-01-02T03:04:05Z');
const expected = JSON.stringify(await signCredential({ credential: credentialFor(0), key, created }));
for (const pool of pools) {
  if (JSON.stringify(await pool.sign({ credential: credentialFor(0), key, created })) !== expected) throw new Error(`the ${pool.threads}-thread pool disagrees with the main thread`);
}
console.log(`differential check: the pools' credentials are byte-identical to the main thread's; ${availableParallelism()} cores, Node ${process.version}`);

// warm-up: threads started, contexts compiled, JIT warm on every path
for (const path of paths) await signFor(path.signer.sign, path.inFlight, 1000);
const totals = paths.map(() => ({ done: 0, ms: 0 }));
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, path] of paths.entries()) {
    const start = performance.now();
    totals[index]!.done += await signFor(path.signer.sign, path.inFlight, DURATION_MS / ROUNDS);
    totals[index]!.ms += performance.now() - start;
  }
}
const rates = totals.map(({ done, ms }) => (done * 1000) / ms);
console.log(`\n${'path'.padEnd(52)}${'signatures/s'.padStart(14)}${'ratio'.padStart(9)}`);
for (const [index, path] of paths.entries()) {
  console.log(`${path.name.padEnd(52)}${rates[index]!.toFixed(0).padStart(14)}${`${(rates[index]! / rates[0]!).toFixed(2)}x`.padStart(9)}`);
}
await Promise.all([mainThread, ...pools].map((signer) => signer.close()));
