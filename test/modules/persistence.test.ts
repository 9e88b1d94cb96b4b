import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { BASE_URL, freshDatabase, firstAchievementId, issue, tokenFor } from '../helper.js';

// Embedded mode end to end: no DATABASE_URL, no KEYS_MASTER_KEY. The data directory and keys/ are created
// by the service; a second app on the same directories must serve and verify what the first one issued.
t.test('credentials, keys and the demo client survive a restart', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'iioe-restart-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const keysDir = join(root, 'keys');
  // On PostgreSQL the "data directory" is the database: reuse one fresh database for both apps.
  const postgres = process.env.DATABASE_URL ? await freshDatabase() : undefined;
  if (postgres) {
    await postgres.database.close();
    t.teardown(postgres.drop);
  }
  const env = {
    PUBLIC_BASE_URL: BASE_URL,
    DATA_DIR: join(root, 'data'),
    KEYS_DIR: keysDir,
    LOG_LEVEL: 'silent',
    ...(postgres ? { DATABASE_URL: postgres.url!, DEMO: 'true' } : {}),
  };
  // With PostgreSQL a master key must be configured; reuse it for the second start.
  const masterKey = Buffer.alloc(32, 7).toString('base64url');
  const config = () => loadConfig(postgres ? { ...env, KEYS_MASTER_KEY: masterKey } : env);

  const first = await buildApp({ config: config() });
  await first.ready();
  if (!postgres) {
    t.equal((await stat(join(keysDir, 'master.key'))).mode & 0o777, 0o600, 'master key file is private');
  }
  t.equal((await stat(join(keysDir, 'demo-client.json'))).mode & 0o777, 0o600, 'demo client file is private');
  const demo = JSON.parse(await readFile(join(keysDir, 'demo-client.json'), 'utf8'));
  t.match(demo, { client_id: /^iioe_/, client_secret: /^[A-Za-z0-9_-]{43}$/, centre: 'egypt-demo' });
  const token = await tokenFor(first, demo.client_id, demo.client_secret);
  const issued = await issue(first, token, { achievementId: await firstAchievementId(first), recipient: { name: 'Persistent Person' } });
  t.equal(issued.statusCode, 201);
  const { id, verifiableCredential } = issued.json();
  const didBefore = (await first.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' })).json();
  await first.close();

  const second = await buildApp({ config: config() });
  t.teardown(() => second.close());
  await second.ready();
  const fetched = await second.inject({ method: 'GET', url: `/credentials/${id}` });
  t.equal(fetched.statusCode, 200);
  t.same(fetched.json(), verifiableCredential, 'the same signed bytes are served after the restart');
  t.same((await second.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' })).json(), didBefore, 'the centre keeps its key');
  const report = (await second.inject({ method: 'POST', url: '/api/v1/verify', payload: { id } })).json();
  t.equal(report.verdict, 'valid');
  const courses = (await second.inject({ method: 'GET', url: '/achievements' })).json().items;
  t.equal(courses.length, 3, 'demo data is created once, not again on the second start');
  t.ok(await tokenFor(second, demo.client_id, demo.client_secret), 'the demo client still authenticates');
  const sameFile = JSON.parse(await readFile(join(keysDir, 'demo-client.json'), 'utf8'));
  t.same(sameFile, demo, 'the demo client file is not rewritten');
});

t.test('a wrong master key stops the start with a clear message', async (t) => {
  const { database, url, drop } = await freshDatabase();
  t.teardown(async () => {
    await database.close();
    await drop();
  });
  const root = await mkdtemp(join(tmpdir(), 'iioe-wrongkey-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const base = { PUBLIC_BASE_URL: BASE_URL, KEYS_DIR: root, LOG_LEVEL: 'silent', DEMO: 'false', ...(url ? { DATABASE_URL: url } : {}) };
  const first = await buildApp({ config: loadConfig({ ...base, KEYS_MASTER_KEY: Buffer.alloc(32, 1).toString('base64url') }), database });
  await first.close();
  await t.rejects(
    buildApp({ config: loadConfig({ ...base, KEYS_MASTER_KEY: Buffer.alloc(32, 2).toString('base64url') }), database }),
    /master key .* is not the one it was encrypted with/,
  );
});
