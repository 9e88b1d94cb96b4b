// Issue 11 "Resumable" on PostgreSQL, with real processes: an API process (JOBS_IN_PROCESS=false) and a separate
// worker (`src/worker.ts`) on the test's own throwaway cluster. A batch is submitted, the worker is SIGKILLed
// while it issues, and then:
//   - nothing is half-done: every credential in the database belongs to a row settled as issued, and no row
//     moves while no worker runs (the API process works no jobs);
//   - a new worker completes the batch: every row issued exactly once, one credential per externalId (none
//     lost, none twice), each row's credential present, every status-list entry used once;
//   - the job the killed worker held is taken over once its heartbeat is stale (the times are printed).
// The API and the first worker start together on the empty database, so their migrations race too.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import t from 'tap';
import { findPgBinaries, freePort, startPgCluster } from '../support/pg-cluster.js';
import { apiClient, cohortRows, isFinished, SERVER_READY, startServiceProcess, waitForBatch, WORKER_READY } from '../support/service-process.js';

const ROWS = 300;
const binaries = await findPgBinaries();

t.test('a worker killed with SIGKILL mid-batch: the next worker completes it, nothing lost or issued twice', { skip: 'missing' in binaries ? binaries.missing : false, timeout: 120_000 /* the bound: under two minutes, processes killed on the way out */ }, async (t) => {
  if ('missing' in binaries) return;
  const testStarted = Date.now();
  const cluster = await startPgCluster(binaries);
  t.teardown(() => cluster.destroy());
  const dirs = await mkdtemp(join(tmpdir(), 'iioe-resume-pg-'));
  t.teardown(() => rm(dirs, { recursive: true, force: true }));
  const sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
  t.teardown(() => sql.end({ timeout: 5 }));

  const port = await freePort();
  const env = {
    DATABASE_URL: cluster.url,
    KEYS_MASTER_KEY: randomBytes(32).toString('base64url'),
    DEMO: 'true',
    JOBS_IN_PROCESS: 'false',
    DATA_DIR: join(dirs, 'data'),
    KEYS_DIR: join(dirs, 'keys'),
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  const [server, firstWorker] = await Promise.all([
    startServiceProcess(t, { entry: 'src/server.ts', env, ready: SERVER_READY }),
    startServiceProcess(t, { entry: 'src/worker.ts', env, ready: WORKER_READY }),
  ]);
  t.match(firstWorker.output(), /working cohort batches and e-mail deliveries in this process/, 'the worker works the queues');
  t.notMatch(server.output(), /working cohort batches/, 'the API process (JOBS_IN_PROCESS=false) works no jobs');
  const api = await apiClient(`http://127.0.0.1:${port}`, env.KEYS_DIR);

  const submitted = await api.request('POST', '/api/v1/batches', { rows: cohortRows(ROWS, 'PGK') });
  t.equal(submitted.status, 202, submitted.body);
  const { batchId } = submitted.json() as { batchId: string };

  const underWay = await waitForBatch(api, batchId, { until: (batch) => batch.totals.issued > 0 || isFinished(batch), timeoutMs: 60_000, everyMs: 50 });
  await firstWorker.kill('SIGKILL');
  const killedMs = Date.now();
  const killedAt = (await sql<{ at: Date }[]>`select clock_timestamp() as at`)[0]!.at;
  t.equal(underWay.state, 'running', `the worker was killed mid-batch (${underWay.totals.issued} of ${ROWS} issued when seen)`);

  // One snapshot: credentials of this cohort against rows settled as issued.
  const settled = async () => {
    const [counts] = await sql<{ credentials: number; issuedRows: number; pendingRows: number }[]>`
      select (select count(*)::int from credentials where external_id like 'PGK-%') as credentials,
             (select count(*)::int from batch_rows where batch_id = ${batchId} and state = 'issued') as "issuedRows",
             (select count(*)::int from batch_rows where batch_id = ${batchId} and state = 'pending') as "pendingRows"`;
    return counts!;
  };
  const afterKill = await settled();
  t.equal(afterKill.credentials, afterKill.issuedRows, `after the kill every credential has its row settled (${afterKill.credentials})`);
  t.ok(afterKill.pendingRows > 0, `rows are left to issue (${afterKill.pendingRows})`);
  t.equal(afterKill.issuedRows + afterKill.pendingRows, ROWS, 'every row is issued or pending: none failed');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const stillKilled = await waitForBatch(api, batchId, { until: () => true, timeoutMs: 1_000 });
  t.equal(stillKilled.state, 'running', 'the batch is not complete without a worker');
  t.equal(stillKilled.totals.issued, afterKill.issuedRows, 'no row moves while no worker runs');

  const secondWorker = await startServiceProcess(t, { entry: 'src/worker.ts', env, ready: WORKER_READY });
  const restartedMs = Date.now();
  const done = await waitForBatch(api, batchId, { until: isFinished, timeoutMs: 90_000, everyMs: 250 });
  const completedMs = Date.now();
  t.equal(done.state, 'completed');
  t.same(done.totals, { rows: ROWS, pending: 0, issued: ROWS, alreadyIssued: 0, failed: 0, cancelled: 0 }, 'every row issued exactly once, none found already issued');

  const perExternalId = await sql<{ externalId: string; n: number }[]>`
    select external_id as "externalId", count(*)::int as n from credentials where external_id like 'PGK-%' group by external_id`;
  t.equal(perExternalId.length, ROWS, 'a credential for every externalId: none lost');
  t.same(perExternalId.filter(({ n }) => n !== 1), [], 'no externalId has two credentials');
  const [rowCheck] = await sql<{ rows: number; withCredential: number; distinctCredentials: number }[]>`
    select count(*)::int as rows, count(c.id)::int as "withCredential", count(distinct c.id)::int as "distinctCredentials"
    from batch_rows r left join credentials c on c.id = r.credential_id and c.external_id = r.input->>'externalId'
    where r.batch_id = ${batchId}`;
  t.same(rowCheck, { rows: ROWS, withCredential: ROWS, distinctCredentials: ROWS }, "each row's credential exists, carries the row's externalId, and is its own");
  const [entries] = await sql<{ used: number; distinct: number }[]>`
    select count(*)::int as used, count(distinct (status_list_id, status_list_index))::int as distinct
    from credentials where external_id like 'PGK-%' and status_list_id is not null`;
  t.same(entries, { used: ROWS, distinct: ROWS }, 'every credential has its own status-list entry');

  // The jobs the killed worker held (up to 4 row ranges per fetch): pg-boss retried them once their heartbeat
  // went stale.
  const retried = await sql<{ startedOn: Date; retryCount: number; state: string }[]>`
    select started_on as "startedOn", retry_count as "retryCount", state from pgboss.job
    where name = 'batch-rows' and data->>'batchId' = ${batchId} and retry_count > 0`;
  t.ok(retried.length >= 1 && retried.length <= 4, `the jobs held at the kill (one fetch, at most 4) were retried: ${retried.length}`);
  const pickedUpAfterS = retried[0] ? (retried[0].startedOn.getTime() - killedAt.getTime()) / 1000 : NaN;
  t.ok(retried.every(({ state }) => state === 'completed'), 'every retried job completed');
  t.comment(
    `measured: new worker ready ${((restartedMs - killedMs) / 1000).toFixed(1)} s after the SIGKILL; interrupted job taken over ${pickedUpAfterS.toFixed(1)} s after the SIGKILL; batch completed ${((completedMs - killedMs) / 1000).toFixed(1)} s after the SIGKILL; whole test ${((Date.now() - testStarted) / 1000).toFixed(1)} s`,
  );

  const stopped = await secondWorker.kill('SIGTERM');
  t.same(stopped, { code: 0, signal: null }, 'SIGTERM stops the worker cleanly');
  t.match(secondWorker.output(), /shutting down/);
  t.same(await server.kill('SIGTERM'), { code: 0, signal: null }, 'SIGTERM stops the API process cleanly');
});
