// node .ci/smoke.mjs BASE_URL DEMO_CLIENT_FILE
// One pass over a freshly started release, as a centre and an employer use it: wait for readiness, take a
// token, issue one credential, fetch it, verify it by link and through VCALM, open its page and certificate;
// then issue a small cohort and wait for its credentials and e-mails.
// Plain Node (no dependencies), so it runs beside an install that has no dev dependencies.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const [base, clientFile] = process.argv.slice(2);
if (!base || !clientFile) {
  console.error('usage: node .ci/smoke.mjs BASE_URL DEMO_CLIENT_FILE');
  process.exit(64);
}

function check(condition, what, detail) {
  if (!condition) throw new Error(`${what}${detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  console.error(`  ok  ${what}`);
}

async function call(path, { method = 'GET', headers = {}, body } = {}) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
  return { status: response.status, type, payload };
}

async function waitUntilReady(deadline) {
  for (;;) {
    const ready = await call('/readyz').catch(() => undefined);
    if (ready?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`not ready after 60 s (last answer ${ready?.status ?? 'none'})`);
    await sleep(250);
  }
}

try {
  await waitUntilReady(Date.now() + 60_000);
  check(true, 'the release started and is ready');
  // The demo client file appears once demo data is written, just after readiness at the latest.
  const client = JSON.parse(await readFile(clientFile, 'utf8'));

  const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
  const tokenResponse = await fetch(new URL('/oauth/token', base), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const token = (await tokenResponse.json()).access_token;
  check(tokenResponse.status === 200 && token, 'the demo client gets an access token', tokenResponse.status);

  const courses = await call('/achievements');
  const course = courses.payload.items?.[0];
  check(courses.status === 200 && course, 'the course catalogue is served', courses.status);

  const issued = await call('/api/v1/credentials', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': crypto.randomUUID() },
    body: { achievementId: course.id, recipient: { name: 'Amina El-Sayed' }, language: 'ar' },
  });
  check(issued.status === 201, 'a credential is issued', issued.payload);
  const { id, url, verifiableCredential } = issued.payload;

  const fetched = await call(url.replace(/^https?:\/\/[^/]+/, ''), { headers: { accept: 'application/json' } });
  check(fetched.status === 200 && JSON.stringify(fetched.payload) === JSON.stringify(verifiableCredential), 'its link serves the signed credential');

  const byLink = await call('/api/v1/verify', { method: 'POST', body: { url } });
  check(byLink.status === 200 && byLink.payload.verified === true && byLink.payload.verdict === 'valid', 'it verifies by link', byLink.payload);

  const vcalm = await call('/credentials/verify', { method: 'POST', body: { verifiableCredential } });
  check(vcalm.status === 200 && vcalm.payload.verified === true, 'it verifies through VCALM', vcalm.payload);

  const page = await call(`/credentials/${id}`, { headers: { accept: 'text/html' } });
  check(page.status === 200 && page.type.startsWith('text/html') && page.payload.includes('Amina El-Sayed'), 'its page renders');

  const pdf = await call(`/credentials/${id}/certificate.pdf`);
  check(pdf.status === 200 && pdf.type === 'application/pdf' && pdf.payload.subarray(0, 5).toString() === '%PDF-', 'its certificate renders', pdf.status);

  const qr = await call(`/credentials/${id}/qr.png`);
  check(qr.status === 200 && qr.type === 'image/png', 'its QR code renders', qr.status);

  // A small cohort: the job queue and the signing threads of the compiled release (dist/vc/signing-worker.js),
  // and the e-mail of each learner (the release writes them to its outbox).
  const rows = ['Kwame Mensah', '王小明', 'Éloïse Dubois'].map((name, i) => ({ name, email: `learner${i}@example.org`, achievementId: course.code, externalId: `SMOKE-${i}` }));
  const submitted = await call('/api/v1/batches?deliver=true', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: { rows } });
  check(submitted.status === 202, 'a cohort batch is accepted', submitted.payload);
  let batch;
  for (const deadline = Date.now() + 60_000; ; await sleep(250)) {
    batch = (await call(`/api/v1/batches/${submitted.payload.batchId}`, { headers: { authorization: `Bearer ${token}` } })).payload;
    if (!['queued', 'running'].includes(batch.state) && batch.deliveries?.queued === 0) break;
    if (Date.now() > deadline) throw new Error(`the batch did not finish in 60 s: ${JSON.stringify(batch)}`);
  }
  check(batch.state === 'completed' && batch.totals.issued === rows.length && batch.deliveries.sent === rows.length, 'the batch issued every row and e-mailed every learner', batch);
  const results = (await call(`/api/v1/batches/${submitted.payload.batchId}/results`, { headers: { authorization: `Bearer ${token}` } })).payload.items;
  const signedInThread = await call(results[1].url.replace(/^https?:\/\/[^/]+/, ''), { headers: { accept: 'application/json' } });
  const batchVerified = await call('/credentials/verify', { method: 'POST', body: { verifiableCredential: signedInThread.payload } });
  check(batchVerified.status === 200 && batchVerified.payload.verified === true, 'a credential the batch signed verifies', batchVerified.payload);
  console.error('smoke test passed');
} catch (error) {
  console.error(`smoke test FAILED: ${error.message}`);
  process.exit(1);
}
