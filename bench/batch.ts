/**
 * The cohort run of `npm run bench`: a CSV of BENCH_BATCH_ROWS learners (default 10,000) uploaded end to end —
 * every credential stored, then every e-mail written to the outbox — on the in-process queue over the embedded
 * database (kept on disk, as `npm start` keeps it), against the stock library issuing the same number
 * sequentially in the same run. While the batch runs, single issuances are timed (single issuance must stay
 * responsive), and the process's RSS is sampled: what the batch adds to it is what the batch costs.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '../src/app.js';

export interface BatchBenchResult {
  rows: number;
  storedSeconds: number;
  mailedSeconds: number;
  credentialsPerSecond: number;
  stockPerSecond: number;
  rssBeforeMb: number;
  peakRssMb: number;
  singleIssueP99Ms: number;
  singleIssueCount: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A CSV as a centre would upload it: names in the four languages, e-mails, the course by its code, learner ids. */
function cohortCsv(rows: number, courseCode: string): Buffer {
  const names = ['أمينة السيد', 'Éloïse Dubois', '王小明', 'Kwame Mensah'];
  const lines = ['name,email,course,externalId'];
  for (let i = 0; i < rows; i++) lines.push(`${names[i % names.length]} ${i},learner${i}@example.org,${courseCode},BENCH-${i}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

function multipart(file: Buffer): { payload: Buffer; contentType: string } {
  const boundary = '----iioe-bench';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cohort.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  return { payload: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function benchBatch({
  app,
  token,
  courseCode,
  outbox,
  rows,
  stockIssue,
  issueHttp,
}: {
  app: App;
  token: string;
  courseCode: string;
  outbox: string;
  rows: number;
  stockIssue: (i: number) => Promise<unknown>;
  issueHttp: (i: number) => Promise<unknown>;
}): Promise<BatchBenchResult> {
  // The stock reference: the library issuing the same number of credentials one after another (a sample of
  // them, scaled: a full 10,000 would only repeat the same measurement for a minute).
  const stockSample = Math.min(rows, 500);
  // warmed first: the batch's signing threads are timed warm too (their first rows are in the run, but few)
  for (let i = 0; i < 100; i++) await stockIssue(900_000 + i);
  const stockStart = performance.now();
  for (let i = 0; i < stockSample; i++) await stockIssue(1_000_000 + i);
  const stockPerSecond = (stockSample * 1000) / (performance.now() - stockStart);

  const auth = { authorization: `Bearer ${token}` };
  const { payload, contentType } = multipart(cohortCsv(rows, courseCode));
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const started = performance.now();
  const submitted = await app.inject({ method: 'POST', url: '/api/v1/batches?deliver=true', headers: { ...auth, 'content-type': contentType }, payload });
  if (submitted.statusCode !== 202) throw new Error(`batch refused: ${submitted.statusCode} ${submitted.body.slice(0, 300)}`);
  const batchId = submitted.json().batchId as string;

  // Single issuances, one after another, for as long as the batch runs.
  const singles: number[] = [];
  let stored = false;
  const singleLoop = (async () => {
    for (let i = 0; !stored; i++) {
      const t0 = performance.now();
      await issueHttp(2_000_000 + i);
      singles.push(performance.now() - t0);
      await sleep(50);
    }
  })();
  let storedSeconds = 0;
  for (;;) {
    const batch = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batchId}`, headers: auth })).json();
    if (batch.state !== 'queued' && batch.state !== 'running') {
      if (batch.state !== 'completed' || batch.totals.issued !== rows) throw new Error(`batch ended ${batch.state}: ${JSON.stringify(batch.totals)}`);
      storedSeconds = (performance.now() - started) / 1000;
      break;
    }
    await sleep(250);
  }
  stored = true;
  await singleLoop;
  for (;;) {
    const mailed = (await readdir(outbox).catch(() => [])).filter((name) => name.endsWith('.eml')).length;
    if (mailed >= rows) break;
    await sleep(500);
  }
  const mailedSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  singles.sort((a, b) => a - b);
  return {
    rows,
    storedSeconds,
    mailedSeconds,
    credentialsPerSecond: rows / storedSeconds,
    stockPerSecond,
    rssBeforeMb: rssBefore / 1024 / 1024,
    peakRssMb: peakRss / 1024 / 1024,
    singleIssueP99Ms: singles[Math.min(singles.length - 1, Math.floor(0.99 * singles.length))] ?? Number.NaN,
    singleIssueCount: singles.length,
  };
}

export function printBatch(result: BatchBenchResult) {
  console.log(`\nCohort batch (${result.rows.toLocaleString('en')} CSV rows, in-process queue on the embedded database, e-mail to the outbox)`);
  console.log(`  all credentials stored in ${result.storedSeconds.toFixed(1)} s: ${result.credentialsPerSecond.toFixed(0)} credentials/s`);
  console.log(`  stock @digitalbazaar/vc issue, sequential, same run: ${result.stockPerSecond.toFixed(0)} credentials/s`);
  console.log(`  ratio batch / stock sequential: ${(result.credentialsPerSecond / result.stockPerSecond).toFixed(2)}x (target ≥ 1.5x)`);
  console.log(`  every e-mail in the outbox after ${result.mailedSeconds.toFixed(1)} s`);
  console.log(`  memory: the batch raised the process's RSS by ${(result.peakRssMb - result.rssBeforeMb).toFixed(0)} MB (limit 300 MB), from ${result.rssBeforeMb.toFixed(0)} MB before the upload to a peak of ${result.peakRssMb.toFixed(0)} MB`);
  console.log(`  POST /api/v1/credentials while the batch ran: p99 ${result.singleIssueP99Ms.toFixed(1)} ms over ${result.singleIssueCount} requests`);
}

export const outboxOf = (keysDir: string) => join(keysDir, 'outbox');
