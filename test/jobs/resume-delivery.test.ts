// E-mails in flight when the process dies: `npm start` (embedded, jobs in process) sends to an SMTP server that
// accepts the connection and never answers, so every send hangs; the process is SIGKILLed mid-send and started
// again on the same data with the outbox instead. The deliveries the dead process held are retried once their
// heartbeat is stale (the queue's retries, not the SMTP ones), and every learner gets exactly one message.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import t from 'tap';
import { freePort } from '../support/pg-cluster.js';
import { apiClient, type BatchView, cohortRows, isFinished, SERVER_READY, startServiceProcess, waitForBatch } from '../support/service-process.js';

const LEARNERS = 5;

t.test('deliveries held by a process killed mid-send are sent after the restart, once each', { timeout: 150_000 }, async (t) => {
  const dirs = await mkdtemp(join(tmpdir(), 'iioe-resume-delivery-'));
  t.teardown(() => rm(dirs, { recursive: true, force: true }));
  const connections: Socket[] = [];
  const silentSmtp = createServer((socket) => connections.push(socket));
  await new Promise<void>((resolve) => silentSmtp.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of connections) socket.destroy();
    silentSmtp.close();
  });
  const port = await freePort();
  const env = { DATA_DIR: join(dirs, 'data'), KEYS_DIR: join(dirs, 'keys'), HOST: '127.0.0.1', PORT: String(port), SIGNING_THREADS: '1', DELIVERY_RATE_PER_MINUTE: '10000' };

  const first = await startServiceProcess(t, { entry: 'src/server.ts', env: { ...env, SMTP_URL: `smtp://127.0.0.1:${(silentSmtp.address() as { port: number }).port}` }, ready: SERVER_READY });
  let api = await apiClient(`http://127.0.0.1:${port}`, env.KEYS_DIR);
  const rows = cohortRows(LEARNERS, 'DLV').map((row, i) => ({ ...row, email: `learner${i + 1}@example.org` }));
  const submitted = await api.request('POST', '/api/v1/batches?deliver=true', { rows });
  t.equal(submitted.status, 202, submitted.body);
  const { batchId } = submitted.json() as { batchId: string };
  const issued = await waitForBatch(api, batchId, { until: isFinished, timeoutMs: 60_000 });
  t.equal(issued.totals.issued, LEARNERS);
  for (let waited = 0; connections.length === 0; waited += 50) {
    if (waited > 30_000) throw new Error('no e-mail was ever sent to the SMTP server');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await first.kill('SIGKILL');
  const killedMs = Date.now();

  const second = await startServiceProcess(t, { entry: 'src/server.ts', env, ready: SERVER_READY });
  api = await apiClient(`http://127.0.0.1:${port}`, env.KEYS_DIR);
  const delivered = await waitForBatch(api, batchId, { until: (batch) => (batch as BatchView & { deliveries: { queued: number } }).deliveries.queued === 0, timeoutMs: 90_000, everyMs: 250 });
  const sentMs = Date.now();
  t.same((delivered as BatchView & { deliveries: unknown }).deliveries, { queued: 0, sent: LEARNERS, failed: 0 }, 'every delivery the dead process held was sent');

  const outbox = join(env.DATA_DIR, 'outbox');
  const messages = await Promise.all((await readdir(outbox)).filter((name) => name.endsWith('.eml')).map(async (name) => simpleParser(await readFile(join(outbox, name)))));
  const recipients = messages.map((message) => (Array.isArray(message.to) ? message.to[0] : message.to)?.value[0]?.address).sort();
  t.same(recipients, rows.map((row) => row.email).sort(), 'each learner got exactly one message');
  t.comment(`measured: all ${LEARNERS} deliveries sent ${((sentMs - killedMs) / 1000).toFixed(1)} s after the SIGKILL`);
  t.same(await second.kill('SIGTERM'), { code: 0, signal: null });
});
