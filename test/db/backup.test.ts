import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { BASE_URL, firstAchievementId, issue, tokenFor } from '../helper.js';

// The embedded mode's backup, run as an operator runs it: the CLI in its own process, the service stopped.
// The restored copy must open the old keys (old credentials verify) and sign new ones.
t.test('a backup of the embedded database restores into a working service', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'iioe-backup-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const envOf = (name: string) => ({
    PATH: process.env.PATH ?? '',
    PUBLIC_BASE_URL: BASE_URL,
    DATA_DIR: join(root, name, 'data'),
    KEYS_DIR: join(root, name, 'keys'),
    DEMO: 'true',
  });
  const cli = (env: Record<string, string>, ...args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args, '--json'], { env, encoding: 'utf8', timeout: 90_000 });
    return { status: result.status, output: result.stdout.trim() ? JSON.parse(result.stdout.trim()) : undefined, stderr: result.stderr };
  };
  const start = async (env: Record<string, string>) => {
    const app = await buildApp({ config: loadConfig(env), logger: false });
    await app.ready();
    return app;
  };
  const demoToken = async (app: App, env: ReturnType<typeof envOf>) => {
    const demo = JSON.parse(await readFile(join(env.KEYS_DIR, 'demo-client.json'), 'utf8'));
    return tokenFor(app, demo.client_id, demo.client_secret);
  };
  const verifyUrl = async (app: App, url: string) => (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { url } })).json();

  const original = envOf('original');
  let app = await start(original);
  const issued = await issue(app, await demoToken(app, original), { achievementId: await firstAchievementId(app), recipient: { name: 'ليلى بن عمر' } });
  t.equal(issued.statusCode, 201, 'issued before the backup');
  const { url } = issued.json();

  const out = join(root, 'backup');
  const whileRunning = cli(original, 'backup', 'create', '--out', out);
  t.equal(whileRunning.status, 1, 'the running service holds the database');
  t.match(whileRunning.output.error, /in use by the service/);
  await app.close();

  const made = cli(original, 'backup', 'create', '--out', out);
  t.equal(made.status, 0, made.stderr);
  t.match(made.output, { backup: out, keys: ['demo-client.json', 'master.key'] });
  t.equal((await stat(join(out, 'keys', 'master.key'))).mode & 0o777, 0o600, 'the key copy is private');
  t.equal(cli(original, 'backup', 'create', '--out', out).status, 1, 'an existing backup is never overwritten');

  // Tampering with the dump is caught before anything is written.
  const damaged = join(root, 'damaged');
  t.equal(cli(original, 'backup', 'create', '--out', damaged).status, 0);
  const dump = await readFile(join(damaged, 'database.tar.gz'));
  dump.writeUInt8(dump.readUInt8(dump.length >> 1) ^ 1, dump.length >> 1);
  await writeFile(join(damaged, 'database.tar.gz'), dump);
  const refusedDamaged = cli(envOf('from-damaged'), 'backup', 'restore', '--from', damaged);
  t.equal(refusedDamaged.status, 1);
  t.match(refusedDamaged.output.error, /damaged/);
  await t.rejects(stat(join(root, 'from-damaged', 'data')), 'nothing was written');

  t.match(cli(original, 'backup', 'restore', '--from', out).output.error, /not empty/, 'restoring over a live database is refused');

  const restored = envOf('restored');
  const done = cli(restored, 'backup', 'restore', '--from', out);
  t.equal(done.status, 0, done.stderr);
  app = await start(restored);
  t.teardown(() => app.close());
  const oldReport = await verifyUrl(app, url);
  t.equal(oldReport.verdict, 'valid', 'the credential issued before the backup still verifies');
  const again = await issue(app, await demoToken(app, restored), { achievementId: await firstAchievementId(app), recipient: { name: 'Chen Wei' } });
  t.equal(again.statusCode, 201, 'the restored keys sign new credentials');
  t.equal((await verifyUrl(app, again.json().url)).verdict, 'valid');

  const postgres = cli({ ...restored, DATABASE_URL: 'postgres://app@127.0.0.1:1/x', KEYS_MASTER_KEY: Buffer.alloc(32, 1).toString('base64url') }, 'backup', 'create', '--out', join(root, 'pg'));
  t.equal(postgres.status, 64);
  t.match(postgres.output.error, /pg_dump/);
});
