import { sql } from 'drizzle-orm';
import { fromDrizzle, type JobInsert, PgBoss, type Queue } from 'pg-boss';
import type { Database, DbOrTx } from '../db/client.js';

/** The queues and what each job carries. */
export interface JobPayloads {
  /** issue the pending rows `fromRow`..`toRow` of a batch */
  'batch-rows': { batchId: string; fromRow: number; toRow: number };
  /** send one e-mail of a credential to its learner */
  delivery: { deliveryId: string };
}
export type QueueName = keyof JobPayloads;

// A worker killed mid-job stops beating; the job is then retried by whichever worker is alive. pg-boss
// checks heartbeats on its supervision pass, so that pass runs often (it is one indexed query).
const HEARTBEAT_SECONDS = 10;
const SUPERVISE_SECONDS = 5;

const QUEUE_OPTIONS: Record<QueueName, Omit<Queue, 'name'>> = {
  // A batch job fails only when the database does (a row's own problem is recorded on the row): retry it
  // until the database is back. Completed jobs are kept a day for inspection.
  // `notify`: an upload wakes the workers at its commit (LISTEN/NOTIFY), instead of waiting for their next poll.
  'batch-rows': { heartbeatSeconds: HEARTBEAT_SECONDS, retryLimit: 50, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, deleteAfterSeconds: 86_400, notify: true },
  // SMTP failures are retried by the delivery service itself (temporary ones only, with its own backoff). The
  // queue's retries cover the worker dying mid-send (its heartbeat stops) or the database failing: without them
  // such a delivery would stay queued for ever. A message the SMTP server accepted just before the kill, before
  // it was recorded as sent, may then go out twice.
  delivery: { heartbeatSeconds: HEARTBEAT_SECONDS, retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, deleteAfterSeconds: 86_400 },
};

/** Puts jobs on the queue inside the caller's transaction, so a job exists exactly when the writes it works on commit. */
export interface JobSender {
  send<Q extends QueueName>(tx: DbOrTx, queue: Q, jobs: (Omit<JobInsert<JobPayloads[Q]>, 'data'> & { data: JobPayloads[Q] })[]): Promise<void>;
}

export interface JobQueue extends JobSender {
  boss: PgBoss;
  stop(): Promise<void>;
}

/**
 * Starts pg-boss on the service's database (installing or upgrading its own `pgboss` schema, which pg-boss
 * manages itself) and creates our queues. `supervise`: this process also runs pg-boss's maintenance and
 * heartbeat checks (the processes that work jobs do; API replicas that only enqueue need not).
 */
export async function startJobQueue({ database, supervise, onError }: { database: Database; supervise: boolean; onError: (error: Error) => void }): Promise<JobQueue> {
  const connection = database.queueConnection;
  // The processes that work jobs listen for new ones (on PostgreSQL, one more connection each); polling stays the floor.
  const common = { schedule: false, supervise, useListenNotify: supervise, superviseIntervalSeconds: SUPERVISE_SECONDS, monitorIntervalSeconds: SUPERVISE_SECONDS } as const;
  const boss =
    connection.kind === 'pglite'
      ? new PgBoss({ ...common, db: connection.db, backend: 'pglite' })
      : new PgBoss({ ...common, connectionString: connection.url, max: 4, connectionTimeoutMillis: 5_000, application_name: 'iioe-credentials-jobs' });
  boss.on('error', onError);
  await boss.start();
  // Options changed in a release reach queues an earlier release created (jobs already queued keep theirs).
  for (const [name, options] of Object.entries(QUEUE_OPTIONS)) {
    if (await boss.getQueue(name)) await boss.updateQueue(name, options);
    else await boss.createQueue(name, options);
  }
  return {
    boss,
    async send(tx, queue, jobs) {
      if (jobs.length > 0) await boss.insert(queue, jobs, { db: fromDrizzle(tx as Parameters<typeof fromDrizzle>[0], sql) });
    },
    // Running handlers get time to finish their current step; what they leave is retried after a restart.
    stop: () => boss.stop({ graceful: true, timeout: 10_000, close: true }),
  };
}
