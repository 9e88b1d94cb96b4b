import { randomInt, randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { HttpProblem, problemType } from '../../lib/problem.js';
import { createTtlCache } from '../../lib/ttl-cache.js';
import { centreDid } from '../../vc/did-web.js';
import { signCredential } from '../../vc/sign.js';
import { buildStatusListCredential, REVOCATION } from '../../vc/status-list.js';
import { xsdDateTime } from '../credentials/document.js';
import type { IssuanceLookups } from '../credentials/lookups.js';
import type { ActiveSigningKey, KeyStore } from '../keys/service.js';
import * as repository from './repository.js';
import type { StatusListRow } from './repository.js';

export const statusListUrl = (publicBaseUrl: string, listId: string) => `${publicBaseUrl}/status/${listId}`;

/**
 * The rollover rule: a list takes new credentials until half of its entries are held, then the next list is
 * started. Below half, a random free entry is found in a couple of tries and every credential of the list sits
 * among at least as many unused entries, so neither the indexes nor the set bits say how many were issued.
 */
export const listCapacity = (row: Pick<StatusListRow, 'size'>) => Math.floor(row.size / 2);

/** An entry of a list, taken for one credential before it is signed. */
export interface StatusSlot {
  listId: string;
  listUrl: string;
  index: number;
  /** allocations the list may hold (the issuance statement refuses the entry once the list is this full) */
  capacity: number;
}

export interface ListSigner {
  did: string;
  key: ActiveSigningKey;
}

interface CurrentList {
  row: StatusListRow;
  /** one bit per entry: taken by a stored credential, or handed out by this process */
  taken: Uint8Array;
  count: number;
}

const isTaken = (taken: Uint8Array, index: number) => (taken[index >> 3]! & (1 << (index & 7))) !== 0;
const markTaken = (taken: Uint8Array, index: number) => {
  taken[index >> 3]! |= 1 << (index & 7);
};

/** A uniformly random free entry: random probes (the list is at most half full), then a scan from a random start. */
function randomFreeIndex(taken: Uint8Array, size: number): number {
  for (let probe = 0; probe < 64; probe++) {
    const index = randomInt(size);
    if (!isTaken(taken, index)) return index;
  }
  const start = randomInt(size);
  for (let offset = 0; offset < size; offset++) {
    const index = (start + offset) % size;
    if (!isTaken(taken, index)) return index;
  }
  throw new Error('status list has no free entry');
}

export function createStatusLists({ db, config, keys, lookups }: { db: Db; config: Config; keys: KeyStore; lookups: IssuanceLookups }) {
  const current = new Map<string, Promise<CurrentList>>();
  // Our verifier reads our lists through this short cache; a change made here clears it.
  const documents = createTtlCache<string, StatusListRow | undefined>({ ttlMs: 5_000 });

  async function startList(centreId: string, sequence: number) {
    await repository.insertListIfAbsent(db, { id: randomUUID(), centreId, purpose: REVOCATION, sequence, size: config.statusLists.size });
  }

  /** The centre's current list with its taken entries, starting the first or the next list when needed. */
  async function loadCurrent(centreId: string): Promise<CurrentList> {
    let row = await repository.findCurrentList(db, centreId, REVOCATION);
    if (!row) {
      await startList(centreId, 1);
      row = await repository.findCurrentList(db, centreId, REVOCATION);
    } else if (row.allocated >= listCapacity(row)) {
      await startList(centreId, row.sequence + 1);
      row = await repository.findCurrentList(db, centreId, REVOCATION);
    }
    if (!row) throw new Error(`could not start a status list for centre ${centreId}`);
    const taken = new Uint8Array(Math.ceil(row.size / 8));
    const indexes = await repository.takenIndexes(db, row.id);
    for (const index of indexes) markTaken(taken, index);
    return { row, taken, count: indexes.length };
  }

  /**
   * What signs a centre's lists: its DID and active key, looked up before any transaction opens (the embedded
   * database has one connection, so a lookup from inside a transaction on another handle would wait forever).
   */
  async function listSigner(centreId: string): Promise<ListSigner> {
    const centre = await lookups.centre(centreId);
    if (!centre) throw new Error(`no centre ${centreId} to sign its status list`);
    const did = centreDid(config.publicBaseUrl, centre.slug);
    return { did, key: await keys.activeAssertionKey({ centreId, did }) };
  }

  /** Re-signs a list from the bits in the database; call inside a transaction holding the list's lock. */
  async function signList(tx: DbOrTx, row: StatusListRow, signer: ListSigner): Promise<StatusListRow> {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const validUntil = new Date(now.getTime() + config.statusLists.validityMs);
    const unsigned = await buildStatusListCredential({
      listUrl: statusListUrl(config.publicBaseUrl, row.id),
      issuer: signer.did,
      size: row.size,
      setIndexes: await repository.revokedIndexes(tx, row.id),
      validFrom: xsdDateTime(now),
      validUntil: xsdDateTime(validUntil),
    });
    const signed = await signCredential({ credential: unsigned, key: signer.key });
    return repository.storeListDocument(tx, row.id, { document: JSON.stringify(signed), validUntil });
  }

  const needsSigning = (row: StatusListRow, now: number) =>
    !row.document || !row.validUntil || row.validUntil.getTime() - now < config.statusLists.validityMs / 2;

  return {
    /** Takes a random free entry of the centre's current list for a credential about to be signed. */
    async reserve(centreId: string): Promise<StatusSlot> {
      let pending = current.get(centreId);
      if (!pending) {
        pending = loadCurrent(centreId);
        current.set(centreId, pending);
        pending.catch(() => current.delete(centreId));
      }
      const list = await pending;
      const capacity = listCapacity(list.row);
      if (list.count >= capacity) {
        current.delete(centreId);
        return this.reserve(centreId);
      }
      const index = randomFreeIndex(list.taken, list.row.size);
      // Handed out now, so concurrent issuances in this process never pick the same entry.
      markTaken(list.taken, index);
      list.count++;
      return { listId: list.row.id, listUrl: statusListUrl(config.publicBaseUrl, list.row.id), index, capacity };
    },

    /** After a refused entry (taken by another process, or the list filled up): re-read the current list. */
    forget(centreId: string) {
      current.delete(centreId);
    },

    /**
     * The signed list, exactly as served: signed on first use, re-signed when half of its validity has passed
     * (never per request). Undefined for an unknown list.
     */
    async document(listId: string): Promise<StatusListRow | undefined> {
      const row = await documents.get(listId, () => repository.findList(db, listId));
      if (!row || !needsSigning(row, Date.now())) return row;
      const signer = await listSigner(row.centreId);
      const signed = await db.transaction(async (tx) => {
        const locked = await repository.lockList(tx, listId);
        // another request or replica may have signed it while this one waited for the lock
        return locked && needsSigning(locked, Date.now()) ? signList(tx, locked, signer) : locked;
      });
      documents.clear();
      return signed;
    },

    listSigner,

    /** Sets or clears bits: re-signs the list inside the caller's transaction, after its credential rows changed. */
    async resign(tx: DbOrTx, listId: string, signer: ListSigner): Promise<void> {
      const locked = await repository.lockList(tx, listId);
      if (locked) await signList(tx, locked, signer);
    },

    /**
     * Re-signs every list of a centre, in the caller's transaction, with the key that transaction made active:
     * after a key is marked compromised, what it signed no longer verifies, and the lists must not leave the
     * centre's credentials unreadable. Call changed() once the transaction has committed.
     */
    async resignCentreLists(tx: DbOrTx, centreId: string, signer: ListSigner): Promise<void> {
      for (const listId of await repository.listCentreListIds(tx, centreId)) await this.resign(tx, listId, signer);
    },

    /** Forget cached list documents (after a change committed by this process). */
    changed() {
      documents.clear();
    },
  };
}

export type StatusLists = ReturnType<typeof createStatusLists>;

// Each attempt takes a fresh entry; more than a couple are needed only when other processes keep taking them.
const MAX_ENTRY_ATTEMPTS = 8;

/**
 * Stores one credential on a fresh entry of the centre's revocation list, whichever table keeps it: `attempt`
 * reserves an entry, signs and stores, and answers undefined when the entry (or the list's room) was taken by
 * another process meanwhile; the current list is then re-read and another entry tried.
 */
export async function storeOnFreshEntry<T>({
  statusLists,
  centre,
  attempt,
}: {
  statusLists: StatusLists;
  centre: { id: string; slug: string };
  attempt: () => Promise<T | undefined>;
}): Promise<T> {
  for (let tries = 0; tries < MAX_ENTRY_ATTEMPTS; tries++) {
    const stored = await attempt();
    if (stored !== undefined) return stored;
    statusLists.forget(centre.id);
  }
  // Other processes took every entry this one tried: nothing was written, and a retry will find a free one.
  throw new HttpProblem({
    status: 503,
    type: problemType('issuance-busy'),
    title: 'Service Unavailable',
    detail: `Many credentials of the centre "${centre.slug}" are being issued at this moment and no revocation-list entry could be taken; nothing was written. Retry the request (with the same Idempotency-Key, if any).`,
    headers: { 'Retry-After': '1' },
  });
}
