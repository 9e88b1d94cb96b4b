import { createHash } from 'node:crypto';
import { listOf } from '../lib/json.js';
import { decodeBase58btc } from './multibase.js';

/**
 * VC Data Model 2.0 §5.3 Integrity of Related Resources: each `relatedResource` entry names a resource by `id` and
 * carries its digest as `digestSRI` (a Subresource Integrity hash-expression, `sha384-<base64>`) and/or
 * `digestMultibase` (a multibase-encoded multihash, VC Data Integrity §2.6). A digest is computed over the bytes of
 * the resource as served; this module reads the digests and compares them with bytes the caller can produce.
 */

/** A digest as given in a credential: the hash algorithm (a node:crypto name) and the expected bytes. */
export interface Digest {
  algorithm: 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';
  bytes: Buffer;
  /** the value as written in the credential, for messages */
  written: string;
  property: 'digestSRI' | 'digestMultibase';
}

// SRI §3.5: hash-algo "-" base64-value, then optional "?" options; the algorithms SRI defines.
const SRI = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7e]*)?$/;
const SRI_LENGTHS = { sha256: 32, sha384: 48, sha512: 64 } as const;

/** The hash functions of the multicodec table, by code, with their digest lengths. */
const MULTIHASH: Record<number, { algorithm: Digest['algorithm']; length: number }> = {
  0x12: { algorithm: 'sha256', length: 32 },
  0x13: { algorithm: 'sha512', length: 64 },
  0x14: { algorithm: 'sha3-512', length: 64 },
  0x15: { algorithm: 'sha3-384', length: 48 },
  0x16: { algorithm: 'sha3-256', length: 32 },
  0x20: { algorithm: 'sha384', length: 48 },
};

/** Reads one SRI hash-expression; a string saying what is wrong when it is not one. */
export function parseDigestSri(value: string): Digest | string {
  const match = SRI.exec(value);
  if (!match) return 'is not a Subresource Integrity hash-expression like "sha384-<base64 digest>" (sha256, sha384 or sha512)';
  const algorithm = match[1] as keyof typeof SRI_LENGTHS;
  const bytes = Buffer.from(match[2]!, 'base64');
  if (bytes.length !== SRI_LENGTHS[algorithm] || bytes.toString('base64') !== match[2]) {
    return `does not hold a ${SRI_LENGTHS[algorithm]}-byte ${algorithm} digest in base64`;
  }
  return { algorithm, bytes, written: value, property: 'digestSRI' };
}

/** Reads one digestMultibase value ("u" base64url or "z" base58btc, holding a multihash). */
export function parseDigestMultibase(value: string): Digest | string {
  const body = value.slice(1);
  let decoded: Buffer | undefined;
  if (value.startsWith('u') && /^[A-Za-z0-9_-]+$/.test(body)) {
    decoded = Buffer.from(body, 'base64url');
    if (decoded.toString('base64url') !== body) decoded = undefined;
  } else if (value.startsWith('z')) {
    decoded = decodeBase58btc(body);
  } else {
    return 'must be multibase: "u" followed by base64url without padding, or "z" followed by base58btc';
  }
  if (!decoded) return `is not a valid ${value.startsWith('u') ? 'base64url' : 'base58btc'} multibase value`;
  // multihash: <hash function code><digest length><digest>; every code and length here fits one varint byte
  const hash = decoded.length >= 2 ? MULTIHASH[decoded[0]!] : undefined;
  if (!hash) return 'does not hold a multihash of a known hash function (sha2-256, sha2-384, sha2-512, sha3-256, sha3-384, sha3-512)';
  if (decoded[1] !== hash.length || decoded.length !== 2 + hash.length) return `does not hold a complete ${hash.algorithm} multihash (${hash.length} digest bytes)`;
  return { algorithm: hash.algorithm, bytes: decoded.subarray(2), written: value, property: 'digestMultibase' };
}

/** Every digest an entry carries (each property may hold one value or an array); malformed ones are left out. */
export function digestsOf(entry: Record<string, unknown>): Digest[] {
  const values = (value: unknown) => listOf(value).filter((item): item is string => typeof item === 'string');
  return [...values(entry.digestSRI).map(parseDigestSri), ...values(entry.digestMultibase).map(parseDigestMultibase)].filter(
    (digest): digest is Digest => typeof digest !== 'string',
  );
}

/**
 * What a reader knows of the resource at a URL: its bytes, or only some of its digests (a specification may fix a
 * file's digest without the file being at hand); `readable: false` for a URL it answers for where nothing is
 * published; `undefined` for a URL it does not answer for.
 */
export type ResourceReader = (
  url: string,
) => Promise<{ readable: true; bytes: string | Buffer } | { readable: true; digests: Partial<Record<Digest['algorithm'], Buffer>> } | { readable: false; reason?: string } | undefined>;

export interface RelatedResourceProblem {
  path: string;
  message: string;
}

/**
 * Checks the digests of the related resources `read` can produce (it returns undefined for the others, which are
 * left to whoever can fetch them). Every digest given for a resource must match its bytes: a resource has one
 * content, so a credential listing several digests of it vouches for each. Never throws.
 */
export async function checkRelatedResourceDigests({ credential, read }: { credential: Record<string, unknown>; read: ResourceReader }): Promise<RelatedResourceProblem[]> {
  const value = credential.relatedResource;
  const entries = listOf(value);
  const problems: RelatedResourceProblem[] = [];
  for (const [i, entry] of entries.entries()) {
    if (!entry || typeof entry !== 'object' || typeof (entry as { id?: unknown }).id !== 'string') continue;
    const id = (entry as { id: string }).id;
    const path = Array.isArray(value) ? `relatedResource[${i}]` : 'relatedResource';
    const resource = await read(id).catch(() => ({ readable: false as const, reason: 'it could not be read' }));
    if (!resource) continue;
    if (!resource.readable) {
      problems.push({ path: `${path}.id`, message: `${id} is a resource of this service that does not exist${resource.reason ? ` (${resource.reason})` : ''}, so its digest cannot match.` });
      continue;
    }
    for (const digest of digestsOf(entry as Record<string, unknown>)) {
      const actual = 'bytes' in resource ? createHash(digest.algorithm).update(resource.bytes).digest() : resource.digests[digest.algorithm];
      if (actual && !actual.equals(digest.bytes)) {
        problems.push({
          path: `${path}.${digest.property}`,
          message: `${id} does not match its ${digest.property} ${digest.written}: the resource's ${digest.algorithm} digest is ${actual.toString('base64')} (base64).`,
        });
      }
    }
  }
  return problems;
}
