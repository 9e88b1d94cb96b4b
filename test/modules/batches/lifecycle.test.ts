import { parse } from 'csv-parse/sync';
import { count, like } from 'drizzle-orm';
import t from 'tap';
import { credentials } from '../../../src/db/schema/index.js';
import { build, createCentreWithClient, demoToken, firstAchievementId } from '../../helper.js';
import { eventually, waitForBatch } from '../../support/batches.js';

// A batch after its upload: cancelled while it runs (what was issued stays valid, the rest is never issued),
// audited, its results as CSV (formula-safe) and JSON, the list of batches page by page, and other centres kept out.

const testApp = await build(t);
const { app } = testApp;
const auth = { authorization: `Bearer ${await demoToken(testApp, 'credentials:issue credentials:read')}` };
const courseId = await firstAchievementId(app);

async function submit(rows: Record<string, string>[], query = '') {
  const response = await app.inject({ method: 'POST', url: `/api/v1/batches${query}`, headers: auth, payload: { rows } });
  if (response.statusCode !== 202) throw new Error(`submit: ${response.statusCode} ${response.body}`);
  return response.json().batchId as string;
}

const results = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results?format=json`, headers: auth })).json().items as Record<string, string | number | null>[];
const audit = async (action: string, id: string) =>
  (await app.inject({ method: 'GET', url: `/api/v1/audit?action=${action}&target=batch:${id}`, headers: auth })).json().items as { action: string; details: Record<string, unknown>; actorClientId: string }[];

t.test('a batch of a few hundred rows cancelled while it runs', async (t) => {
  const ROWS = 300;
  const rows = Array.from({ length: ROWS }, (_, i) => ({ name: `Cohort Learner ${i + 1}`, achievementId: 'genai-foundation', externalId: `CANCEL-${i + 1}` }));
  const id = await submit(rows);
  const running = await waitForBatch(app, auth, id, { done: (batch) => batch.totals.issued > 0 || batch.state !== 'queued' && batch.state !== 'running', timeoutMs: 30_000 });
  t.equal(running.state, 'running', 'caught while running');
  const cancel = await app.inject({ method: 'POST', url: `/api/v1/batches/${id}/cancel`, headers: auth });
  t.equal(cancel.statusCode, 200, cancel.body);
  t.equal(cancel.json().state, 'cancelled');
  t.ok(cancel.json().totals.cancelled > 0, `rows not yet issued are cancelled (${cancel.json().totals.cancelled})`);
  t.ok(cancel.json().finishedAt, 'and the batch has an end');

  // rows being signed at the moment of the cancel are not written afterwards: wait until nothing moves
  let last = '';
  const settled = await eventually(
    'the batch to stop moving',
    async () => (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: auth })).json(),
    (batch) => {
      const now = JSON.stringify(batch.totals);
      const still = now === last;
      last = now;
      return still;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: auth })).json();
  t.same(after.totals, settled.totals, 'nothing is issued after the cancel');
  t.equal(after.state, 'cancelled');
  t.equal(after.totals.pending, 0);
  t.equal(after.totals.issued + after.totals.cancelled, ROWS, 'every row is issued or cancelled');
  t.ok(after.totals.issued > 0 && after.totals.cancelled > 0);

  const items = await results(id);
  const issued = items.filter((item) => item.state === 'issued');
  t.equal(issued.length, after.totals.issued);
  t.ok(items.filter((item) => item.state === 'cancelled').every((item) => item.credentialId === null), 'cancelled rows have no credential');
  const [mine] = await app.ctx.db.select({ n: count() }).from(credentials).where(like(credentials.externalId, 'CANCEL-%'));
  t.equal(Number(mine!.n), issued.length, 'exactly the issued rows have credentials (none orphaned by the cancel)');
  for (const item of [issued[0]!, issued.at(-1)!]) {
    const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: item.credentialId } })).json();
    t.equal(report.verdict, 'valid', `issued row ${item.row} stays valid`);
  }

  const again = await app.inject({ method: 'POST', url: `/api/v1/batches/${id}/cancel`, headers: auth });
  t.equal(again.statusCode, 409, 'cancelling twice');
  t.match(again.json(), { type: /\/problems\/batch-finished$/, detail: /already been cancelled/ });

  const created = await audit('batch.created', id);
  t.equal(created.length, 1, 'batch.created is audited');
  t.match(created[0]!.details, { source: 'json', totalRows: ROWS, toIssue: ROWS });
  t.ok(created[0]!.actorClientId, 'with the client that uploaded it');
  const cancelled = await audit('batch.cancelled', id);
  t.equal(cancelled.length, 1, 'batch.cancelled is audited once (the refused second cancel is not)');
});

t.test('a finished batch cannot be cancelled; an unknown or malformed id is a 404', async (t) => {
  const id = await submit([{ name: 'Quick One', achievementId: 'genai-foundation' }]);
  t.equal((await waitForBatch(app, auth, id)).state, 'completed');
  const late = await app.inject({ method: 'POST', url: `/api/v1/batches/${id}/cancel`, headers: auth });
  t.equal(late.statusCode, 409);
  t.match(late.json().detail, /finished/);
  t.equal((await audit('batch.cancelled', id)).length, 0);
  for (const other of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', id.toUpperCase().replace(/.$/, 'X')]) {
    const response = await app.inject({ method: 'POST', url: `/api/v1/batches/${other}/cancel`, headers: auth });
    t.equal(response.statusCode, 404, other);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/batches/${id.toUpperCase()}`, headers: auth })).statusCode, 200, 'an id in capitals is the same batch');
});

t.test('results: CSV with a BOM, every formula-like cell neutralised; JSON as it was given', async (t) => {
  const hostile = ['=HYPERLINK("http://evil.example","x")', '+SUM(A1:A9)', '-2+3', '@SUM(1)'];
  const rows = [
    ...hostile.map((name, i) => ({ name, achievementId: 'genai-foundation', externalId: hostile[(i + 1) % hostile.length]! })),
    { name: 'Ahmed =Sayed', achievementId: 'genai-foundation', externalId: 'plain, "quoted"' },
    { name: 'Mona Zaki', achievementId: '=cmd|"/c calc"!A1' },
  ];
  const id = await submit(rows, '?skipInvalidRows=true');
  const batch = await waitForBatch(app, auth, id);
  t.equal(batch.state, 'completed-with-errors');

  const csv = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results?format=csv`, headers: auth });
  t.equal(csv.statusCode, 200);
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  t.match(csv.headers['content-disposition'], `attachment; filename="batch-${id}-results.csv"`);
  t.ok(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'starts with the UTF-8 BOM (Excel reads it as UTF-8)');
  const table = parse(csv.body.slice(1), { relaxColumnCount: false }) as string[][];
  t.same(table[0], ['row', 'state', 'name', 'externalId', 'credentialId', 'url', 'shortCode', 'deliveryState', 'errorCode', 'error']);
  t.equal(table.length, rows.length + 1);
  for (const cells of table.slice(1)) {
    for (const cell of cells) t.notOk(/^[=+\-@\t\r]/.test(cell), `no cell starts a formula: ${cell}`);
  }
  t.same(table.slice(1, 5).map((cells) => cells[2]), hostile.map((name) => `'${name}`), 'names prefixed with an apostrophe');
  t.same(table.slice(1, 5).map((cells) => cells[3]), hostile.map((_, i) => `'${hostile[(i + 1) % hostile.length]}`), 'learner ids too');
  t.equal(table[5]![2], 'Ahmed =Sayed', 'a sign inside a cell is left alone');
  t.equal(table[5]![3], 'plain, "quoted"', 'commas and quotes survive the round trip');
  t.equal(table[6]![1], 'failed');
  t.equal(table[6]![8], 'unknown-course', 'the failed row has its code');
  t.match(table[6]![9], /No course has the id or code/, 'and says why');

  const json = await results(id);
  t.same(json.slice(0, 4).map((item) => item.name), hostile, 'JSON carries the values as given (no prefix)');
  t.same(Object.keys(json[0]!), ['row', 'state', 'name', 'externalId', 'credentialId', 'url', 'shortCode', 'deliveryState', 'errorCode', 'error']);
  t.match(json[0], { row: 1, state: 'issued', url: `http://localhost:3000/credentials/${json[0]!.credentialId}`, deliveryState: null, errorCode: null, error: null });
  t.match(json[0]!.shortCode, /^[A-Z0-9]+(-[A-Z0-9]+)+$/);
  const byAccept = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results`, headers: { ...auth, accept: 'text/csv' } });
  t.equal(byAccept.body, csv.body, 'Accept: text/csv gives the CSV');
  const byDefault = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results`, headers: auth });
  t.same(byDefault.json().items, json, 'JSON by default');
  // a row's error in the reader's language, from its stored code and params
  const inFrench = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results`, headers: { ...auth, 'accept-language': 'fr-FR,fr;q=0.9' } });
  const failedRow = (items: { row: number; errorCode: string | null; error: string | null }[]) => items.find((item) => item.row === 6)!;
  t.match(failedRow(inFrench.json().items), { errorCode: 'unknown-course', error: /^Aucun cours n'a/ });
  const inArabic = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results?lang=ar`, headers: { ...auth, 'accept-language': 'fr' } });
  t.match(failedRow(inArabic.json().items), { errorCode: 'unknown-course', error: /مقرر/ }, '?lang wins over Accept-Language');
  const badFormat = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results?format=xlsx`, headers: auth });
  t.equal(badFormat.statusCode, 400);
});

t.test('GET /api/v1/batches pages newest first with limit and cursor', async (t) => {
  for (let i = 0; i < 3; i++) await submit([{ name: `Page Learner ${i}`, achievementId: 'genai-foundation' }]);
  const all = (await app.inject({ method: 'GET', url: '/api/v1/batches?limit=100', headers: auth })).json();
  t.equal(all.nextCursor, null);
  t.ok(all.items.length >= 6);
  const created = all.items.map((item: { createdAt: string }) => item.createdAt);
  t.same(created, [...created].sort().reverse(), 'newest first');
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = (
      await app.inject({ method: 'GET', url: `/api/v1/batches?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: auth })
    ).json();
    t.ok(page.items.length <= 2);
    seen.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  t.same(seen, all.items.map((item: { id: string }) => item.id), 'the pages together are the whole list, in order, each batch once');
  t.equal(pages, Math.ceil(all.items.length / 2));
  for (const query of ['limit=0', 'limit=101', 'limit=two', 'cursor=not-a-cursor']) {
    const response = await app.inject({ method: 'GET', url: `/api/v1/batches?${query}`, headers: auth });
    t.equal(response.statusCode, 400, query);
    t.match(response.json().errors[0].path, /querystring\.(limit|cursor)/);
  }
  const readOnly = await demoToken(testApp, 'credentials:read');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/batches?limit=1', headers: { authorization: `Bearer ${readOnly}` } })).statusCode, 200, 'credentials:read may list');
});

t.test('a batch of another centre is a 404 everywhere, and cannot be cancelled', async (t) => {
  const other = await createCentreWithClient(testApp, { slug: 'other-lifecycle', scopes: ['credentials:issue', 'credentials:read'] });
  const theirs = { authorization: `Bearer ${other.token}` };
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches', headers: theirs, payload: { rows: [{ name: 'Their Learner', achievementId: courseId }, { name: 'Another', achievementId: courseId }] } });
  t.equal(response.statusCode, 202, response.body);
  const id = response.json().batchId;
  for (const [method, url] of [
    ['GET', `/api/v1/batches/${id}`],
    ['GET', `/api/v1/batches/${id}/results`],
    ['GET', `/api/v1/batches/${id}/results?format=csv`],
    ['POST', `/api/v1/batches/${id}/cancel`],
  ] as const) {
    const peek = await app.inject({ method, url, headers: auth });
    t.equal(peek.statusCode, 404, `${method} ${url}`);
    t.notMatch(peek.body, /Their Learner/);
  }
  t.notOk((await app.inject({ method: 'GET', url: '/api/v1/batches?limit=100', headers: auth })).json().items.some((item: { id: string }) => item.id === id), 'not in the list');
  const state = (await waitForBatch(app, theirs, id)).state;
  t.equal(state, 'completed', 'their batch went on untouched');
  const audited = (await app.inject({ method: 'GET', url: `/api/v1/audit?target=batch:${id}`, headers: auth })).json().items;
  t.same(audited, [], 'nor is their audit trail ours to read');
});
