import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ActiveSigningKey } from './keys.js';
import { SigningError, signCredential } from './sign.js';
import type { SigningOutcome, SigningTask } from './signing-worker.js';

/** Signs credentials like `signCredential`, on worker threads or (threads 0) on the calling thread. */
export interface CredentialSigner {
  /** `created` fixes the proof's creation time; by default it is the time of this call on the calling thread. */
  sign(input: { credential: Record<string, unknown>; key: ActiveSigningKey; created?: Date }): Promise<Record<string, unknown>>;
  /** Ends the threads once the signatures already asked for are done. */
  close(): Promise<void>;
  threads: number;
}

// A thread left without work for this long exits; the next signature starts one again (≈ 1 s with its imports).
const IDLE_TIMEOUT_MS = 30_000;
// Measured on 2 cores (bench/signing-pool.ts, bench/batch.ts): a second task waiting inside each thread keeps it
// busy while the main thread, itself short of a core, answers the first; a young generation larger than V8's
// default means fewer scavenges of the short-lived objects JSON-LD expansion makes (they run on the same cores);
// and a bounded old generation makes a thread collect instead of growing (it keeps nothing between tasks but its
// suites): a 10,000-row batch raised the process's memory by 330-380 MB with these bounds, ~700 MB without,
// at the same rate. The figures are in docs/architecture.md.
const TASKS_PER_THREAD = 2;
const YOUNG_GENERATION_MB = 32;
const OLD_GENERATION_MB = 96;

/**
 * The worker module beside this one, with this module's own extension: `.ts` when run from the sources under
 * tsx (dev, tests), `.js` in the compiled build (production, where tsx is not installed).
 */
const workerFile = fileURLToPath(new URL(`./signing-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export class SigningPoolClosedError extends Error {
  constructor() {
    super('the signing pool is closed');
    this.name = 'SigningPoolClosedError';
  }
}

type SignInput = Parameters<CredentialSigner['sign']>[0];

/**
 * `threads` signing threads, started when there is work and ended after `idleTimeoutMs` without any; with
 * threads 0 every signature runs on the calling thread.
 */
export function createSigningPool({ threads, idleTimeoutMs = IDLE_TIMEOUT_MS }: { threads: number; idleTimeoutMs?: number }): CredentialSigner {
  if (threads === 0) return closable({ threads, sign: (input) => signCredential(input), end: async () => {} });
  const pool = new Piscina<SigningTask, SigningOutcome[]>({
    filename: workerFile,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: idleTimeoutMs,
    concurrentTasksPerWorker: TASKS_PER_THREAD,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB },
  });
  const post = async (key: ActiveSigningKey, waiting: WaitingSignature[]) => {
    const { keyId, verificationMethodId, privateKey } = key;
    try {
      const outcomes = await pool.run({ keyId, verificationMethodId, privateKey, items: waiting.map(({ credential, created }) => ({ credential, created })) });
      waiting.forEach(({ resolve, reject }, at) => {
        const outcome = outcomes[at]!;
        if ('signingError' in outcome) reject(new SigningError(outcome.signingError, undefined));
        else resolve(outcome.signed);
      });
    } catch (error) {
      for (const { reject } of waiting) reject(error);
    }
  };
  return closable({
    threads,
    sign: coalescing({ tasks: threads * TASKS_PER_THREAD, post }),
    end: () => pool.close(),
  });
}

interface WaitingSignature {
  credential: Record<string, unknown>;
  created: Date;
  resolve: (signed: Record<string, unknown>) => void;
  reject: (error: unknown) => void;
}

/**
 * A `sign` that gathers the signatures asked for in one turn of the event loop (a batch group asks for its rows
 * together) and posts them as at most `tasks` tasks per key, so that every thread gets a share in one message
 * each. A lone signature (single issuance) is one task of one, as before.
 */
function coalescing({ tasks, post }: { tasks: number; post: (key: ActiveSigningKey, waiting: WaitingSignature[]) => Promise<void> }): CredentialSigner['sign'] {
  let gathering: Map<ActiveSigningKey, WaitingSignature[]> | undefined;
  const flush = () => {
    const gathered = gathering!;
    gathering = undefined;
    for (const [key, waiting] of gathered) {
      const size = Math.ceil(waiting.length / Math.min(tasks, waiting.length));
      for (let start = 0; start < waiting.length; start += size) void post(key, waiting.slice(start, start + size));
    }
  };
  return ({ credential, key, created = new Date() }) =>
    new Promise((resolve, reject) => {
      if (!gathering) {
        gathering = new Map();
        setImmediate(flush);
      }
      const waiting = gathering.get(key) ?? [];
      gathering.set(key, waiting);
      waiting.push({ credential, created, resolve, reject });
    });
}

/**
 * Close waits for every signature already asked for (piscina's own close fails the queued ones), then ends the
 * threads; a signature asked for after that is refused (piscina would start new threads for it).
 */
function closable({ threads, sign, end }: { threads: number; sign: CredentialSigner['sign']; end: () => Promise<void> }): CredentialSigner {
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  return {
    threads,
    sign(input: SignInput) {
      if (closed) return Promise.reject(new SigningPoolClosedError());
      const signing = sign(input);
      const settled = () => inFlight.delete(signing);
      inFlight.add(signing);
      signing.then(settled, settled);
      return signing;
    },
    async close() {
      closed = true;
      await Promise.allSettled(inFlight);
      await end();
    },
  };
}
