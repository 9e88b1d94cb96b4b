import type { DbOrTx } from '../../db/client.js';
import { type IssuedCredentialInsert, insertIssuedCredential, writeIssuedCredentials } from './repository.js';

// One statement writes at most this many; more waiting go in the next. Past a few dozen rows a statement's cost
// per credential no longer falls, while every credential in it waits for the whole.
const MAX_GROUP = 32;

interface Waiting {
  issuance: IssuedCredentialInsert;
  settle: (written: Promise<boolean>) => void;
}

/**
 * Group commit for issuances that are not part of a wider transaction (docs/fast-path.md). Credentials to store in
 * the same turn of the event loop go in one statement; one to store while a statement runs waits for it, then goes
 * in the next with every other that arrived meanwhile. A lone request waits one turn of the event loop, no more.
 * Under load one statement writes many credentials: on the embedded database a statement of 16 costs, per
 * credential, a fraction of one of 1 (and, running on this thread, it leaves no "meanwhile" for others to arrive
 * in: hence the turn), and on PostgreSQL it is one round trip and one commit instead of 16.
 *
 * Nothing about a single credential changes: the statement still checks and writes each one atomically with its
 * audit event (authorisation in force, room on its list, its entry and learner id free) and skips it alone when a
 * condition fails, which the caller handles as before (another entry, or the reason). A statement that fails
 * outright is tried again one credential at a time, so one credential's error never becomes another's.
 */
export function groupCommitter(db: DbOrTx) {
  let committer = committers.get(db);
  if (!committer) committers.set(db, (committer = createCommitter(db)));
  return committer;
}

const committers = new WeakMap<DbOrTx, ReturnType<typeof createCommitter>>();

function createCommitter(db: DbOrTx) {
  const waiting: Waiting[] = [];
  let writing = false;

  async function writeWaiting() {
    while (waiting.length > 0) {
      const group = waiting.splice(0, MAX_GROUP);
      try {
        const written = await writeIssuedCredentials(db, group.map((entry) => entry.issuance));
        for (const entry of group) entry.settle(Promise.resolve(written.has(entry.issuance.credential.id)));
      } catch (error) {
        if (group.length === 1) group[0]!.settle(Promise.reject(error));
        else for (const entry of group) entry.settle(insertIssuedCredential(db, entry.issuance));
      }
    }
    writing = false;
  }

  return {
    /** True when the credential was written (see `writeIssuedCredentials` for why it may not be). */
    store(issuance: IssuedCredentialInsert): Promise<boolean> {
      const written = new Promise<boolean>((resolve) => waiting.push({ issuance, settle: resolve }));
      if (!writing) {
        writing = true;
        setImmediate(writeWaiting);
      }
      return written;
    },
  };
}
