import { createCredential, createList, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { createTtlCache } from '../lib/ttl-cache.js';

/** The statusPurpose of the one entry our credentials carry (Open Badges 3.0 allows at most one status). */
export const REVOCATION = 'revocation';

/** The credentialStatus entry (W3C Bitstring Status List) pointing at `index` of the list at `listUrl`. */
export function statusListEntry({ listUrl, index }: { listUrl: string; index: number }) {
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: REVOCATION,
    statusListIndex: String(index),
    statusListCredential: listUrl,
  };
}

/**
 * The unsigned BitstringStatusListCredential (VC 2.0 context only: it defines every Bitstring Status List
 * term): `encodedList` is the multibase base64url of the GZIP-compressed bitstring, built by the stock library.
 */
export async function buildStatusListCredential({
  listUrl,
  issuer,
  size,
  setIndexes,
  validFrom,
  validUntil,
}: {
  listUrl: string;
  issuer: string;
  size: number;
  setIndexes: Iterable<number>;
  validFrom: string;
  validUntil: string;
}): Promise<Record<string, unknown>> {
  const list = await createList({ length: size });
  for (const index of setIndexes) list.setStatus(index, true);
  const { credentialSubject, ...rest } = await createCredential({ id: listUrl, list, statusPurpose: REVOCATION });
  return { ...rest, issuer, validFrom, validUntil, credentialSubject };
}

const CLOCK_SKEW_MS = 60_000;

// Decoded bitstrings by their encoding: every verification of a credential on a list reads the same list, and
// un-gzipping its 16 KB for each was a tenth of a verification's time. Decoding is pure, so the life only bounds memory.
const decodedLists = createTtlCache<string, Awaited<ReturnType<typeof decodeList>>>({ ttlMs: 60_000, maxEntries: 64 });

/**
 * Why a list could not be read, named after the Bitstring Status List processing errors (§3.5), plus the VC Data
 * Model's RANGE_ERROR for an index outside the list.
 */
export type StatusError = 'STATUS_RETRIEVAL_ERROR' | 'STATUS_VERIFICATION_ERROR' | 'STATUS_LIST_LENGTH_ERROR' | 'RANGE_ERROR';

export type ListReading = { readable: true; set: boolean } | { readable: false; reason: string; error: StatusError };

/**
 * Reads one entry of a status list credential whose proof has already been checked: the checks of the Bitstring
 * Status List specification (type, purpose, issuer, validity period, index within the list) and the bit.
 * Anything wrong makes the list unreadable, never "not revoked".
 */
export async function readStatusEntry({
  list,
  entry,
  credentialIssuer,
  now,
}: {
  list: Record<string, unknown>;
  entry: Record<string, unknown>;
  credentialIssuer: string | undefined;
  now: Date;
}): Promise<ListReading> {
  const unreadable = (reason: string, error: StatusError = 'STATUS_VERIFICATION_ERROR'): ListReading => ({ readable: false, reason, error });
  const types = Array.isArray(list.type) ? list.type : [list.type];
  if (!types.includes('BitstringStatusListCredential')) return unreadable('the status list is not a BitstringStatusListCredential');
  const issuer = typeof list.issuer === 'string' ? list.issuer : (list.issuer as { id?: unknown } | undefined)?.id;
  if (!credentialIssuer || issuer !== credentialIssuer) return unreadable(`the status list is issued by ${String(issuer)}, not by the credential's issuer`);
  const validFrom = typeof list.validFrom === 'string' ? Date.parse(list.validFrom) : Number.NaN;
  const validUntil = typeof list.validUntil === 'string' ? Date.parse(list.validUntil) : Number.NaN;
  // A list re-signed a moment ago, by a machine whose clock runs a little ahead, is not "not yet valid".
  if (list.validFrom !== undefined && !(validFrom <= now.getTime() + CLOCK_SKEW_MS)) return unreadable('the status list is not valid yet');
  if (list.validUntil !== undefined && !(validUntil > now.getTime())) return unreadable(`the status list expired on ${String(list.validUntil)}`);
  const subject = list.credentialSubject as Record<string, unknown> | undefined;
  if (subject?.type !== 'BitstringStatusList') return unreadable('the status list credential holds no BitstringStatusList');
  if (subject.statusPurpose !== entry.statusPurpose) return unreadable(`the status list's purpose is ${String(subject.statusPurpose)}, not ${String(entry.statusPurpose)}`);
  if (typeof subject.encodedList !== 'string') return unreadable('the status list has no encodedList');
  const index = Number(entry.statusListIndex);
  let decoded;
  try {
    decoded = await decodedLists.get(subject.encodedList, () => decodeList({ encodedList: subject.encodedList as string }));
  } catch (error) {
    return unreadable(`the status list cannot be decoded: ${(error as Error).message}`);
  }
  // The spec's privacy minimum: a list shorter than 131,072 entries is not a conforming list.
  if (decoded.length < 131_072) return unreadable(`the status list has ${decoded.length} entries, fewer than the 131,072 the specification requires`, 'STATUS_LIST_LENGTH_ERROR');
  if (!Number.isSafeInteger(index) || index < 0 || index >= decoded.length) return unreadable(`the entry ${String(entry.statusListIndex)} is outside the list`, 'RANGE_ERROR');
  return { readable: true, set: decoded.getStatus(index) };
}

/** The entry's shape as the specification requires it; returns the problem, or undefined when it is well formed. */
export function statusEntryProblem(entry: unknown): string | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return 'credentialStatus must be one object';
  const value = entry as Record<string, unknown>;
  if (value.type !== 'BitstringStatusListEntry') return `the status type ${String(value.type)} is not supported (only BitstringStatusListEntry)`;
  if (typeof value.statusPurpose !== 'string') return 'statusPurpose is missing';
  if (typeof value.statusListCredential !== 'string' || !/^https?:\/\//.test(value.statusListCredential)) return 'statusListCredential must be an http(s) URL';
  if (typeof value.statusListIndex !== 'string' || !/^(0|[1-9]\d{0,9})$/.test(value.statusListIndex)) return 'statusListIndex must be a non-negative integer string';
  if (value.id !== undefined && value.id === value.statusListCredential) return 'the entry id must not be the list URL';
  return undefined;
}
