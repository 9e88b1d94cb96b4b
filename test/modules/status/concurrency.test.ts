// Status-entry allocation is safe with several service processes on one database (issue 5, DESIGN.md §3
// "Scaling past one machine"): two service instances, each with its own in-process view of the free entries,
// issue at the same time for the same two centres, and afterwards the database holds every credential that
// was answered 201 (and no other), no (list, index) pair twice, documents whose credentialStatus is their
// row's entry, and lists whose `allocated` counts exactly their credentials.
//
// On PostgreSQL (DATABASE_URL) the second instance is another OS process (test/support/concurrent-issuer.ts)
// with its own connection pool, 2,400 credentials in all. On PGlite there is one connection, so the second
// instance is a second app on the same database object: separate allocators, 400 credentials.
//
// Two replicas' random picks in a list of 131,072 entries collide only a few times per thousand credentials,
// so this instance also hands out, for a tenth of its attempts, an entry the other instance has just handed
// out (still being signed and written there, or already stored): the refusal-and-retry path runs many times.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sql, type SQL } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { buildApp } from '../../../src/app.js';
import type { Db } from '../../../src/db/client.js';
import { findCentreBySlug } from '../../../src/modules/centres/repository.js';
import { statusListUrl } from '../../../src/modules/status/service.js';
import { BASE_URL, build, createCentreWithClient, firstAchievementId, type TestApp } from '../../helper.js';
import { type AllocatorCounters, instrumentAllocator, type IssuerClient, type IssueResult, issueMany, tokenOf } from '../../support/concurrent-issuer.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const PER_INSTANCE = onPostgres ? 1200 : 200;
const IN_FLIGHT = onPostgres ? 12 : 8;
/** the share of this instance's attempts given an entry the other instance has just handed out */
const STEAL_SHARE = 0.1;
/** the other process must be done by then (the whole file is meant to take well under 90 s) */
const CHILD_LIMIT_MS = 100_000;

interface InstanceRun {
  label: string;
  results: IssueResult[];
  counters: AllocatorCounters;
  startedAt: number;
  finishedAt: number;
}

async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The two centres both instances issue for: the demo centre and a new one (whose first list they race to start). */
async function issuers(testApp: TestApp): Promise<IssuerClient[]> {
  const demo = await findCentreBySlug(testApp.app.ctx.db, testApp.demoClient.centre);
  const other = await createCentreWithClient(testApp, { slug: 'race' });
  return [
    { centreId: demo!.id, clientId: testApp.demoClient.client_id, clientSecret: testApp.demoClient.client_secret },
    { centreId: other.centre.id, clientId: other.clientId, clientSecret: other.clientSecret },
  ];
}

/** Runs this process's instance: its allocator takes a share of its entries from `stealFrom`. */
async function runHere(
  app: TestApp['app'],
  { label, clients, achievementId, latest, stealFrom, ready }: { label: string; clients: IssuerClient[]; achievementId: string; latest: Map<string, { listId: string; index: number }>; stealFrom?: Map<string, { listId: string; index: number }>; ready?: Promise<void> },
): Promise<InstanceRun> {
  const counters = instrumentAllocator(app, {
    onSlot: (centreId, slot) => latest.set(centreId, { listId: slot.listId, index: slot.index }),
    ...(stealFrom ? { steal: { share: STEAL_SHARE, from: (centreId: string) => stealFrom.get(centreId) } } : {}),
  });
  const withTokens = await Promise.all(clients.map(async (client) => ({ ...client, token: await tokenOf(app, client) })));
  await ready;
  const results: IssueResult[] = [];
  const startedAt = Date.now();
  await issueMany(app, { clients: withTokens, achievementId, count: PER_INSTANCE, concurrency: IN_FLIGHT, label, onResult: (result) => results.push(result) });
  return { label, results, counters, startedAt, finishedAt: Date.now() };
}

/** The other service process: its own app and pool on the same PostgreSQL database. */
function runChild(t: Test, testApp: TestApp, { clients, achievementId, latest }: { clients: IssuerClient[]; achievementId: string; latest: Map<string, { listId: string; index: number }> }) {
  const { config } = testApp.app.ctx;
  if (config.database.kind !== 'postgres') throw new Error('the second process needs the PostgreSQL database');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/concurrent-issuer.ts'], {
    cwd: new URL('../../../', import.meta.url),
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ISSUER_CONFIG: JSON.stringify({
        databaseUrl: config.database.url,
        keysDir: testApp.keysDir,
        masterKey: testApp.masterKey,
        publicBaseUrl: config.publicBaseUrl,
        clients,
        achievementId,
        count: PER_INSTANCE,
        concurrency: IN_FLIGHT,
      }),
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
  t.teardown(() => {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const results: IssueResult[] = [];
  let done: { refused: number; reserved: number; startedAt: number; finishedAt: number } | undefined;
  let markReady: () => void;
  let failReady: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failReady = reject)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line);
    if (message.kind === 'slot') latest.set(message.centreId, { listId: message.listId, index: message.index });
    else if (message.kind === 'result') results.push(message);
    else if (message.kind === 'ready') markReady();
    else if (message.kind === 'done') done = message;
  });
  const exited = new Promise<InstanceRun>((resolve, reject) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      failReady(new Error(`the second process ended before it was ready (${code ?? signal}): ${stderr}`));
      if (code !== 0 || !done) return reject(new Error(`the second process failed (${code ?? signal}): ${stderr}`));
      resolve({ label: 'other process', results, counters: { reserved: done.reserved, refused: done.refused, stolen: 0 }, startedAt: done.startedAt, finishedAt: done.finishedAt });
    });
  });
  exited.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled meanwhile
  return { ready, go: () => child.stdin.end('go\n'), exited };
}

t.test('two service instances issuing at once: no lost credential, no entry twice, exact counts', async (t) => {
  const began = Date.now();
  const testApp = await build(t);
  const { app } = testApp;
  const db = app.ctx.db;
  const clients = await issuers(testApp);
  const achievementId = await firstAchievementId(app);
  const hereLatest = new Map<string, { listId: string; index: number }>();
  const otherLatest = new Map<string, { listId: string; index: number }>();

  let runs: InstanceRun[];
  if (onPostgres) {
    const child = runChild(t, testApp, { clients, achievementId, latest: otherLatest });
    const here = runHere(app, { label: 'this process', clients, achievementId, latest: hereLatest, stealFrom: otherLatest, ready: child.ready.then(() => void child.go()) });
    runs = await Promise.all([here, child.exited]);
  } else {
    // PGlite has one connection: the second app shares the database object but has its own allocator
    const secondApp = await buildApp({ config: { ...app.ctx.config, masterKey: testApp.masterKey, demo: false }, database: testApp.database, logger: false });
    t.teardown(() => secondApp.close());
    await secondApp.ready();
    runs = await Promise.all([
      runHere(app, { label: 'first app', clients, achievementId, latest: hereLatest, stealFrom: otherLatest }),
      runHere(secondApp, { label: 'second app', clients, achievementId, latest: otherLatest }),
    ]);
  }
  const issuing = Date.now();

  // ---- what the instances were told ---------------------------------------------------------------------------
  const results = runs.flatMap((run) => run.results);
  const failures = results.filter((result) => result.status !== 201);
  t.equal(results.length, 2 * PER_INSTANCE, 'every request was answered');
  t.same(failures.slice(0, 5), [], `every issuance was answered 201 (${failures.length} were not)`);
  const created = results.filter((result) => result.status === 201);
  t.ok(created.length >= (onPostgres ? 2000 : 400), `${created.length} credentials issued`);
  const [first, second] = runs as [InstanceRun, InstanceRun];
  const overlap = Math.min(first.finishedAt, second.finishedAt) - Math.max(first.startedAt, second.startedAt);
  const shorter = Math.min(first.finishedAt - first.startedAt, second.finishedAt - second.startedAt);
  t.ok(overlap > 0.5 * shorter, `the instances issued at the same time (overlap ${overlap} ms of ${shorter} ms)`);

  // ---- what the database holds ------------------------------------------------------------------------------
  type Row = { id: string; centre_id: string; list_centre_id: string | null; status_list_id: string | null; status_list_index: number | null; document: string };
  const stored = await rows<Row>(
    db,
    sql`select c.id, c.centre_id, l.centre_id as list_centre_id, c.status_list_id, c.status_list_index, c.document
        from credentials c left join status_lists l on l.id = c.status_list_id`,
  );
  const byId = new Map(stored.map((row) => [row.id, row]));
  const lost = created.filter((result) => !byId.has(result.id!));
  t.same(lost.map((result) => result.id), [], 'no credential answered 201 is missing from the database');
  t.equal(stored.length, created.length, 'the database holds as many credentials as were answered 201');
  t.equal(new Set(created.map((result) => result.id)).size, created.length, 'no id was answered twice');

  const duplicates = await rows<{ status_list_id: string; status_list_index: number; n: number }>(
    db,
    sql`select status_list_id, status_list_index, count(*)::int as n from credentials
        group by status_list_id, status_list_index having count(*) > 1`,
  );
  t.same(duplicates, [], 'no (status_list_id, status_list_index) pair is held twice');
  t.same(stored.filter((row) => row.status_list_id === null || row.status_list_index === null).map((row) => row.id), [], 'every credential holds an entry');

  const mismatched: string[] = [];
  for (const row of stored) {
    const status = JSON.parse(row.document).credentialStatus;
    const listUrl = statusListUrl(BASE_URL, row.status_list_id!);
    const expected = { id: `${listUrl}#${row.status_list_index}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(row.status_list_index), statusListCredential: listUrl };
    if (JSON.stringify(status) !== JSON.stringify(expected)) mismatched.push(`${row.id}: document ${JSON.stringify(status)}, row ${row.status_list_id}#${row.status_list_index}`);
    if (row.list_centre_id !== row.centre_id) mismatched.push(`${row.id}: an entry of another centre's list`);
  }
  for (const result of created) {
    const row = byId.get(result.id!);
    if (row && (row.status_list_id !== result.listId || row.status_list_index !== result.index || row.centre_id !== result.centreId)) {
      mismatched.push(`${result.id}: answered ${result.listId}#${result.index}, stored ${row.status_list_id}#${row.status_list_index}`);
    }
  }
  t.same(mismatched.slice(0, 5), [], `every stored credentialStatus is its row's entry, and the one answered (${mismatched.length} mismatches)`);

  const lists = await rows<{ id: string; centre_id: string; sequence: number; allocated: number; held: number }>(
    db,
    sql`select l.id, l.centre_id, l.sequence, l.allocated, count(c.id)::int as held
        from status_lists l left join credentials c on c.status_list_id = l.id
        group by l.id, l.centre_id, l.sequence, l.allocated order by l.centre_id, l.sequence`,
  );
  t.same(lists.filter((list) => list.allocated !== list.held), [], 'every list counts exactly the credentials holding its entries');
  t.same(
    lists.map((list) => ({ centre: list.centre_id, sequence: list.sequence })).sort((a, b) => a.centre.localeCompare(b.centre)),
    clients.map((client) => ({ centre: client.centreId, sequence: 1 })).sort((a, b) => a.centre.localeCompare(b.centre)),
    'both instances started and filled one list per centre (the race to start it made one list)',
  );

  const audit = await rows<{ credential_id: string | null; n: number }>(
    db,
    sql`select credential_id, count(*)::int as n from audit_events where action = 'credential.issued' group by credential_id`,
  );
  t.same(audit.filter((event) => event.n !== 1 || !byId.has(event.credential_id ?? '')), [], 'one issuance audit event per stored credential, none for another');
  t.equal(audit.length, stored.length, 'every stored credential has its audit event');

  // ---- the conflict path ran ----------------------------------------------------------------------------------
  const refused = runs.reduce((sum, run) => sum + run.counters.refused, 0);
  const stolen = runs.reduce((sum, run) => sum + run.counters.stolen, 0);
  t.ok(stolen > 0 && refused > 0, 'entries taken by the other instance were refused and retried with new ones');
  t.comment(
    `${onPostgres ? 'PostgreSQL, two processes' : 'PGlite, two apps'}: ${created.length} credentials in ${issuing - began} ms ` +
      `(issuing ${Math.max(first.finishedAt, second.finishedAt) - Math.min(first.startedAt, second.startedAt)} ms, checks ${Date.now() - issuing} ms); ` +
      runs.map((run) => `${run.label}: ${run.results.length} issued, ${run.counters.reserved} entries handed out, ${run.counters.stolen} reused from the other, ${run.counters.refused} refused`).join('; '),
  );
});
