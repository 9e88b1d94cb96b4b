import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../../src/app.js';
import type { Config } from '../../../src/config.js';
import { credentialsUnderOtherBase } from '../../../src/modules/credentials/repository.js';
import { BASE_URL, build, demoToken, firstAchievementId, issue, type TestApp } from '../../helper.js';

// Every credential names the public base URL it was issued under (its id, its issuer's did:web, its status list).
// Started again with another PUBLIC_BASE_URL (or PORT, which makes the default one), the service warns at start-up,
// naming the stored base and the configured one and how to go back; with the same base it says nothing.

const WARNING = /stored credential\(s\) were issued under the public base URL/;

/** The JSON log lines that carry the warning. */
const warningsIn = (logs: string[]) => logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => WARNING.test(String(line.msg)));

/**
 * The same service started again on the same database and keys with another configuration, logging into the
 * helper's captured logs; the lines this start added.
 */
async function restart(testApp: TestApp, changes: Partial<Config>): Promise<string[]> {
  const from = testApp.logs.length;
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      testApp.logs.push(chunk.toString());
      callback();
    },
  });
  const app = await buildApp({ config: { ...testApp.app.ctx.config, masterKey: testApp.masterKey, ...changes }, database: testApp.database, logger: { level: 'info', stream } });
  try {
    await app.ready();
  } finally {
    await app.close();
  }
  return testApp.logs.slice(from);
}

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
for (const name of ['Amina El-Sayed', 'Bilal Khan']) {
  const issued = await issue(app, token, { achievementId, recipient: { name } });
  if (issued.statusCode !== 201) throw new Error(`issuance failed: ${issued.body}`);
}

t.test('the first start, and any start with the same base, says nothing', async (t) => {
  t.same(warningsIn(testApp.logs), [], 'no warning in the helper\'s captured logs');
  t.same(await credentialsUnderOtherBase(app.ctx.db, BASE_URL), { count: 0, bases: [] });
  t.same(warningsIn(await restart(testApp, {})), [], 'restarted unchanged: nothing');
});

t.test('started with another PORT (the default base follows it): a warning naming both bases and the fix', async (t) => {
  const logs = await restart(testApp, { port: 4000, publicBaseUrl: 'http://localhost:4000' });
  const warnings = warningsIn(logs);
  t.equal(warnings.length, 1, 'one warning');
  const [warning] = warnings;
  t.equal(warning?.level, 40, 'at warn level');
  t.same(warning?.storedBaseUrls, [BASE_URL], 'the base the credentials name');
  t.equal(warning?.publicBaseUrl, 'http://localhost:4000', 'the configured one');
  t.equal(warning?.credentials, 2, 'how many credentials it concerns');
  const message = String(warning?.msg);
  t.match(message, `PUBLIC_BASE_URL is now http://localhost:4000`);
  t.match(message, `PUBLIC_BASE_URL=${BASE_URL} again`, 'how to fix it');
  t.match(message, /restore PORT too/);
  t.match(message, /could not be checked/, 'what readers see meanwhile');
});

t.test('started with another PUBLIC_BASE_URL: the same warning', async (t) => {
  const [warning] = warningsIn(await restart(testApp, { publicBaseUrl: 'https://credentials.example.org' }));
  t.same(warning?.storedBaseUrls, [BASE_URL]);
  t.equal(warning?.publicBaseUrl, 'https://credentials.example.org');
});

t.test('a base that only extends the old one is another base', async (t) => {
  // http://localhost:3000/credentials/<id> contains http://localhost:300… as a prefix: the test is on the whole id
  const report = await credentialsUnderOtherBase(app.ctx.db, 'http://localhost:300');
  t.equal(report.count, 2);
  t.same(report.bases, [BASE_URL]);
});
