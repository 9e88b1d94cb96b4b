import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createCourse } from '../src/modules/achievements/service.js';
import { BASE_URL, freshDatabase, tokenFor } from './helper.js';

// The CLI runs as an operator would run it: a separate process, configured by env vars only.
/** An empty data directory (or PostgreSQL database) of the test's own, and the CLI run on it with --json. */
async function operatorSetup(t: Test) {
  const root = await mkdtemp(join(tmpdir(), 'iioe-cli-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const postgres = process.env.DATABASE_URL ? await freshDatabase() : undefined;
  if (postgres) {
    await postgres.database.close();
    t.teardown(postgres.drop);
  }
  const env = {
    PATH: process.env.PATH ?? '',
    PUBLIC_BASE_URL: BASE_URL,
    DATA_DIR: join(root, 'data'),
    KEYS_DIR: join(root, 'keys'),
    DEMO: 'false',
    ...(postgres ? { DATABASE_URL: postgres.url!, KEYS_MASTER_KEY: Buffer.alloc(32, 9).toString('base64url') } : {}),
  };
  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args, '--json'], { env, encoding: 'utf8', timeout: 90_000 });
    return { status: result.status, output: result.stdout.trim() ? JSON.parse(result.stdout.trim()) : undefined, stderr: result.stderr };
  };
  return { env, cli, postgres };
}

t.test('the CLI bootstraps an admin, a centre and its client, and refuses to share the embedded database', async (t) => {
  const { env, cli, postgres } = await operatorSetup(t);

  const admin = cli('clients', 'create', '--admin');
  t.equal(admin.status, 0, admin.stderr);
  t.match(admin.output, { client_id: /^iioe_/, client_secret: /^[\w-]{43}$/ });
  const centre = cli('centres', 'create', '--slug', 'pakistan', '--name', 'IIOE Pakistan National Centre', '--country', 'PK');
  t.equal(centre.status, 0, centre.stderr);
  t.match(centre.output, { slug: 'pakistan', did: 'did:web:localhost%3A3000:centres:pakistan', countryCode: 'PK' });
  const client = cli('clients', 'create', '--centre', 'pakistan', '--scopes', 'credentials:issue,credentials:manage');
  t.match(client.output, { client_id: /^iioe_/, client_secret: /^[\w-]{43}$/, centre: 'pakistan' });
  const refused = cli('centres', 'create', '--slug', 'Bad Slug', '--name', 'x', '--country', 'XX');
  t.equal(refused.status, 64, 'bad input is a usage error');
  t.match(refused.output.error, /slug: must be lowercase.*countryCode: is not an ISO 3166-1/);
  t.equal(cli('clients', 'create', '--centre', 'pakistan', '--scopes', 'registry:admin').status, 64, 'a centre client cannot get admin scope');

  const app = await buildApp({ config: loadConfig(env), logger: false });
  t.teardown(() => app.close());
  await app.ready();
  t.ok(await tokenFor(app, admin.output.client_id, admin.output.client_secret), 'the admin client made by the CLI authenticates');
  t.ok(await tokenFor(app, client.output.client_id, client.output.client_secret), 'so does the centre client');
  if (!postgres) {
    const locked = cli('keys', 'rotate', '--centre', 'pakistan');
    t.equal(locked.status, 1);
    t.match(locked.output.error, /in use by the service .* stop the service first/);
  }
});

// `authorisations grant --achievement` takes a course id or its code, as a batch spreadsheet does.
t.test('the CLI grants an authorisation for a course named by its code', async (t) => {
  const { env, cli } = await operatorSetup(t);
  // the course is made through the service (the CLI has no course command); the app then lets go of the database
  const app = await buildApp({ config: loadConfig(env), logger: false });
  await app.ready();
  const course = await createCourse({
    ctx: app.ctx,
    actor: { kind: 'cli', clientUuid: null, staffId: null },
    input: { code: 'data-literacy', name: { en: 'Data literacy' }, description: { en: 'Data.' }, criteria: { en: 'Did it.' }, achievementType: 'MicroCredential', alignments: [] },
  });
  await app.close();

  t.equal(cli('centres', 'create', '--slug', 'jordan', '--name', 'IIOE Jordan National Centre', '--country', 'JO').status, 0);
  const granted = cli('authorisations', 'grant', '--centre', 'jordan', '--achievement', 'Data-Literacy');
  t.equal(granted.status, 0, granted.stderr);
  t.match(granted.output, { centre: 'jordan', achievementId: course.id });
  const unknown = cli('authorisations', 'grant', '--centre', 'jordan', '--achievement', 'data-literacy-2');
  t.equal(unknown.status, 64, 'an unknown code is a usage error');
  t.match(unknown.output.error, /no course has the code "data-literacy-2"/);
});
