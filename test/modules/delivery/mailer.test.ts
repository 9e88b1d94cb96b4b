import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import t, { type Test } from 'tap';
import type { Config } from '../../../src/config.js';
import { LANGUAGES } from '../../../src/lib/i18n.js';
import { loggerOptions } from '../../../src/lib/logging.js';
import { createMailer, isTemporaryMailFailure, mailFailureReason, type Mailer } from '../../../src/modules/delivery/mailer.js';
import { renderCredentialEmail } from '../../../src/web/email/credential-email.js';
import { decodeQrPng } from '../../support/qr.js';
import { emailInput } from '../../web/email/email-fixtures.js';

// The mail transport (src/modules/delivery/mailer) against a real SMTP server started here (smtp-server on a free
// loopback port), and against the outbox folder; every message read back with mailparser, as a mail reader would.

const FROM = 'IIOE Credentials <no-reply@credentials.example.org>';
const REPLY_TO = 'contact@centre.example.eg';

/** A mail configuration as config.ts builds it, for the given transport. */
function mailConfig(transport: Config['mail']['transport'], dkim?: Config['mail']['dkim']): Config['mail'] {
  return { transport, from: FROM, dkim, ratePerMinute: 60, maxAttempts: 6, retryBaseSeconds: 60 };
}

/** A logger like the service's (same redaction), whose lines are kept. */
function capturedLog() {
  const lines: string[] = [];
  const log = pino(loggerOptions({ level: 'debug' }), { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

interface Received {
  parsed: ParsedMail;
  raw: Buffer;
  envelope: SMTPServerSession['envelope'];
}

/** A real SMTP server on 127.0.0.1, port chosen by the system; what it accepted is in `received`. */
async function smtpServer(t: Test, options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        received.push({ parsed: await simpleParser(raw, { keepCidLinks: true }), raw, envelope: session.envelope });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, received };
}

/** A mailer for `url`, closed when the test ends. */
function smtpMailer(t: Test, url: string, log = capturedLog().log, dkim?: Config['mail']['dkim']): Mailer {
  const mailer = createMailer({ mail: mailConfig({ kind: 'smtp', url }, dkim), log });
  t.teardown(() => mailer.close());
  return mailer;
}

/** An SMTP error with a reply code, as smtp-server sends it. */
const refusal = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/** A header as it was written (mailparser makes objects of some), unfolded. */
const headerLine = (parsed: ParsedMail, name: string) => parsed.headerLines.find((header) => header.key === name)?.line.replace(/\r?\n[ \t]+/g, ' ') ?? '';

/** What a send threw (fails the test when it did not throw), and how long it took. */
async function failureOf(send: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await send();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('the message was sent, a failure was expected');
}

t.test('every language arrives over SMTP as rendered: headers, language and direction, text, links, the QR code', async (t) => {
  const { url, received } = await smtpServer(t);
  const { log, lines } = capturedLog();
  const mailer = smtpMailer(t, url, log);
  for (const language of LANGUAGES) {
    const input = emailInput(language);
    const email = await renderCredentialEmail(input);
    const to = `learner.${language}@learners.example.net`;
    const sent = await mailer.send({ to, replyTo: REPLY_TO, ...email });
    t.equal(sent.where, 'smtp');
    const { parsed, envelope } = received.at(-1)!;
    t.test(language, async (t) => {
      t.equal(parsed.messageId, sent.messageId, 'the Message-ID returned is the one sent');
      t.same(envelope.rcptTo.map((rcpt) => rcpt.address), [to], 'envelope: the learner only');
      t.equal(envelope.mailFrom && envelope.mailFrom.address, 'no-reply@credentials.example.org', 'envelope sender: MAIL_FROM (where bounces go)');
      t.same(parsed.from?.value, [{ address: 'no-reply@credentials.example.org', name: 'IIOE Credentials' }], 'From: MAIL_FROM');
      t.same((Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.value.map((a) => a.address), [to], 'To');
      t.same(parsed.replyTo?.value.map((a) => a.address), [REPLY_TO], 'Reply-To: the centre');
      t.equal(parsed.subject, email.subject, 'Subject decodes to exactly what was rendered');
      t.equal(parsed.headers.get('auto-submitted'), 'auto-generated', 'marked automatic (RFC 3834): no out-of-office replies');
      const html = String(parsed.html);
      t.match(html, `<html lang="${language}" dir="${language === 'ar' ? 'rtl' : 'ltr'}">`, 'html: lang and dir');
      t.equal(html, email.html, 'the html part arrives intact');
      t.equal(parsed.text?.replace(/\r\n/g, '\n').trimEnd(), email.text.trimEnd(), 'the plain-text part, in the same language');
      t.match(html, `href="${input.credentialUrl}"`, 'the link');
      t.match(String(parsed.text), input.credentialUrl);
      t.match(html, 'href="https://www.linkedin.com/profile/add?', 'the LinkedIn link');
      t.equal(parsed.attachments.length, 1, 'one attachment');
      const [qr] = parsed.attachments;
      t.equal(qr!.contentType, 'image/png');
      t.equal(qr!.contentDisposition, 'inline', 'shown inline, not as a file to open');
      t.equal(qr!.cid, email.attachments[0]!.cid, 'by the Content-ID the html refers to');
      t.equal(decodeQrPng(qr!.content), input.shortLink, 'the QR code decodes to the short link');
    });
  }
  const text = lines.join('');
  const accepted = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'e-mail accepted by the SMTP server');
  t.equal(accepted.length, LANGUAGES.length, 'one log line per message');
  t.equal(accepted[0].recipientDomain, 'learners.example.net', 'the log names the recipient domain');
  t.notMatch(text, /learner\.(en|fr|ar|zh)@/, 'never the address');
  t.notMatch(text, /Amira|أميرة|李小龙|Zoë/, 'never the learner name');
  t.notMatch(text, /credentials\/0a1b|Blended Learning/, 'never the content');
});

t.test('a 4xx reply is temporary, a 5xx reply to the message is permanent; the reason names the domain only', async (t) => {
  const { url } = await smtpServer(t, {
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('busy')) return callback(refusal(451, '4.3.0 Mailbox busy, try later'));
      if (address.address.startsWith('nobody')) return callback(refusal(550, `5.1.1 <${address.address}>: Recipient address rejected: no such user`));
      callback();
    },
  });
  const { log, lines } = capturedLog();
  const mailer = smtpMailer(t, url, log);
  const message = { ...(await renderCredentialEmail(emailInput('en'))), replyTo: REPLY_TO };

  const busy = await failureOf(() => mailer.send({ ...message, to: 'busy@learners.example.net' }));
  t.equal(isTemporaryMailFailure(busy.error), true, '451: temporary (retry later)');
  t.match(mailFailureReason(busy.error), /^EENVELOPE: 451 4\.3\.0 Mailbox busy/);

  const nobody = await failureOf(() => mailer.send({ ...message, to: 'nobody.here@learners.example.net' }));
  t.equal(isTemporaryMailFailure(nobody.error), false, '550 no such user: permanent');
  const reason = mailFailureReason(nobody.error);
  t.match(reason, /^EENVELOPE: 550 5\.1\.1 <…@learners\.example\.net>: Recipient address rejected/, `the server's words, address reduced to its domain: ${reason}`);
  t.notMatch(reason, 'nobody.here');

  const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'e-mail not sent');
  t.same(
    warnings.map(({ recipientDomain, temporary }) => ({ recipientDomain, temporary })),
    [
      { recipientDomain: 'learners.example.net', temporary: true },
      { recipientDomain: 'learners.example.net', temporary: false },
    ],
    'each failure logged with the domain and whether it is temporary',
  );
  t.notMatch(lines.join(''), /nobody\.here|busy@/, 'the log never has the address');

  const accepted = await mailer.send({ ...message, to: 'fine@learners.example.net' });
  t.equal(accepted.where, 'smtp', 'the pool still sends after refusals');
});

t.test('a refusal after the message was transmitted: 451 temporary, 554 permanent', async (t) => {
  let reply = 451;
  const { url } = await smtpServer(t, {
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback(refusal(reply, reply === 451 ? '4.7.1 Greylisted, come back later' : '5.7.1 Message rejected as spam')));
    },
  });
  const mailer = smtpMailer(t, url);
  const message = { ...(await renderCredentialEmail(emailInput('zh'))), to: 'learner@learners.example.net' };
  const greylisted = await failureOf(() => mailer.send(message));
  t.equal(isTemporaryMailFailure(greylisted.error), true, '451 after DATA: temporary');
  reply = 554;
  const spam = await failureOf(() => mailer.send(message));
  t.equal(isTemporaryMailFailure(spam.error), false, '554 after DATA: permanent');
  t.match(mailFailureReason(spam.error), /554 5\.7\.1 Message rejected as spam/);
});

t.test('a server refusing the service’s credentials is temporary: it is the set-up, fixed once for every message', async (t) => {
  const { url } = await smtpServer(t, {
    authOptional: false,
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(refusal(535, '5.7.8 Authentication credentials invalid')),
  });
  const mailer = smtpMailer(t, url.replace('smtp://', 'smtp://service:wrong-password@'));
  const { error } = await failureOf(async () => mailer.send({ ...(await renderCredentialEmail(emailInput('en'))), to: 'learner@learners.example.net' }));
  t.equal((error as { code?: string }).code, 'EAUTH');
  t.equal(isTemporaryMailFailure(error), true, '535 to AUTH: temporary (retried until the configuration is fixed)');
  t.notMatch(mailFailureReason(error), 'wrong-password', 'the reason never carries the password');
});

t.test('no server listening: temporary, at once', async (t) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as { port: number };
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const mailer = smtpMailer(t, `smtp://127.0.0.1:${port}`);
  const { error, ms } = await failureOf(async () => mailer.send({ ...(await renderCredentialEmail(emailInput('fr'))), to: 'learner@learners.example.net' }));
  t.equal(isTemporaryMailFailure(error), true, `connection refused: temporary (${(error as { code?: string }).code})`);
  t.ok(ms < 3000, `failed in ${Math.round(ms)} ms`);
});

t.test('a server that accepts the connection and never answers: temporary, within 15 s', async (t) => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket)); // holds the connection, says nothing
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    sockets.forEach((socket) => socket.destroy());
    silent.close();
  });
  const mailer = smtpMailer(t, `smtp://127.0.0.1:${(silent.address() as { port: number }).port}`);
  const { error, ms } = await failureOf(async () => mailer.send({ ...(await renderCredentialEmail(emailInput('en'))), to: 'learner@learners.example.net' }));
  t.equal(isTemporaryMailFailure(error), true, `no greeting: temporary (${(error as { code?: string }).code})`);
  t.ok(ms < 15_000, `failed in ${Math.round(ms)} ms, not after minutes`);
});

t.test('DKIM: every message is signed with the configured domain and selector', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dkim-'));
  const keyFile = join(dir, 'dkim.pem');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const dkim = { domainName: 'credentials.example.org', keySelector: 'iioe2026', privateKeyFile: keyFile };

  const { url, received } = await smtpServer(t);
  const mailer = smtpMailer(t, url, capturedLog().log, dkim);
  await mailer.send({ ...(await renderCredentialEmail(emailInput('ar'))), to: 'learner@learners.example.net', replyTo: REPLY_TO });
  const signature = headerLine(received[0]!.parsed, 'dkim-signature');
  t.match(signature, /(^|;\s*)d=credentials\.example\.org;/, 'd= the signing domain');
  t.match(signature, /(^|;\s*)s=iioe2026;/, 's= the selector');
  t.match(signature, /(^|;\s*)a=rsa-sha256;/);
  t.match(signature, /h=[^;]*from[^;]*subject/i, 'From and Subject are signed');

  const unsigned = await smtpServer(t);
  await smtpMailer(t, unsigned.url).send({ ...(await renderCredentialEmail(emailInput('ar'))), to: 'learner@learners.example.net' });
  t.notOk(unsigned.received[0]!.parsed.headers.has('dkim-signature'), 'without DKIM configured: no signature');

  const { log } = capturedLog();
  t.throws(
    () => createMailer({ mail: mailConfig({ kind: 'smtp', url }, { ...dkim, privateKeyFile: join(dir, 'missing.pem') }), log }),
    { message: `MAIL_DKIM_PRIVATE_KEY_FILE ${join(dir, 'missing.pem')} cannot be read (ENOENT)` },
    'a key file that cannot be read stops the start, saying which',
  );
  writeFileSync(join(dir, 'public.pem'), 'not a key');
  t.throws(
    () => createMailer({ mail: mailConfig({ kind: 'smtp', url }, { ...dkim, privateKeyFile: join(dir, 'public.pem') }), log }),
    { message: /holds no private key/ },
    'a file that holds no private key too',
  );
});

t.test('outbox: complete .eml files, readable by the service only, that parse back; the log says where', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'data', 'outbox');
  const { log, lines } = capturedLog();
  const mailer = createMailer({ mail: mailConfig({ kind: 'outbox', dir }), log });
  t.teardown(() => mailer.close());
  t.equal(statSync(dir).mode & 0o777, 0o700, 'the folder is created, mode 0700');

  const sent = [];
  for (const language of ['ar', 'zh'] as const) {
    const email = await renderCredentialEmail(emailInput(language));
    sent.push({ language, email, result: await mailer.send({ ...email, to: `learner.${language}@learners.example.net`, replyTo: REPLY_TO }) });
  }
  const files = readdirSync(dir).sort();
  t.equal(files.length, 2, `two files and nothing else (no temporary file left): ${files.join(', ')}`);
  for (const { language, email, result } of sent) {
    t.match(result.where, new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z-[A-Za-z0-9_-]+\\.eml$`), 'named <time>-<message id>.eml');
    t.equal(statSync(result.where).mode & 0o777, 0o600, 'mode 0600');
    const raw = readFileSync(result.where);
    t.match(raw.toString('latin1'), /\r\n\r\n/, 'CRLF line ends, as RFC 5322 wants');
    const parsed = await simpleParser(raw, { keepCidLinks: true });
    t.equal(parsed.messageId, result.messageId);
    t.equal(parsed.subject, email.subject, `${language}: the subject`);
    t.same((Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.value.map((a) => a.address), [`learner.${language}@learners.example.net`]);
    t.same(parsed.replyTo?.value.map((a) => a.address), [REPLY_TO]);
    t.equal(String(parsed.html), email.html, `${language}: the html`);
    t.equal(decodeQrPng(parsed.attachments[0]!.content), emailInput(language).shortLink, `${language}: the QR code decodes to the short link`);
  }
  const written = lines.map((line) => JSON.parse(line)).filter((line) => line.msg.startsWith('e-mail written to the outbox'));
  t.same(written.map((line) => line.where), sent.map(({ result }) => result.where), 'the log line says where each message is');
  t.notMatch(lines.join(''), /learner\.(ar|zh)@/, 'never the address');
});

t.test('outbox: DKIM signs the files too; a folder that cannot be written to fails the send, temporarily', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'outbox-'));
  const keyFile = join(root, 'dkim.pem');
  writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const dir = join(root, 'outbox');
  const mailer = createMailer({ mail: mailConfig({ kind: 'outbox', dir }, { domainName: 'credentials.example.org', keySelector: 'outbox', privateKeyFile: keyFile }), log: capturedLog().log });
  const { where } = await mailer.send({ ...(await renderCredentialEmail(emailInput('en'))), to: 'learner@learners.example.net' });
  t.match(headerLine(await simpleParser(readFileSync(where)), 'dkim-signature'), /d=credentials\.example\.org;.*s=outbox;/);

  // the folder replaced by a file (root writes through any mode, so permissions cannot make the write fail here)
  renameSync(dir, `${dir}.moved`);
  writeFileSync(dir, '');
  const { error } = await failureOf(async () => mailer.send({ ...(await renderCredentialEmail(emailInput('en'))), to: 'learner@learners.example.net' }));
  t.equal((error as { code?: string }).code, 'ENOTDIR');
  t.equal(isTemporaryMailFailure(error), true, 'a disk problem is temporary');
  t.same(readdirSync(`${dir}.moved`), [basename(where)], 'only the first message, complete');
});

t.test('the classification, failure by failure', async (t) => {
  const cases: [string, object, boolean][] = [
    ['451 to RCPT TO', { code: 'EENVELOPE', responseCode: 451 }, true],
    ['452 insufficient storage', { code: 'EENVELOPE', responseCode: 452 }, true],
    ['421 service closing', { code: 'EMESSAGE', responseCode: 421 }, true],
    ['503 bad sequence (a session problem)', { code: 'EENVELOPE', responseCode: 503 }, true],
    ['550 no such user', { code: 'EENVELOPE', responseCode: 550 }, false],
    ['552 too large', { code: 'EMESSAGE', responseCode: 552 }, false],
    ['554 rejected after DATA', { code: 'EMESSAGE', responseCode: 554 }, false],
    ['an invalid recipient address, before sending', { code: 'EENVELOPE' }, false],
    ['a message too large for the server’s SIZE, before sending', { code: 'EMESSAGE' }, false],
    ['535 authentication refused', { code: 'EAUTH', responseCode: 535 }, true],
    ['554 greeting (no service here)', { code: 'EPROTOCOL', responseCode: 554 }, true],
    ['connection refused', { code: 'ESOCKET', errno: -111, syscall: 'connect' }, true],
    ['connection reset', { code: 'ECONNRESET' }, true],
    ['timeout', { code: 'ETIMEDOUT' }, true],
    ['connection closed', { code: 'ECONNECTION' }, true],
    ['DNS', { code: 'EDNS' }, true],
    ['TLS', { code: 'ETLS' }, true],
    ['not an error object', { toString: () => 'boom' }, true],
  ];
  for (const [what, error, temporary] of cases) t.equal(isTemporaryMailFailure(error), temporary, `${what}: ${temporary ? 'temporary' : 'permanent'}`);
  t.equal(isTemporaryMailFailure(null), true, 'null: temporary');
  t.equal(mailFailureReason('x'.repeat(1000)).length, 300, 'a reason is at most 300 characters');
  t.equal(mailFailureReason(Object.assign(new Error('Can’t send mail'), { code: 'EENVELOPE', responseCode: 550, response: '550\n5.1.1   <a.b+c@d.example>  unknown' })), 'EENVELOPE: 550 5.1.1 <…@d.example> unknown');
});
