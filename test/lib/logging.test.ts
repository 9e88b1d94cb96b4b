import { sql } from 'drizzle-orm';
import t from 'tap';
import { serialiseError } from '../../src/lib/logging.js';
import { createClient } from '../../src/modules/auth/service.js';
import { build, demoToken, firstAchievementId, issue, tokenFor } from '../helper.js';

// Logs never carry query strings or personal data: failures are logged with what failed and where, not with the
// values involved. Real failures on the real database, read back from the app's captured log lines.

const testApp = await build(t);
const { app, logs } = testApp;
const { client, clientSecret } = await createClient({ db: app.ctx.db, centreId: null, name: 'admin', scopes: ['registry:admin'] });
const admin = { authorization: `Bearer ${await tokenFor(app, client.clientId, clientSecret)}` };

/** The log lines written while `action` ran, parsed. */
async function logsOf(action: () => Promise<unknown>): Promise<{ text: string; lines: Record<string, unknown>[] }> {
  const before = logs.length;
  await action();
  const written = logs.slice(before);
  return { text: written.join(''), lines: written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const failedLine = (lines: Record<string, unknown>[]) => lines.find((line) => line.msg === 'request failed');

t.test('a failed insert does not log the contact e-mail', async (t) => {
  // every new centre row is refused by the database (existing rows untouched): the insert fails with the
  // statement's parameters attached to the error, as any database failure would
  await app.ctx.db.execute(sql.raw('ALTER TABLE centres ADD CONSTRAINT logging_test_refuses_rows CHECK (false) NOT VALID'));
  t.teardown(() => app.ctx.db.execute(sql.raw('ALTER TABLE centres DROP CONSTRAINT logging_test_refuses_rows')));
  const email = 'registrar.private@example.org';
  const { text, lines } = await logsOf(async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/centres?contact=registrar.private%40example.org',
      headers: admin,
      payload: { slug: 'pakistan', name: { en: 'IIOE Pakistan' }, countryCode: 'PK', contactEmail: email },
    });
    t.equal(response.statusCode, 500, 'the insert failed');
  });
  const failed = failedLine(lines);
  t.ok(failed, 'the failure is logged');
  const err = failed?.err as Record<string, unknown>;
  t.match(err.message, /centres/, 'saying what failed');
  t.equal((err.cause as Record<string, unknown> | undefined)?.code, '23514', 'and the database\'s reason (check_violation)');
  t.notMatch(text, /registrar\.private/, 'neither the e-mail from the body nor the one in the query string');
  t.notMatch(text, /contact=/, 'no query string');
});

t.test('a failed issuance does not log the recipient', async (t) => {
  await app.ctx.db.execute(sql.raw('ALTER TABLE credentials ADD CONSTRAINT logging_test_refuses_rows CHECK (false) NOT VALID'));
  t.teardown(() => app.ctx.db.execute(sql.raw('ALTER TABLE credentials DROP CONSTRAINT logging_test_refuses_rows')));
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(app);
  const { text, lines } = await logsOf(async () => {
    const response = await issue(app, token, { achievementId, recipient: { name: 'Yasmin Haddad-Qurashi', email: 'yasmin.hq@example.org' } });
    t.equal(response.statusCode, 500, 'the issuance failed');
  });
  t.ok(failedLine(lines), 'the failure is logged');
  t.notMatch(text, /Yasmin|Haddad/, 'not the recipient\'s name (in the row and in the signed document)');
  t.notMatch(text, /yasmin\.hq/, 'not the recipient\'s e-mail');
});

t.test('requests are logged without their query string', async (t) => {
  const { text, lines } = await logsOf(() => app.inject({ method: 'GET', url: '/healthz?email=someone%40example.org&token=abc123' }));
  const incoming = lines.find((line) => line.msg === 'incoming request');
  t.match(incoming?.req, { method: 'GET', url: '/healthz' });
  t.notMatch(text, /someone|abc123|token=/);
});

t.test('the error serialiser', async (t) => {
  const database = Object.assign(new Error('invalid input syntax for type uuid: "amina@example.org"'), {
    code: '22P02',
    detail: 'Key (contact_email)=(amina@example.org) already exists.',
    params: ['amina@example.org'],
  });
  const wrapped = new Error('Failed query: insert into "centres" ("contact_email") values ($1)\nparams: amina@example.org', { cause: database });
  const serialised = serialiseError(wrapped);
  t.notMatch(JSON.stringify(serialised), /amina/, 'no value from the message, its parameters, detail or cause');
  t.equal(serialised.message, 'Failed query: insert into "centres" ("contact_email") values ($1)', 'the statement is kept');
  t.match(serialised.cause, { code: '22P02', message: 'invalid input syntax for type uuid: "[redacted]"' });
  t.match(serialised.stack, /^Error: Failed query[^\n]*\n {4}at /, 'stack frames kept');
  t.same(serialiseError('a string'), { type: 'string', message: 'a value that is not an Error was thrown' });
});
