/**
 * Where the time of a request goes: the request is run `requests` times under V8's sampling CPU profiler
 * (node:inspector, one sample every 100 µs on the main thread), and every sample is put in one bucket by its call
 * stack (bucketOf). The buckets add up to the wall time of the profiled requests: "waiting" is time the thread had
 * nothing to run (with PostgreSQL, mostly the database server's own work in its process, on the other core). The
 * profiled requests run a little slower than unprofiled ones; the shares are what to read.
 */
import { Session } from 'node:inspector/promises';

const BUCKETS = [
  'canonicalisation: document to N-Quads (compiled walk; jsonld.js)',
  'canonicalisation: RDFC-1.0 (canonical-nquads.ts; rdf-canonize)',
  'hashing (SHA-256 outside canonicalisation)',
  'signature (Ed25519 sign or verify, base58)',
  'database (driver, query building, PGlite engine)',
  'waiting (idle: PostgreSQL server, I/O)',
  'validation (zod, OB 3.0 schema, VC checks)',
  'HTTP (Fastify, inject, auth, serialisation)',
  'other (services, document building, caches)',
  'garbage collection',
] as const;
type Bucket = (typeof BUCKETS)[number];
const OTHER: Bucket = 'other (services, document building, caches)';

export interface Profile {
  name: string;
  requests: number;
  /** wall time per request with the profiler running (slightly slower than unprofiled) */
  msPerRequest: number;
  /** ms per request in each bucket */
  buckets: Map<Bucket, number>;
  /** the functions that took most of "other", ms per request */
  largestOther: { culprit: string; ms: number }[];
}

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

// the labelling, sorting and hashing of the N-Quads: the compiled path's own, or rdf-canonize's when it falls back
const RDFC = (url: string) => url.includes('/rdf-canonize/') || url.endsWith('/src/vc/canonical-nquads.ts');
const CANONICALISATION = (url: string) => url.includes('/jsonld/') || url.endsWith('/fast-canonize.ts');
const SIGNATURE = (url: string) => url === 'node:internal/crypto/sig' || url === 'node:internal/crypto/keys' || url.includes('/base58-universal/') || url.endsWith('/src/vc/multibase.ts');
const AUTH = (url: string) => /fast-jwt|@fastify\/jwt/.test(url);
const VALIDATION = (url: string) => /\/zod\/|\/ob3-schema\.ts$|\/data-model\.ts$|\/input-limits\.ts$|@digitalbazaar\/vc\//.test(url);
const DATABASE = (url: string) => /@electric-sql\/pglite|\/drizzle-orm\/|\/node_modules\/(postgres|pg|pg-[a-z]+)\/|^wasm:|\/src\/db\/|\/repository\.ts$/.test(url);
const HTTP = (url: string) => /\/fastify|@fastify\/|light-my-request|find-my-way|avvio|fast-json-stringify|secure-json-parse|\/pino|@pinojs\/|\/src\/plugins\//.test(url);

/**
 * A sample's bucket. Work done on behalf of canonicalisation, a signature, authentication or validation counts
 * there whatever it calls (rdf-canonize hashes blank nodes itself, zod calls our URL and date checks); the rest
 * goes by the innermost frame whose source says something (builtins and Node internals do not).
 */
function bucketOf(stack: CallFrame[]): Bucket {
  const leaf = stack[0]!.functionName;
  if (leaf === '(garbage collector)') return 'garbage collection';
  if (leaf === '(idle)') return 'waiting (idle: PostgreSQL server, I/O)';
  const urls = stack.map(({ url }) => url);
  if (urls.some(RDFC)) return 'canonicalisation: RDFC-1.0 (canonical-nquads.ts; rdf-canonize)';
  if (urls.some(CANONICALISATION)) return 'canonicalisation: document to N-Quads (compiled walk; jsonld.js)';
  if (urls.some(SIGNATURE)) return 'signature (Ed25519 sign or verify, base58)';
  // the bearer token's HMAC is authentication, not the proof's hashing
  if (urls.some(AUTH)) return 'HTTP (Fastify, inject, auth, serialisation)';
  if (urls.some(VALIDATION)) return 'validation (zod, OB 3.0 schema, VC checks)';
  for (const url of urls) {
    if (url === 'node:internal/crypto/hash') return 'hashing (SHA-256 outside canonicalisation)';
    if (DATABASE(url)) return 'database (driver, query building, PGlite engine)';
    if (HTTP(url)) return 'HTTP (Fastify, inject, auth, serialisation)';
    if (url !== '' && !url.startsWith('node:')) return OTHER;
  }
  return OTHER;
}

/** The function an "other" sample is charged to: its innermost frame with a source of its own. */
function otherCulprit(stack: CallFrame[]): string {
  const frame = stack.find(({ url }) => url !== '' && !url.startsWith('node:'));
  if (!frame) return stack[0]!.functionName || '(native)';
  const file = frame.url.split('/').pop();
  return `${frame.functionName.replace(/^__name$/, '') || '(anonymous)'} (${file})`;
}

// The profiler's own work when it stops (building the profile) is sampled too, and is not the request's.
const isProfilerItself = (stack: CallFrame[]) => stack.some(({ url }) => url === 'node:inspector');

/** Runs `run` `requests` times, one after another, under the CPU profiler. */
export async function profileRequests({ name, requests, run }: { name: string; requests: number; run: (i: number) => Promise<unknown> }): Promise<Profile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const started = performance.now();
    for (let i = 0; i < requests; i++) await run(i);
    const wallMs = performance.now() - started;
    const { profile } = await session.post('Profiler.stop');
    const nodes = profile.nodes as ProfileNode[];
    const parentOf = new Map<number, ProfileNode>();
    const byId = new Map(nodes.map((node) => [node.id, node]));
    for (const node of nodes) for (const child of node.children ?? []) parentOf.set(child, node);
    const stackOf = (id: number) => {
      const stack: CallFrame[] = [];
      for (let node = byId.get(id); node; node = parentOf.get(node.id)) stack.push(node.callFrame);
      return stack;
    };
    const sampled = new Map<Bucket, number>(BUCKETS.map((bucket) => [bucket, 0]));
    const others = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let total = 0;
    // each sample's delta is the time since the previous sample: the time up to a sample is charged to it
    for (let index = 0; index < samples.length; index++) {
      const stack = stackOf(samples[index]!);
      if (isProfilerItself(stack)) continue;
      const micros = Math.max(0, deltas[index] ?? 0);
      total += micros;
      const bucket = bucketOf(stack);
      sampled.set(bucket, sampled.get(bucket)! + micros);
      if (bucket === OTHER) {
        const culprit = otherCulprit(stack);
        others.set(culprit, (others.get(culprit) ?? 0) + micros);
      }
    }
    // the sampled times, scaled to the measured wall time (they differ by the sampling's granularity), per request
    const scale = total > 0 ? wallMs / total / requests : 0;
    return {
      name,
      requests,
      msPerRequest: wallMs / requests,
      buckets: new Map([...sampled].map(([bucket, micros]) => [bucket, micros * scale])),
      largestOther: [...others].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([culprit, micros]) => ({ culprit, ms: micros * scale })),
    };
  } finally {
    await session.post('Profiler.disable').catch(() => {});
    session.disconnect();
  }
}

export function printProfiles(title: string, profiles: Profile[]) {
  if (profiles.length === 0) return;
  const width = 14;
  console.log(`\n${title}`);
  console.log(`${'ms per request (share)'.padEnd(64)}${profiles.map((profile) => profile.name.padStart(width + 2)).join('')}`);
  for (const bucket of BUCKETS) {
    const cells = profiles.map((profile) => {
      const ms = profile.buckets.get(bucket)!;
      return `${ms.toFixed(2)} (${((100 * ms) / profile.msPerRequest).toFixed(0).padStart(2)}%)`.padStart(width + 2);
    });
    console.log(`${bucket.padEnd(64)}${cells.join('')}`);
  }
  console.log(`${'total (wall, profiler on)'.padEnd(64)}${profiles.map((profile) => `${profile.msPerRequest.toFixed(2)} ms`.padStart(width + 2)).join('')}`);
  console.log(`${'requests profiled'.padEnd(64)}${profiles.map((profile) => String(profile.requests).padStart(width + 2)).join('')}`);
  for (const profile of profiles) {
    console.log(`  largest in "other", ${profile.name}: ${profile.largestOther.map(({ culprit, ms }) => `${culprit} ${ms.toFixed(2)} ms`).join(', ')}`);
  }
}
