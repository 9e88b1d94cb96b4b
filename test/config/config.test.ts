import { spawnSync } from 'node:child_process';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';

t.test('defaults give the embedded mode with demo data', async (t) => {
  const config = loadConfig({});
  t.same(config.database, { kind: 'pglite', dataDir: './data' });
  t.equal(config.demo, true);
  t.equal(config.port, 3000);
  t.equal(config.publicBaseUrl, 'http://localhost:3000');
  t.equal(config.masterKey, undefined);
});

t.test('DATABASE_URL switches to PostgreSQL, turns the demo off and requires a master key', async (t) => {
  t.throws(() => loadConfig({ DATABASE_URL: 'postgres://app@db/app' }), /KEYS_MASTER_KEY is required when DATABASE_URL is set/);
  const config = loadConfig({ DATABASE_URL: 'postgres://app@db/app', KEYS_MASTER_KEY: Buffer.alloc(32, 3).toString('base64url') });
  t.same(config.database, { kind: 'postgres', url: 'postgres://app@db/app' });
  t.equal(config.demo, false);
  t.equal(loadConfig({ DATABASE_URL: 'postgres://app@db/app', KEYS_MASTER_KEY: Buffer.alloc(32, 3).toString('base64url'), DEMO: 'true' }).demo, true);
});

t.test('every bad value is named with what is wrong', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PUBLIC_BASE_URL: 'ftp://example.org' }, /PUBLIC_BASE_URL must be an http\(s\) origin/],
    [{ PUBLIC_BASE_URL: 'https://example.org/path' }, /PUBLIC_BASE_URL must be an origin without a path/],
    [{ PUBLIC_BASE_URL: 'https://exämple.org' }, /PUBLIC_BASE_URL must be an http\(s\) origin/],
    [{ PLATFORM_URL: 'https://www.ichei.org/a b' }, /PLATFORM_URL must be an http\(s\) URL/],
    [{ DATABASE_URL: 'mysql://x', KEYS_MASTER_KEY: Buffer.alloc(32).toString('base64url') }, /DATABASE_URL must be a postgres:\/\/ connection URL/],
    [{ KEYS_MASTER_KEY: 'short' }, /KEYS_MASTER_KEY must be 32 random bytes/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DEMO: 'maybe' }, /DEMO use true or false/],
    [{ ACCESS_TOKEN_TTL_SECONDS: '5' }, /ACCESS_TOKEN_TTL_SECONDS/],
  ];
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), message, JSON.stringify(env));
  }
  try {
    loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' });
    t.fail('should throw');
  } catch (error) {
    t.ok(error instanceof ConfigError);
    t.equal((error as ConfigError).problems.length, 2, 'all problems are reported at once');
  }
});

t.test('the server refuses to start on bad configuration, naming the variable', async (t) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH, PORT: 'not-a-port' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(result.status, 78, 'exits with EX_CONFIG');
  t.match(result.stderr, /Invalid configuration:\n {2}- PORT/);
});
