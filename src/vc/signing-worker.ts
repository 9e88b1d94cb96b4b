/**
 * The module each signing thread runs (src/vc/signing-pool.ts starts the threads). It signs with the same
 * `signCredential` as the main thread, so a credential signed here is byte-identical to one signed there.
 */
import type { KeyObject } from 'node:crypto';
import { type ActiveSigningKey, activeSigningKey } from './keys.js';
import { SigningError, signCredential } from './sign.js';

/**
 * Signatures with one key, as posted to a thread together (one message per few credentials: a message per
 * credential cost the main thread more than storing the credential). The private KeyObject is cloned into this
 * thread, in this process, once per task.
 */
export interface SigningTask {
  keyId: string;
  verificationMethodId: string;
  privateKey: KeyObject;
  items: { credential: Record<string, unknown>; created: Date }[];
}

/**
 * Per item, in order. A credential the library refuses comes back as a value (an Error thrown across threads
 * arrives as a plain Error); anything else thrown here is a failure of the thread, not of the credential, and
 * stays an error (failing the task's every item).
 */
export type SigningOutcome = { signed: Record<string, unknown> } | { signingError: string };

// A thread signs for the few centres of the batches in flight; the bound keeps private keys of rotated
// keys from piling up in a long-lived thread.
const KEY_CACHE_LIMIT = 32;
const keys = new Map<string, ActiveSigningKey>();

/** This key's signing suite, built the first time the thread signs with the key, then reused (DESIGN §6). */
function keyFor({ keyId, verificationMethodId, privateKey }: Omit<SigningTask, 'items'>): ActiveSigningKey {
  const cached = keys.get(keyId);
  // the id alone is not trusted: the suite must hold the very key and method the task carries
  if (cached && cached.verificationMethodId === verificationMethodId && cached.privateKey.equals(privateKey)) return cached;
  const key = activeSigningKey({ keyId, verificationMethodId, privateKey });
  keys.delete(keyId);
  if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value as string);
  keys.set(keyId, key);
  return key;
}

export default async function signInThread(task: SigningTask): Promise<SigningOutcome[]> {
  const key = keyFor(task);
  const outcomes: SigningOutcome[] = [];
  for (const { credential, created } of task.items) {
    try {
      outcomes.push({ signed: await signCredential({ credential, key, created }) });
    } catch (error) {
      if (!(error instanceof SigningError)) throw error;
      outcomes.push({ signingError: error.message });
    }
  }
  return outcomes;
}
