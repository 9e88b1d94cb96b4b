/**
 * The cohort run of `npm run bench`: a CSV of BENCH_BATCH_ROWS learners (default 10,000) uploaded end to end —
 * from the upload until every credential is stored, then until every e-mail is in the outbox — on the
 * in-process queue over the embedded database (kept on disk, as `npm start` keeps it), against the stock library
 * issuing credentials one after another in the same run (timed before the batch and again after its e-mails, so
 * that a change of the machine's load during the run shows instead of skewing the ratio). While the batch runs,
 * single issuances are timed (single issuance must stay responsive), the process's RSS is sampled (what the batch
 * adds to it is what the batch costs), and the main thread's CPU time is counted. Then a smaller batch runs under
 * the CPU profiler: where the main thread's time per credential goes.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '../src/app.js';
import { type Profile, printProfiles, profileRequests } from './profile.js';

export interface BatchBenchResult {
  rows: number;
  storedSeconds: number;
  mailedSeconds: number;
  credentialsPerSecond: number;
  stockPerSecond: number;
  stockBeforePerSecond: number;
  stockAfterPerSecond: number;
  rssBeforeMb: number;
  peakRssMb: number;
  singleIssueP99Ms: number;
  singleIssueCount: number;
  /** the main thread's CPU time from the upload until every credential was stored, per credential */
  mainThreadCpuMsPerRow: number;
  /** the same for every thread of the process (signing threads, the garbage collector's, the compiler's) */
  processCpuMsPerRow: number;
  /** the main thread's time per credential of the profiled batch, by bucket */
  profile: Profile;
}

// The stock path's sample at each end of the run (a full 10,000 would repeat the same measurement for minutes).
const STOCK_SAMPLE = 250;
const PROFILED_ROWS = Number(process.env.BENCH_BATCH_PROFILE_ROWS ?? 2_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A CSV as a centre would upload it: names in the four languages, e-mails, the course by its code, learner ids. */
function cohortCsv(rows: number, courseCode: string, prefix: string): Buffer {
  const names = ['أمينة السيد', 'Éloïse Dubois', '王小明', 'Kwame Mensah'];
  const lines = ['name,email,course,externalId'];
  for (let i = 0; i < rows; i++) lines.push(`${names[i % names.length]} ${i},learner${i}@example.org,${courseCode},${prefix}-${i}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

function multipart(file: Buffer): { payload: Buffer; contentType: string } {
  const boundary = '----iioe-bench';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cohort.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  return { payload: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Credentials per second of `issue` called one after another `count` times. */
async function sequentialRate(issue: (i: number) => Promise<unknown>, from: number, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await issue(from + i);
  return (count * 1000) / (performance.now() - started);
}

const cpuMs = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1000;

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
  const auth = { authorization: `Bearer ${token}` };
  /** Uploads `count` rows with delivery; resolves when every credential is stored. */
  const issueCohort = async (count: number, prefix: string) => {
    const { payload, contentType } = multipart(cohortCsv(count, courseCode, prefix));
    const submitted = await app.inject({ method: 'POST', url: '/api/v1/batches?deliver=true', headers: { ...auth, 'content-type': contentType }, payload });
    if (submitted.statusCode !== 202) throw new Error(`batch refused: ${submitted.statusCode} ${submitted.body.slice(0, 300)}`);
    const batchId = submitted.json().batchId as string;
    for (;;) {
      const batch = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batchId}`, headers: auth })).json();
      if (batch.state !== 'queued' && batch.state !== 'running') {
        if (batch.state !== 'completed' || batch.totals.issued !== count) throw new Error(`batch ended ${batch.state}: ${JSON.stringify(batch.totals)}`);
        return;
      }
      await sleep(250);
    }
  };
  const mailedCount = async () => (await readdir(outbox).catch(() => [])).filter((name) => name.endsWith('.eml')).length;
  const allMailed = async (count: number) => {
    while ((await mailedCount()) < count) await sleep(500);
  };

  // The stock reference, warmed first (the batch's code is warm too: the process has issued before).
  for (let i = 0; i < 100; i++) await stockIssue(900_000 + i);
  const stockBeforePerSecond = await sequentialRate(stockIssue, 1_000_000, STOCK_SAMPLE);

  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  // Single issuances, one after another with a pause, for as long as the batch runs.
  const singles: number[] = [];
  let stored = false;
  const started = performance.now();
  const mainCpu = process.threadCpuUsage();
  const processCpu = process.cpuUsage();
  const cohort = issueCohort(rows, 'BENCH');
  const issuing = (async () => {
    for (let i = 0; !stored; i++) {
      const t0 = performance.now();
      await issueHttp(2_000_000 + i);
      singles.push(performance.now() - t0);
      await sleep(50);
    }
  })();
  await cohort;
  const storedSeconds = (performance.now() - started) / 1000;
  const mainThreadCpuMsPerRow = cpuMs(process.threadCpuUsage(mainCpu)) / rows;
  const processCpuMsPerRow = cpuMs(process.cpuUsage(processCpu)) / rows;
  stored = true;
  await issuing;
  await allMailed(rows);
  const mailedSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const stockAfterPerSecond = await sequentialRate(stockIssue, 1_100_000, STOCK_SAMPLE);
  // the harmonic mean: the rate of the two samples taken together
  const stockPerSecond = 2 / (1 / stockBeforePerSecond + 1 / stockAfterPerSecond);

  const profiled = await profileRequests({ name: 'per credential', requests: 1, run: () => issueCohort(PROFILED_ROWS, 'PROFILED') });
  await allMailed(rows + PROFILED_ROWS);
  singles.sort((a, b) => a - b);
  return {
    rows,
    storedSeconds,
    mailedSeconds,
    credentialsPerSecond: rows / storedSeconds,
    stockPerSecond,
    stockBeforePerSecond,
    stockAfterPerSecond,
    rssBeforeMb: rssBefore / 1024 / 1024,
    peakRssMb: peakRss / 1024 / 1024,
    singleIssueP99Ms: singles[Math.min(singles.length - 1, Math.floor(0.99 * singles.length))] ?? Number.NaN,
    singleIssueCount: singles.length,
    mainThreadCpuMsPerRow,
    processCpuMsPerRow,
    profile: perRow(profiled, PROFILED_ROWS),
  };
}

/** A profile of one batch as time per credential. */
function perRow(profile: Profile, rows: number): Profile {
  return {
    ...profile,
    requests: rows,
    msPerRequest: profile.msPerRequest / rows,
    buckets: new Map([...profile.buckets].map(([bucket, ms]) => [bucket, ms / rows])),
    largestOther: profile.largestOther.map(({ culprit, ms }) => ({ culprit, ms: ms / rows })),
  };
}

export function printBatch(result: BatchBenchResult) {
  const ratio = result.credentialsPerSecond / result.stockPerSecond;
  console.log(`\nCohort batch (${result.rows.toLocaleString('en')} CSV rows, in-process queue on the embedded database, e-mail to the outbox)`);
  console.log(`  all credentials stored ${result.storedSeconds.toFixed(1)} s after the upload began: ${result.credentialsPerSecond.toFixed(0)} credentials/s`);
  console.log(
    `  stock @digitalbazaar/vc issue, sequential, same run: ${result.stockPerSecond.toFixed(0)} credentials/s (${result.stockBeforePerSecond.toFixed(0)} before the batch, ${result.stockAfterPerSecond.toFixed(0)} after it)`,
  );
  console.log(`  ${result.rows.toLocaleString('en')}-row batch end to end ÷ stock sequential: ${ratio.toFixed(2)}x (target ≥ 15x)`);
  console.log(`  every e-mail in the outbox after ${result.mailedSeconds.toFixed(1)} s`);
  console.log(
    `  CPU per credential while the batch ran: main thread ${result.mainThreadCpuMsPerRow.toFixed(2)} ms (the embedded database runs on it), all threads ${result.processCpuMsPerRow.toFixed(2)} ms`,
  );
  console.log(`  memory: the batch raised the process's RSS by ${(result.peakRssMb - result.rssBeforeMb).toFixed(0)} MB (limit 300 MB), from ${result.rssBeforeMb.toFixed(0)} MB before the upload to a peak of ${result.peakRssMb.toFixed(0)} MB`);
  console.log(`  POST /api/v1/credentials while the batch ran: p99 ${result.singleIssueP99Ms.toFixed(1)} ms over ${result.singleIssueCount} requests`);
  printProfiles(`Where the main thread's time goes in a ${result.profile.requests.toLocaleString('en')}-row batch (the same upload under the CPU profiler), ms per credential`, [result.profile]);
}

export const outboxOf = (keysDir: string) => join(keysDir, 'outbox');
