import type { FastifyBaseLogger } from 'fastify';
import { workBatchRows } from '../modules/batches/service.js';
import { createMailer } from '../modules/delivery/mailer.js';
import { sendDelivery } from '../modules/delivery/service.js';
import type { AppContext } from '../plugins/context.js';
import { createSigningPool } from '../vc/signing-pool.js';
import type { JobPayloads, JobQueue } from './queue.js';

// Idle workers look for new jobs this often; a busy one takes the next job at once.
const POLLING_SECONDS = 1;
const DELIVERY_BATCH = 20;
// A worker takes two row ranges per fetch so that, while a batch has more, the next fetch follows at once (pg-boss
// bursts only after a full fetch of more than one job; with one range per fetch every range waited for the polling
// interval). Not more: the ranges a worker holds wait for it, and a killed worker's ranges wait for its heartbeat
// to go stale before another worker takes them.
const BATCH_RANGES_PER_FETCH = 2;

/**
 * Works the queues in this process: batch rows (signed on SIGNING_THREADS threads, by default on this one) and
 * e-mails. Returns what stops them; jobs in flight get time to finish, and what a stop leaves is retried by the
 * next worker.
 */
export async function startWorkers({ ctx, queue, log }: { ctx: AppContext; queue: JobQueue; log: FastifyBaseLogger }): Promise<() => Promise<void>> {
  const signer = createSigningPool({ threads: ctx.config.jobs.signingThreads });
  const mailer = createMailer({ mail: ctx.config.mail, log });
  const { boss } = queue;

  // A new batch wakes this worker at once (the queue notifies); the polling stays for retries coming due.
  const batchPolling = { pollingIntervalSeconds: POLLING_SECONDS, notifyPollingIntervalSeconds: POLLING_SECONDS };
  await boss.work<JobPayloads['batch-rows']>('batch-rows', { batchSize: BATCH_RANGES_PER_FETCH, localConcurrency: 1, burstWhenBatchFull: true, ...batchPolling }, async (jobs) => {
    // The ranges of a fetch are worked one after another (each keeps its own signing and storing overlapped):
    // side by side, their transactions queued up together on the embedded database, and a single issuance's
    // every statement waited behind all of them. Every range runs before a failure of one fails the fetch (its
    // jobs are then retried, the settled rows skipped).
    let failure: { reason: unknown } | undefined;
    for (const job of jobs) await workBatchRows({ ctx, signer, ...job.data }).catch((reason: unknown) => (failure ??= { reason }));
    if (failure) throw failure.reason;
  });
  // E-mails a few at a time, in order; the next fetch follows at once while there are more. The sending pace of a
  // centre is counted before each message (several workers may overshoot it by one message each).
  await boss.work<JobPayloads['delivery']>('delivery', { batchSize: DELIVERY_BATCH, localConcurrency: 1, burstWhenBatchFull: true, pollingIntervalSeconds: POLLING_SECONDS }, async (jobs) => {
    for (const job of jobs) {
      const outcome = await sendDelivery({ ctx, mailer, deliveryId: job.data.deliveryId });
      if (outcome.kind === 'later') await boss.send('delivery', job.data, { startAfter: outcome.afterSeconds });
    }
  });
  log.info({ signingThreads: signer.threads, mail: ctx.config.mail.transport.kind }, 'working cohort batches and e-mail deliveries in this process');

  return async () => {
    await boss.offWork('batch-rows', { wait: true });
    await boss.offWork('delivery', { wait: true });
    await signer.close();
    mailer.close();
  };
}
