import t from 'tap';
import { adminToken, build, createCentreWithClient, demoToken, firstAchievementId } from '../../helper.js';
import { eventually } from '../../support/batches.js';
import { decodeQrPng } from '../../support/qr.js';
import { startTestSmtp } from '../../support/smtp.js';

// Delivery through the job queue to a real SMTP server started here (smtp-server on 127.0.0.1, a free port): what
// arrives (read with mailparser: Reply-To, the QR code), a temporary refusal retried, a permanent one failed with
// its reason, and each centre's sending pace.

const smtp = await startTestSmtp(t);
const { arrivals, arrivalFor } = smtp;

const RATE = 2;
const testApp = await build(t, { SMTP_URL: smtp.url, DELIVERY_RETRY_BASE_SECONDS: '1', DELIVERY_RATE_PER_MINUTE: String(RATE) });
const { app } = testApp;
const courseId = await firstAchievementId(app);
const demo = { authorization: `Bearer ${await demoToken(testApp, 'credentials:issue credentials:read')}` };
const admin = { authorization: `Bearer ${await adminToken(testApp)}` };

const patched = await app.inject({ method: 'PATCH', url: '/api/v1/centres/egypt-demo', headers: admin, payload: { contactEmail: 'certificates@centre.example.eg' } });
if (patched.statusCode !== 200) throw new Error(`setting the contact address: ${patched.statusCode} ${patched.body}`);

/** Issues a credential with deliver: true for the client `headers` (each centre has its own sending pace). */
async function issueAndDeliver(headers: Record<string, string>, name: string, email: string, language = 'en') {
  const response = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers, payload: { achievementId: courseId, recipient: { name, email }, language, deliver: true } });
  if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
  return response.json().id as string;
}

type Delivery = { to: string; state: string; attempts: number; lastError: string | null; sentAt: string | null; queuedAt: string };
const deliveriesOf = async (headers: Record<string, string>, id: string) =>
  (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}/deliveries`, headers })).json().items as Delivery[];
const settled = (headers: Record<string, string>, id: string) =>
  eventually(`the delivery of ${id} to settle`, () => deliveriesOf(headers, id), (items) => items.length > 0 && items.every((item) => item.state !== 'queued'), 40_000);

t.test('what arrives: to the learner, Reply-To the centre, the QR code decodes to the short link', async (t) => {
  const id = await issueAndDeliver(demo, 'نور الهدى', 'nour@learners.example', 'ar');
  const [delivery] = await settled(demo, id);
  t.match(delivery, { state: 'sent', attempts: 1, lastError: null });
  const arrival = arrivalFor('nour@learners.example');
  t.ok(arrival, 'the message reached the server');
  const { parsed } = arrival!;
  t.same(parsed.replyTo?.value.map((address) => address.address), ['certificates@centre.example.eg'], "Reply-To is the centre's contact address");
  t.match(String(parsed.html), /<html lang="ar" dir="rtl">/, "in the credential's language, right to left");
  t.match(parsed.text, 'نور الهدى');
  const view = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}`, headers: demo })).json();
  const qr = parsed.attachments.find((attachment) => attachment.contentType === 'image/png');
  t.ok(qr, 'a QR image');
  t.equal(decodeQrPng(qr!.content), `http://localhost:3000/v/${view.shortCode}`, 'the QR code is the short link');
  t.match(String(parsed.html), `http://localhost:3000/credentials/${id}`, 'and the credential link');
  t.equal(parsed.messageId && parsed.messageId.length > 0, true);
});

t.test('a temporary refusal (451) is retried after DELIVERY_RETRY_BASE_SECONDS and then sent', async (t) => {
  smtp.refuse('busy@learners.example', { code: 451, text: '4.3.0 Mailbox busy for busy@learners.example, try later' });
  const id = await issueAndDeliver(demo, 'Busy Mailbox', 'busy@learners.example');
  const failedOnce = await eventually('the first attempt', () => deliveriesOf(demo, id), (items) => items[0]!.attempts >= 1);
  // the retry waits a second: long enough for the poll (every 100 ms) to see the delivery between attempts
  t.equal(failedOnce[0]!.state, 'queued', 'between attempts the delivery is queued');
  t.match(failedOnce[0]!.lastError, /451/, 'with the reason');
  t.notMatch(failedOnce[0]!.lastError, /busy@/, 'the address cut to its domain');
  const [delivery] = await settled(demo, id);
  t.match(delivery, { state: 'sent', attempts: 2, lastError: null });
  const [first, second] = smtp.attemptsAt('busy@learners.example');
  t.ok(second! - first! >= 900, `retried after the base delay (${second! - first!} ms)`);
  t.ok(second! - first! < 20_000, 'not after the default minute');
  t.ok(arrivalFor('busy@learners.example'), 'and it arrived');
});

t.test('a permanent refusal (550) fails at once, with the reason and the address masked', async (t) => {
  const centre = await createCentreWithClient(testApp, { slug: 'smtp-refused', scopes: ['credentials:issue', 'credentials:read'] });
  const headers = { authorization: `Bearer ${centre.token}` };
  smtp.refuse('ghost@learners.example', { code: 550, text: '5.1.1 <ghost@learners.example>: no such user' }, { code: 550, text: 'again' });
  const id = await issueAndDeliver(headers, 'No Such User', 'ghost@learners.example');
  const [delivery] = await settled(headers, id);
  t.match(delivery, { state: 'failed', attempts: 1, sentAt: null, to: 'ghost@learners.example' });
  t.match(delivery!.lastError, /550/);
  t.match(delivery!.lastError, /no such user/);
  t.notMatch(delivery!.lastError, /ghost@/, 'the reason carries no address');
  t.match(delivery!.lastError, /…@learners\.example/);
  t.equal(smtp.attemptsAt('ghost@learners.example').length, 1, 'not retried');
  t.notOk(arrivalFor('ghost@learners.example'));
  const view = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}`, headers })).json();
  t.equal(view.status, 'active', 'a failed delivery leaves the credential issued');

  // the centre corrects the address: the re-send goes out
  const resend = await app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/deliver`, headers, payload: { email: 'real@learners.example' } });
  t.equal(resend.statusCode, 202, resend.body);
  const history = await eventually('the corrected delivery', () => deliveriesOf(headers, id), (items) => items[0]!.state === 'sent');
  t.same(history.map((item) => [item.to, item.state]), [['real@learners.example', 'sent'], ['ghost@learners.example', 'failed']]);
  t.equal(arrivalFor('real@learners.example')?.parsed.replyTo, undefined, 'a centre without a contact address sets no Reply-To');
});

t.test(`each centre sends at most DELIVERY_RATE_PER_MINUTE (${RATE}) a minute: the third message waits`, async (t) => {
  const centre = await createCentreWithClient(testApp, { slug: 'smtp-paced', scopes: ['credentials:issue', 'credentials:read'] });
  const headers = { authorization: `Bearer ${centre.token}` };
  const ids: string[] = [];
  for (let i = 1; i <= 3; i++) ids.push(await issueAndDeliver(headers, `Paced Learner ${i}`, `paced${i}@learners.example`));
  const states = async () => (await Promise.all(ids.map((id) => deliveriesOf(headers, id)))).map((items) => items[0]!);
  const firstTwo = await eventually('two of three sent', states, (deliveries) => deliveries.filter((d) => d.state === 'sent').length === RATE, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const later = await states();
  t.equal(later.filter((d) => d.state === 'sent').length, RATE, 'still only two sent seconds later');
  const waiting = later.find((d) => d.state !== 'sent')!;
  t.match(waiting, { state: 'queued', attempts: 0, lastError: null }, 'the third waits its turn: queued, not failed, no attempt used');
  t.equal(firstTwo.filter((d) => d.state === 'sent').length, 2);
  t.equal(arrivals.filter((arrival) => /^paced\d@/.test(arrival.envelope.rcptTo[0]?.address ?? '')).length, RATE, 'the server saw two');

  // another centre is not held up by this one's pace
  const other = await createCentreWithClient(testApp, { slug: 'smtp-other', scopes: ['credentials:issue', 'credentials:read'] });
  const otherHeaders = { authorization: `Bearer ${other.token}` };
  const otherId = await issueAndDeliver(otherHeaders, 'Other Centre Learner', 'other@learners.example');
  t.equal((await settled(otherHeaders, otherId))[0]!.state, 'sent');
});
