// `npm run worker` as a real process: it refuses the embedded database with a configuration error, and on
// PostgreSQL it migrates, works the queues whatever JOBS_IN_PROCESS says, listens for no HTTP, and stops
// cleanly on SIGTERM. (That it completes a batch another worker was killed in: test/jobs/resume-postgres.test.ts.)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { findPgBinaries, freePort, startPgCluster } from './support/pg-cluster.js';
import { startServiceProcess, WORKER_READY } from './support/service-process.js';

t.test('without DATABASE_URL the worker refuses with EX_CONFIG and says why', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'iioe-worker-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, KEYS_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(result.status, 78, 'exits with EX_CONFIG');
  t.match(result.stderr, /Invalid configuration:\n {2}- DATABASE_URL is not set: a separate worker needs PostgreSQL/);
  t.match(result.stderr, /`npm start` already works the jobs/, 'it says what to run instead');
  t.match(result.stderr, /docs\/operations\.md/);
  t.same(await readdir(dataDir), [], 'the embedded database was not opened');
});

t.test('other configuration errors are refused as the server refuses them', async (t) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://app@127.0.0.1:1/none', KEYS_MASTER_KEY: randomBytes(32).toString('base64url'), SIGNING_THREADS: 'many' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(result.status, 78, 'exits with EX_CONFIG');
  t.match(result.stderr, /Invalid configuration:\n {2}- SIGNING_THREADS/, 'the bad variable is named');
  t.notMatch(result.stderr, /ECONNREFUSED/, 'refused before any connection attempt');
});

const binaries = await findPgBinaries();

t.test('on PostgreSQL the worker works the queues, serves no HTTP and stops on SIGTERM', { skip: 'missing' in binaries ? binaries.missing : false, timeout: 90_000 }, async (t) => {
  if ('missing' in binaries) return;
  const cluster = await startPgCluster(binaries);
  t.teardown(() => cluster.destroy());
  const dirs = await mkdtemp(join(tmpdir(), 'iioe-worker-'));
  t.teardown(() => rm(dirs, { recursive: true, force: true }));
  const port = await freePort();
  const worker = await startServiceProcess(t, {
    entry: 'src/worker.ts',
    env: {
      DATABASE_URL: cluster.url,
      KEYS_MASTER_KEY: randomBytes(32).toString('base64url'),
      JOBS_IN_PROCESS: 'false', // the API replicas' setting, shared through one env file: the worker works anyway
      SIGNING_THREADS: '1',
      DATA_DIR: join(dirs, 'data'),
      KEYS_DIR: join(dirs, 'keys'),
      PORT: String(port),
    },
    ready: WORKER_READY,
  });
  t.match(worker.output(), /working cohort batches and e-mail deliveries in this process/);
  await t.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'nothing listens on PORT');

  const started = Date.now();
  const exit = await worker.kill('SIGTERM');
  t.same(exit, { code: 0, signal: null }, 'exit 0 after a graceful stop');
  t.ok(Date.now() - started < 15_000, `stopped in ${Date.now() - started} ms, within the 15 s deadline`);
  t.match(worker.output(), /"signal":"SIGTERM","msg":"shutting down"/);
});
