// Issue 11 "Resumable" on the embedded database, with real processes: `npm start` (src/server.ts on PGlite, jobs
// in process) is SIGKILLed while it issues a batch, then started again on the same data and keys directories.
// The restarted service opens the database (the dead process's lock is taken over), finds the batch where the
// kill left it, and completes it: every row issued once, distinct credentials, each one fetchable and verified,
// the same rows again found already issued, and (read from the data directory once the service has stopped)
// one credential per externalId and one status-list entry per credential.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import t from 'tap';
import { freePort } from '../support/pg-cluster.js';
import { apiClient, cohortRows, isFinished, SERVER_READY, startServiceProcess, waitForBatch } from '../support/service-process.js';

const ROWS = 300;

t.test('npm start killed with SIGKILL mid-batch: restarted on the same data, it completes the batch, nothing lost or issued twice', { timeout: 150_000 }, async (t) => {
  const testStarted = Date.now();
  const dirs = await mkdtemp(join(tmpdir(), 'iioe-resume-embedded-'));
  t.teardown(() => rm(dirs, { recursive: true, force: true }));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    DATA_DIR: join(dirs, 'data'),
    KEYS_DIR: join(dirs, 'keys'),
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://localhost:${port}`,
    RATE_LIMIT_VERIFY_PER_MINUTE: '100000',
  };

  const first = await startServiceProcess(t, { entry: 'src/server.ts', env, ready: SERVER_READY });
  t.match(first.output(), /working cohort batches and e-mail deliveries in this process/, 'npm start works the jobs itself');
  let api = await apiClient(baseUrl, env.KEYS_DIR);
  const submitted = await api.request('POST', '/api/v1/batches', { rows: cohortRows(ROWS, 'EMK') });
  t.equal(submitted.status, 202, submitted.body);
  const { batchId } = submitted.json() as { batchId: string };
  const underWay = await waitForBatch(api, batchId, { until: (batch) => batch.totals.issued > 0 || isFinished(batch), timeoutMs: 60_000, everyMs: 50 });
  const killed = await first.kill('SIGKILL');
  const killedMs = Date.now();
  t.same(killed, { code: null, signal: 'SIGKILL' });
  t.equal(underWay.state, 'running', `killed mid-batch (${underWay.totals.issued} of ${ROWS} issued when seen)`);
  const lock = JSON.parse(await readFile(join(env.DATA_DIR, 'iioe.lock'), 'utf8')) as { pid: number };
  t.equal(lock.pid, first.child.pid, 'the killed process left its lock file behind');

  const second = await startServiceProcess(t, { entry: 'src/server.ts', env, ready: SERVER_READY });
  const restartedMs = Date.now();
  api = await apiClient(baseUrl, env.KEYS_DIR);
  const resumed = await waitForBatch(api, batchId, { until: () => true, timeoutMs: 1_000 });
  t.ok(resumed.totals.issued >= underWay.totals.issued, `the restarted service finds the rows issued before the kill (${resumed.totals.issued})`);
  t.equal(resumed.totals.failed + resumed.totals.alreadyIssued, 0, 'no row failed or was found issued already');
  const done = await waitForBatch(api, batchId, { until: isFinished, timeoutMs: 90_000, everyMs: 250 });
  const completedMs = Date.now();
  t.equal(done.state, 'completed');
  t.same(done.totals, { rows: ROWS, pending: 0, issued: ROWS, alreadyIssued: 0, failed: 0, cancelled: 0 }, 'every row issued exactly once');

  const results = (await api.request('GET', `/api/v1/batches/${batchId}/results?format=json`)).json().items as { row: number; state: string; externalId: string; credentialId: string }[];
  t.equal(results.length, ROWS);
  t.same(results.filter((row) => row.state !== 'issued'), [], 'every row is issued');
  t.equal(new Set(results.map((row) => row.credentialId)).size, ROWS, 'each row has its own credential');
  let verified = 0;
  for (const row of results) {
    const fetched = await fetch(`${baseUrl}/credentials/${row.credentialId}`, { headers: { accept: 'application/json' } });
    if (fetched.status !== 200) {
      t.fail(`row ${row.row}: GET its credential answered ${fetched.status}`);
      continue;
    }
    const verification = await api.request('POST', '/api/v1/verify', { verifiableCredential: await fetched.json() });
    if (verification.status === 200 && (verification.json() as { verified: boolean }).verified) verified++;
    else t.fail(`row ${row.row}: verification answered ${verification.status} ${verification.body.slice(0, 500)}`);
  }
  t.equal(verified, ROWS, 'every credential is fetched and verified');
  const again = (await api.request('POST', '/api/v1/batches?dryRun=true', { rows: cohortRows(ROWS, 'EMK') })).json() as { report: { toIssue: number; alreadyIssued: number } };
  t.same({ toIssue: again.report.toIssue, alreadyIssued: again.report.alreadyIssued }, { toIssue: 0, alreadyIssued: ROWS }, 'the same rows again: every externalId is already issued');

  t.same(await second.kill('SIGTERM'), { code: 0, signal: null }, 'SIGTERM stops the service cleanly');
  const database = await PGlite.create({ dataDir: env.DATA_DIR });
  t.teardown(() => database.close());
  const { rows: [counts] } = await database.query<{ credentials: number; externalIds: number; entries: number }>(
    `select count(*)::int as credentials, count(distinct external_id)::int as "externalIds", count(distinct (status_list_id, status_list_index))::int as entries
     from credentials where external_id like 'EMK-%'`,
  );
  t.same(counts, { credentials: ROWS, externalIds: ROWS, entries: ROWS }, 'in the database: one credential per externalId, each with its own status-list entry');
  // The jobs the killed process held (a worker takes up to 4 row ranges per fetch): the restarted one retried
  // them once their heartbeat went stale.
  const { rows: retried } = await database.query<{ startedOn: Date; state: string }>(
    `select started_on as "startedOn", state from pgboss.job where name = 'batch-rows' and data->>'batchId' = $1 and retry_count > 0`,
    [batchId],
  );
  t.ok(retried.length >= 1 && retried.length <= 4, `the jobs held at the kill (one fetch, at most 4) were retried: ${retried.length}`);
  t.ok(retried.every(({ state }) => state === 'completed'), 'every retried job completed');
  t.comment(
    `measured: restarted and ready ${((restartedMs - killedMs) / 1000).toFixed(1)} s after the SIGKILL; interrupted job taken over ${(((retried[0]?.startedOn.getTime() ?? NaN) - killedMs) / 1000).toFixed(1)} s after the SIGKILL; batch completed ${((completedMs - killedMs) / 1000).toFixed(1)} s after the SIGKILL; whole test ${((Date.now() - testStarted) / 1000).toFixed(1)} s`,
  );
});
