import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createMailer } from '../../../src/modules/delivery/mailer.js';
import { sendDelivery } from '../../../src/modules/delivery/service.js';
import { build, demoToken, firstAchievementId } from '../../helper.js';

// The delivery job (sendDelivery) worked by hand: this app works no jobs (JOBS_IN_PROCESS=false, as an API replica
// beside separate workers), so what happens between the request for an e-mail and its sending can be arranged.

const testApp = await build(t, { JOBS_IN_PROCESS: 'false' });
const { app } = testApp;
const auth = { authorization: `Bearer ${await demoToken(testApp, 'credentials:issue credentials:read credentials:manage')}` };
const courseId = await firstAchievementId(app);
const outbox = join(testApp.keysDir, 'outbox');
const mailer = createMailer({ mail: app.ctx.config.mail, log: app.log });
t.teardown(() => mailer.close());

async function issueWithDelivery(name: string, email: string) {
  const response = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: { achievementId: courseId, recipient: { name, email }, deliver: true } });
  if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
  const id = response.json().id as string;
  const [delivery] = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}/deliveries`, headers: auth })).json().items;
  return { id, deliveryId: delivery.id as string };
}
const outboxFiles = async () => (await readdir(outbox).catch(() => [] as string[])).filter((name) => name.endsWith('.eml'));

t.test('a credential revoked before its e-mail went out is not e-mailed; the delivery says why', async (t) => {
  const { id, deliveryId } = await issueWithDelivery('Revoked Before Sending', 'too-late@example.org');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/revoke`, headers: auth, payload: { reason: 'issued in error' } })).statusCode, 200);
  t.same(await sendDelivery({ ctx: app.ctx, mailer, deliveryId }), { kind: 'failed' });
  t.same(await outboxFiles(), [], 'nothing was sent');
  const [delivery] = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}/deliveries`, headers: auth })).json().items;
  t.match(delivery, { state: 'failed', sentAt: null, lastError: /revoked/ });
  t.same(await sendDelivery({ ctx: app.ctx, mailer, deliveryId }), { kind: 'skipped' }, 'a second run of the job does nothing');
});

t.test('a delivery is sent once, however often its job runs', async (t) => {
  const { id, deliveryId } = await issueWithDelivery('Sent Once', 'once@example.org');
  t.same(await sendDelivery({ ctx: app.ctx, mailer, deliveryId }), { kind: 'sent' });
  t.same(await sendDelivery({ ctx: app.ctx, mailer, deliveryId }), { kind: 'skipped' });
  t.equal((await outboxFiles()).length, 1);
  const [delivery] = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}/deliveries`, headers: auth })).json().items;
  t.match(delivery, { state: 'sent', attempts: 1 });
});
