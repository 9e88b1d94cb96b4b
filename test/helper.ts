import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { Test } from 'tap';
import { type App, buildApp, type BuildOptions } from '../src/app.js';
import { type DatabaseTimeouts, loadConfig } from '../src/config.js';
import { type Database, pgliteDatabase, postgresDatabase } from '../src/db/client.js';
import { createClient } from '../src/modules/auth/service.js';
import type { Scope } from '../src/modules/auth/scopes.js';
import { insertCentre } from '../src/modules/centres/repository.js';
import { insertAuthorisation } from '../src/modules/authorisations/repository.js';
import { achievements } from '../src/db/schema/index.js';

export const BASE_URL = 'http://localhost:3000';

/**
 * A fresh database: a copy of the migrated PGlite template, or a new database on the PostgreSQL server of
 * `serverUrl` (by default DATABASE_URL's), whose pool has the configured timeouts (by default the defaults).
 */
export async function freshDatabase({
  serverUrl = process.env.DATABASE_URL,
  timeouts = loadConfig({}).databaseTimeouts,
}: { serverUrl?: string; timeouts?: DatabaseTimeouts } = {}): Promise<{ database: Database; url?: string; drop: () => Promise<void> }> {
  if (serverUrl) {
    const name = `iioe_test_${randomUUID().replaceAll('-', '')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = postgresDatabase(url.toString(), timeouts);
    return {
      database,
      url: url.toString(),
      drop: async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const template = process.env.IIOE_TEST_TEMPLATE;
  const client = template
    ? await PGlite.create({ loadDataDir: new Blob([await readFile(template)]) })
    : await PGlite.create();
  return { database: pgliteDatabase(client), drop: async () => {} };
}

export interface TestApp {
  app: App;
  database: Database;
  keysDir: string;
  /** KEYS_MASTER_KEY of this app (the app itself hands it to no service) */
  masterKey: string;
  /** every log line the app wrote, for redaction tests */
  logs: string[];
  demoClient: { client_id: string; client_secret: string; centre: string };
}

/**
 * Builds the real app on a fresh database with demo data, closed when the test ends. A DATABASE_URL in `env`
 * names the PostgreSQL server to create that database on (a test's own cluster).
 */
export async function build(t: Test, env: Record<string, string> = {}, options: Pick<BuildOptions, 'fetcher' | 'clock'> = {}): Promise<TestApp> {
  const keysDir = await mkdtemp(join(tmpdir(), 'iioe-keys-'));
  const { DATABASE_URL: serverUrl = process.env.DATABASE_URL, ...settings } = env;
  const { database, url, drop } = await freshDatabase({ serverUrl, timeouts: loadConfig(settings).databaseTimeouts });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const config = loadConfig({
    PUBLIC_BASE_URL: BASE_URL,
    KEYS_DIR: keysDir,
    KEYS_MASTER_KEY: randomBytes(32).toString('base64url'),
    // e-mail goes to a folder of this test app (a test may point SMTP_URL at its own server)
    MAIL_OUTBOX_DIR: join(keysDir, 'outbox'),
    DEMO: 'true',
    LOG_LEVEL: 'info',
    // Test files make many requests from one address; the rate-limit test sets its own low limits.
    RATE_LIMIT_TOKEN_PER_MINUTE: '100000',
    RATE_LIMIT_VERIFY_PER_MINUTE: '100000',
    RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
    ...settings,
    ...(url ? { DATABASE_URL: url } : {}),
  });
  const app = await buildApp({ config, database, ...options, logger: { level: 'info', stream } });
  t.teardown(async () => {
    await app.close();
    await database.close();
    await drop();
    await rm(keysDir, { recursive: true, force: true });
  });
  await app.ready();
  const demoClient = config.demo ? JSON.parse(await readFile(join(keysDir, 'demo-client.json'), 'utf8')) : undefined;
  return { app, database, keysDir, masterKey: config.masterKey!, logs, demoClient };
}

/** An access token through the real token endpoint. */
export async function tokenFor(app: App, clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...(scope ? { scope } : {}) },
  });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.statusCode} ${response.body}`);
  return response.json().access_token;
}

export const demoToken = (testApp: TestApp, scope?: string) =>
  tokenFor(testApp.app, testApp.demoClient.client_id, testApp.demoClient.client_secret, scope);

/**
 * A second centre with its own client, to prove isolation and issuer checks. By default the centre is
 * authorised (from its creation, open-ended) for every course that exists at that moment, so it can issue
 * like the demo centre; pass `authorise: []` for a centre authorised for nothing, or a list of course ids.
 */
export async function createCentreWithClient(
  testApp: TestApp,
  { slug, scopes = ['credentials:issue'] as Scope[], authorise }: { slug: string; scopes?: Scope[]; authorise?: string[] },
) {
  const { db, keys } = testApp.app.ctx;
  const centre = await insertCentre(db, { slug, name: { en: `IIOE ${slug} centre` }, countryCode: 'PK' });
  await keys.ensureActiveKey({ centreId: centre.id, purpose: 'assertion' });
  const courseIds = authorise ?? (await db.select({ id: achievements.id }).from(achievements)).map((row) => row.id);
  for (const achievementId of courseIds) {
    await insertAuthorisation(db, { centreId: centre.id, achievementId, validFrom: centre.createdAt });
  }
  const { client, clientSecret } = await createClient({ db, centreId: centre.id, name: `${slug} client`, scopes });
  return { centre, clientId: client.clientId, clientSecret, token: await tokenFor(testApp.app, client.clientId, clientSecret) };
}

/** A token of a new platform admin client (registry:admin, no centre), through the real token endpoint. */
export async function adminToken(testApp: TestApp): Promise<string> {
  const { client, clientSecret } = await createClient({ db: testApp.app.ctx.db, centreId: null, name: 'Test admin', scopes: ['registry:admin'] });
  return tokenFor(testApp.app, client.clientId, clientSecret);
}

/** The demo foundation course: the one course with texts in all four languages. */
export async function firstAchievementId(app: App): Promise<string> {
  const courses: { id: string; languages: string[] }[] = (await app.inject({ method: 'GET', url: '/achievements' })).json().items;
  const foundation = courses.find((course) => course.languages.length === 4);
  if (!foundation) throw new Error('the demo foundation course is missing');
  return foundation.id;
}

/** Issues a credential through the API and returns the response body. */
export async function issue(app: App, token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/v1/credentials', headers: { authorization: `Bearer ${token}`, ...headers }, payload: body });
}
