import { createTtlCache } from '../../lib/ttl-cache.js';
import { verifyCredentialProof } from '../../vc/verify-proof.js';
import { readStatusEntry, type StatusError, statusEntryProblem } from '../../vc/status-list.js';
import type { AppContext } from '../../plugins/context.js';
import { credentialUrl } from '../credentials/document.js';
import type { CredentialLifecycle } from '../credentials/repository.js';
import { statusListUrl } from '../status/service.js';
import { isUuid } from '../../lib/ids.js';


export type StatusFinding =
  | { outcome: 'active' }
  | { outcome: 'revoked'; at?: Date; reason?: string; supersededBy?: string }
  | { outcome: 'suspended'; until?: Date; reason?: string }
  | { outcome: 'unreadable'; reason: string; error: StatusError };

// Status list documents whose proof has been checked, by their exact serialisation: a list is re-signed only
// when it changes, so each version is verified once per few seconds, not once per credential that points at it.
// The short life keeps a key compromise from being hidden by an earlier check (the window of the other caches).
const verifiedLists = createTtlCache<string, true>({ ttlMs: 5_000, maxEntries: 1_000 });

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

function asListObject(value: unknown, serialised: string, url: string): { list: Record<string, unknown>; serialised: string } | { error: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: `the status list at ${url} is not a JSON object` };
  return { list: value as Record<string, unknown>, serialised };
}

/** The list document an entry points at: ours from the database, others' through the guarded fetcher. */
async function fetchList(ctx: AppContext, url: string): Promise<{ list: Record<string, unknown>; serialised: string } | { error: string }> {
  const prefix = statusListUrl(ctx.config.publicBaseUrl, '');
  if (url.startsWith(prefix)) {
    const listId = url.slice(prefix.length);
    const row = isUuid(listId) ? await ctx.statusLists.document(listId) : undefined;
    if (!row?.document) return { error: `this service publishes no status list at ${url}` };
    return asListObject(parseJson(row.document), row.document, url);
  }
  if (!ctx.config.remote.enabled) return { error: 'fetching other issuers\' status lists is turned off here (REMOTE_RESOLUTION=false)' };
  try {
    const { body } = await ctx.fetcher.fetchJson(url);
    return asListObject(body, JSON.stringify(body), url);
  } catch (error) {
    return { error: `the status list at ${url} could not be fetched: ${(error as Error).message}` };
  }
}

type EntryReading = { set: boolean } | { unreadable: string; error: StatusError };

/** Reads the credential's status entry exactly as an outside verifier would: the list's proof, issuer, validity and bit. */
async function readEntry(ctx: AppContext, entry: unknown, issuerId: string | undefined, now: Date): Promise<EntryReading> {
  const problem = statusEntryProblem(entry);
  if (problem) return { unreadable: problem, error: 'STATUS_VERIFICATION_ERROR' };
  const value = entry as Record<string, unknown>;
  if (value.statusPurpose !== 'revocation' && value.statusPurpose !== 'suspension') {
    return { unreadable: `the status purpose "${String(value.statusPurpose)}" is not one this verifier reads`, error: 'STATUS_VERIFICATION_ERROR' };
  }
  const fetched = await fetchList(ctx, value.statusListCredential as string);
  if ('error' in fetched) return { unreadable: fetched.error, error: 'STATUS_RETRIEVAL_ERROR' };
  const signatureProblem = await verifiedLists
    .get(fetched.serialised, async () => {
      const proof = await verifyCredentialProof({ credential: fetched.list, resolveDid: ctx.resolveDid });
      if (proof.outcome !== 'valid') throw new Error(`the status list's signature does not verify${'reason' in proof ? ` (${proof.reason})` : ''}`);
      return true as const;
    })
    .then(() => undefined, (error: Error) => error.message);
  if (signatureProblem) return { unreadable: signatureProblem, error: 'STATUS_VERIFICATION_ERROR' };
  const reading = await readStatusEntry({ list: fetched.list, entry: value, credentialIssuer: issuerId, now });
  return reading.readable ? { set: reading.set } : { unreadable: reading.reason, error: reading.error };
}

/** Our own record of a credential this service issued (revocation date and reason, suspension, replacement). */
async function ownLifecycle(ctx: AppContext, credential: Record<string, unknown>, centreId: string | undefined): Promise<CredentialLifecycle | undefined> {
  const prefix = credentialUrl(ctx.config.publicBaseUrl, '');
  const id = typeof credential.id === 'string' && credential.id.startsWith(prefix) ? credential.id.slice(prefix.length) : undefined;
  if (!id || !isUuid(id) || !centreId) return undefined;
  const lifecycle = await ctx.lookups.lifecycle(id);
  return lifecycle?.centreId === centreId ? lifecycle : undefined;
}

/**
 * The `status` check. Fails closed: a list that cannot be read, whose signature does not verify, whose issuer is
 * not the credential's, or that has expired makes the status unreadable, never active. For our own centres'
 * credentials the service's records add the date and reason of a revocation, a replacement, and suspensions
 * (a hold outside verifiers do not see). Undefined when the credential claims no status and is not ours.
 */
export async function checkCredentialStatus({
  ctx,
  credential,
  issuerId,
  centreId,
  now,
}: {
  ctx: AppContext;
  credential: Record<string, unknown>;
  issuerId: string | undefined;
  centreId: string | undefined;
  now: Date;
}): Promise<StatusFinding | undefined> {
  const own = await ownLifecycle(ctx, credential, centreId);
  const entry = credential.credentialStatus;
  if (entry === undefined && !own) return undefined;
  const reading = entry === undefined ? undefined : await readEntry(ctx, entry, issuerId, now);
  const purpose = (entry as { statusPurpose?: unknown } | undefined)?.statusPurpose;

  const revokedByList = reading && 'set' in reading && reading.set && purpose === 'revocation';
  if (own?.revokedAt || revokedByList) {
    return {
      outcome: 'revoked',
      at: own?.revokedAt ?? undefined,
      reason: own?.revocationReason ?? undefined,
      supersededBy: own?.supersededBy ? credentialUrl(ctx.config.publicBaseUrl, own.supersededBy) : undefined,
    };
  }
  if (reading && 'unreadable' in reading) return { outcome: 'unreadable', reason: reading.unreadable, error: reading.error };
  if (own?.suspendedAt && (!own.suspendedUntil || own.suspendedUntil > now)) {
    return { outcome: 'suspended', until: own.suspendedUntil ?? undefined, reason: own.suspensionReason ?? undefined };
  }
  if (reading && 'set' in reading && reading.set) return { outcome: 'suspended' };
  return { outcome: 'active' };
}
