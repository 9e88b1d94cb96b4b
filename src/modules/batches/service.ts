import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { isLanguage, type Language } from '../../lib/i18n.js';
import { isUuid } from '../../lib/ids.js';
import { findInputFlaw } from '../../lib/input-limits.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { toCsv } from '../../lib/safe-csv.js';
import { HttpProblem, notFound, conflict, problemType } from '../../lib/problem.js';
import type { DbOrTx } from '../../db/client.js';
import type { AppContext } from '../../plugins/context.js';
import type { Principal } from '../../plugins/auth.js';
import type { CredentialSigner } from '../../vc/signing-pool.js';
import { type CourseVersion, findCourseByIdOrCode } from '../achievements/service.js';
import { recordAction } from '../audit/service.js';
import { isAuthorisedAt } from '../authorisations/service.js';
import type { CentreRow } from '../centres/repository.js';
import { credentialUrl } from '../credentials/document.js';
import { ExternalIdTaken, issuingCentre, prepareIssuance, type PreparedIssuance, signAndStore, storeIssuances } from '../credentials/service.js';
import type { IssueCredentialInput } from '../credentials/schemas.js';
import { queueDeliveries } from '../delivery/service.js';
import { BATCH_COLUMNS } from './intake/columns.js';
import type { SheetReading } from './intake/read-sheet.js';
import { isRowIssueCode, type RowIssueCode, type RowIssueParams, rowIssueMessage } from './messages.js';
import * as repository from './repository.js';
import { findRepeats, judgeRow, type RawRow, type RowIssue, type ValidRow } from './rows.js';

/** A batch's rows as they arrived: read from a file, or given as JSON. */
export interface BatchSource {
  kind: 'csv' | 'xlsx' | 'json';
  fileName?: string;
  encoding?: string;
  unknownColumns: string[];
  rows: RawRow[];
}

export interface BatchOptions {
  /** the course of rows that name none: an id or a code */
  achievementId?: string;
  deliver: boolean;
  /** issue the valid rows even when others are invalid (those are recorded as failed) */
  skipInvalidRows: boolean;
}

/** The validation of every row: what would be issued, what is already issued, what is wrong and where. */
export async function checkRows({ ctx, centre, source, options }: { ctx: AppContext; centre: CentreRow; source: BatchSource; options: BatchOptions }) {
  const now = ctx.clock.now();
  const courses = new Map<string, Awaited<ReturnType<RowContextFinder>>>();
  const findCourse: RowContextFinder = async (value) => {
    if (!courses.has(value)) {
      const course = await findCourseByIdOrCode(ctx.db, value);
      const full = course ? await ctx.lookups.achievement(course.id) : undefined;
      courses.set(value, full ? { course: full, authorised: await isAuthorisedAt({ db: ctx.db, centreId: centre.id, achievementId: full.id, at: now }) } : undefined);
    }
    return courses.get(value);
  };
  const issues: RowIssue[] = [];
  const valid: ValidRow[] = [];
  for (const [at, row] of source.rows.entries()) {
    // a 10,000-row file takes a second or more to judge: other requests get their turns meanwhile
    if (at % ROWS_PER_TURN_OF_CHECKS === ROWS_PER_TURN_OF_CHECKS - 1) await setImmediate();
    // unreadable text (a lone surrogate, a NUL) is the row's problem, never a failure of the upload
    const flawed = BATCH_COLUMNS.find((column) => row.values[column] !== undefined && findInputFlaw(row.values[column], column));
    if (flawed) {
      issues.push({ row: row.rowNumber, column: flawed, code: 'forbidden-characters', severity: 'error', params: {} });
      continue;
    }
    const judged = await judgeRow(row, { centreLanguage: centre.defaultLanguage as Language, defaultCourse: options.achievementId, findCourse });
    issues.push(...judged.issues);
    if (judged.valid) valid.push(judged.valid);
  }
  const repeats = findRepeats(valid);
  issues.push(...repeats);
  const repeatedRows = new Set(repeats.filter((issue) => issue.severity === 'error').map((issue) => issue.row));
  const issuable = valid.filter((row) => !repeatedRows.has(row.rowNumber));
  const existing = await repository.existingByExternalId(
    ctx.db,
    centre.id,
    issuable.flatMap(({ input, course }) => (input.externalId ? [{ achievementId: course.id, externalId: input.externalId }] : [])),
  );
  const existingOf = (row: ValidRow) => (row.input.externalId ? existing.get(repository.externalIdKey(row.course.id, row.input.externalId)) : undefined);
  for (const row of issuable) if (existingOf(row)) issues.push({ row: row.rowNumber, column: 'externalId', code: 'already-issued', severity: 'warning', params: {} });
  issues.sort((a, b) => a.row - b.row);
  return { issues, issuable, existingOf, invalidRows: new Set(issues.filter((issue) => issue.severity === 'error').map((issue) => issue.row)) };
}
const ROWS_PER_TURN_OF_CHECKS = 250;
type RowContextFinder = (value: string) => Promise<{ course: ValidRow['course']; authorised: boolean } | undefined>;

/** The report a dry run answers (and a refused upload carries): counts and each issue in the reader's language. */
export function rowReport({ source, checked, language }: { source: BatchSource; checked: Awaited<ReturnType<typeof checkRows>>; language: Language }) {
  const alreadyIssued = checked.issuable.filter((row) => checked.existingOf(row)).length;
  return {
    format: source.kind,
    encoding: source.encoding ?? null,
    totalRows: source.rows.length,
    toIssue: checked.issuable.length - alreadyIssued,
    alreadyIssued,
    invalidRows: checked.invalidRows.size,
    unknownColumns: source.unknownColumns,
    issues: checked.issues.map((issue) => ({
      row: issue.row,
      column: issue.column,
      code: issue.code,
      severity: issue.severity,
      message: rowIssueMessage(issue.code, issue.params, language),
    })),
  };
}

/** The source of a read spreadsheet. */
export function sheetSource(reading: SheetReading, fileName?: string): BatchSource {
  return { kind: reading.format, fileName, encoding: reading.encoding, unknownColumns: reading.unknownColumns, rows: reading.rows };
}

// A job works this many rows. A killed worker loses no issued row whatever the size (each group commits on its
// own and the retried job issues only the pending rows); large jobs keep the queue's bookkeeping and each job's
// own reads (its batch, its rows, the finish check) small beside the rows, and a 10,000-row batch still has 20
// jobs to spread over several workers.
const ROWS_PER_JOB = 500;

/**
 * POST /api/v1/batches: validates every row, then (unless it is a dry run) stores the batch and its rows and
 * queues its jobs in one transaction. Rows already issued (same externalId and course) are recorded with the
 * credential they have; invalid rows refuse the whole upload unless `skipInvalidRows`, then they are recorded as failed.
 */
export async function submitBatch({
  ctx,
  principal,
  source,
  options,
  dryRun,
  language,
  claim,
}: {
  ctx: AppContext;
  principal: Principal;
  source: BatchSource;
  options: BatchOptions;
  dryRun: boolean;
  language: Language;
  /** a write that must succeed in the batch's transaction or nothing is queued (the console takes its upload) */
  claim?: (tx: DbOrTx, centre: CentreRow) => Promise<void>;
}) {
  const centre = await issuingCentre({ ctx, principal });
  const checked = await checkRows({ ctx, centre, source, options });
  const report = rowReport({ source, checked, language });
  if (dryRun) return { dryRun: true as const, report };
  if (checked.invalidRows.size > 0 && !options.skipInvalidRows) {
    throw new HttpProblem({
      status: 422,
      type: problemType('invalid-rows'),
      title: 'Unprocessable Content',
      detail: `${checked.invalidRows.size} of ${source.rows.length} rows cannot be issued; nothing was queued. Correct them (see report.issues) and upload again, or add ?skipInvalidRows=true to issue the others.`,
      extensions: { report },
    });
  }
  const defaultCourse = options.achievementId ? await findCourseByIdOrCode(ctx.db, options.achievementId) : undefined;
  const batchId = randomUUID();
  const issuableRows = new Map(checked.issuable.map((row) => [row.rowNumber, row]));
  const errorsByRow = new Map<number, RowIssue>();
  for (const issue of checked.issues) if (issue.severity === 'error' && !errorsByRow.has(issue.row)) errorsByRow.set(issue.row, issue);
  const rows = source.rows.map(({ rowNumber, values }) => {
    const valid = issuableRows.get(rowNumber);
    const error = errorsByRow.get(rowNumber);
    const existing = valid && checked.existingOf(valid);
    if (valid && !error) {
      return { batchId, rowNumber, input: valid.input as unknown as Record<string, unknown>, state: existing ? ('existing' as const) : ('pending' as const), credentialId: existing ?? null };
    }
    return {
      batchId,
      rowNumber,
      input: values as Record<string, unknown>,
      state: 'failed' as const,
      ...(error ? storedIssue(error) : { errorCode: 'invalid', errorMessage: null }),
    };
  });
  const pendingRowNumbers = rows.filter((row) => row.state === 'pending').map((row) => row.rowNumber);
  await ctx.db.transaction(async (tx) => {
    await claim?.(tx, centre);
    await repository.insertBatch(tx, {
      id: batchId,
      centreId: centre.id,
      createdByClientId: principal.clientUuid,
      createdByStaffId: principal.staffId,
      source: source.kind,
      fileName: source.fileName ?? null,
      defaultAchievementId: defaultCourse?.id ?? null,
      deliver: options.deliver,
      totalRows: rows.length,
      requestId: principal.requestId,
    });
    await repository.insertBatchRows(tx, rows);
    const jobs = [];
    for (let start = 0; start < pendingRowNumbers.length; start += ROWS_PER_JOB) {
      const part = pendingRowNumbers.slice(start, start + ROWS_PER_JOB);
      jobs.push({ data: { batchId, fromRow: part[0]!, toRow: part.at(-1)! } });
    }
    await ctx.jobs.send(tx, 'batch-rows', jobs);
    if (jobs.length === 0) await repository.finishIfDone(tx, batchId);
    await recordAction({
      db: tx,
      actor: principal,
      action: 'batch.created',
      centreId: centre.id,
      target: `batch:${batchId}`,
      details: { source: source.kind, totalRows: rows.length, toIssue: pendingRowNumbers.length, alreadyIssued: report.alreadyIssued, invalidRows: report.invalidRows, deliver: options.deliver },
    });
  });
  return { dryRun: false as const, batchId, report };
}

async function centreBatch(ctx: AppContext, principal: Principal, id: string) {
  const batch = isUuid(id) && principal.centreId ? await repository.findBatch(ctx.db, id.toLowerCase(), principal.centreId) : undefined;
  if (!batch) throw notFound(`No batch "${id}" belongs to this centre.`);
  return batch;
}

/**
 * E-mails again every credential of a batch whose latest e-mail failed (to the address on record now, which a
 * manager may have corrected on the credential); revoked ones are not sent. One audit event; how many were queued.
 */
export async function resendFailedDeliveries({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }): Promise<number> {
  const batch = await centreBatch(ctx, principal, id);
  return ctx.db.transaction(async (tx) => {
    const recipients = await repository.failedDeliveries(tx, batch.id);
    if (recipients.length === 0) return 0;
    await queueDeliveries(tx, { jobs: ctx.jobs, centreId: batch.centreId, requestedByClientId: principal.clientUuid, recipients });
    await recordAction({ db: tx, actor: principal, action: 'batch.delivery-requested', centreId: batch.centreId, target: `batch:${batch.id}`, details: { count: recipients.length } });
    return recipients.length;
  });
}

/** GET /api/v1/batches/:id: state, totals and progress. */
export async function getBatch({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }) {
  return batchView(ctx, await centreBatch(ctx, principal, id));
}

async function batchView(ctx: AppContext, batch: repository.BatchRow) {
  const rows = await repository.countRowsByState(ctx.db, batch.id);
  const deliveries = batch.deliver ? await repository.countDeliveriesByState(ctx.db, batch.id) : {};
  const done = batch.totalRows - (rows.pending ?? 0);
  return {
    id: batch.id,
    state: batch.state,
    source: batch.source,
    fileName: batch.fileName,
    deliver: batch.deliver,
    createdAt: batch.createdAt.toISOString(),
    startedAt: batch.startedAt?.toISOString() ?? null,
    finishedAt: batch.finishedAt?.toISOString() ?? null,
    totals: {
      rows: batch.totalRows,
      pending: rows.pending ?? 0,
      issued: rows.issued ?? 0,
      alreadyIssued: rows.existing ?? 0,
      failed: rows.failed ?? 0,
      cancelled: rows.cancelled ?? 0,
    },
    progress: batch.totalRows === 0 ? 1 : Math.round((done / batch.totalRows) * 1000) / 1000,
    deliveries: { queued: deliveries.queued ?? 0, sent: deliveries.sent ?? 0, failed: deliveries.failed ?? 0 },
    links: { self: `/api/v1/batches/${batch.id}`, results: `/api/v1/batches/${batch.id}/results` },
  };
}

/** GET /api/v1/batches: the centre's batches, newest first. */
export async function listBatches({ ctx, principal, limit, cursor }: { ctx: AppContext; principal: Principal; limit: number; cursor?: string }) {
  const page = toPage(await repository.listBatches(ctx.db, { centreId: batchCentreId(principal), limit, after: decodeCursor(cursor) }), limit);
  return { items: await Promise.all(page.items.map((batch) => batchView(ctx, batch))), nextCursor: page.nextCursor };
}

/** The centre whose batches a client reads: its own; a platform client has none. */
function batchCentreId(principal: Principal): string {
  if (!principal.centreId) throw new HttpProblem({ status: 403, type: problemType('not-a-centre'), title: 'Forbidden', detail: 'Batches belong to national centres; this client belongs to no centre.' });
  return principal.centreId;
}

/** POST /api/v1/batches/:id/cancel: its rows not yet issued will not be; what was issued stays issued. */
export async function cancelBatch({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }) {
  const batch = await centreBatch(ctx, principal, id);
  await ctx.db.transaction(async (tx) => {
    if (!(await repository.cancelBatch(tx, batch.id))) throw conflict(`The batch has already ${batch.state === 'cancelled' ? 'been cancelled' : 'finished'}; nothing is left to cancel.`, 'batch-finished');
    await recordAction({ db: tx, actor: principal, action: 'batch.cancelled', centreId: batch.centreId, target: `batch:${batch.id}`, details: {} });
  });
  return batchView(ctx, (await repository.findBatch(ctx.db, batch.id, batch.centreId))!);
}

export interface BatchResultRow {
  row: number;
  state: string;
  name: string | null;
  externalId: string | null;
  credentialId: string | null;
  url: string | null;
  shortCode: string | null;
  deliveryState: string | null;
  errorCode: string | null;
  error: string | null;
}

/** Every row's outcome, in file order, read a page at a time (so a 10,000-row result streams). */
export async function* batchResults({ ctx, principal, id, language }: { ctx: AppContext; principal: Principal; id: string; language: Language }): AsyncGenerator<BatchResultRow> {
  const batch = await centreBatch(ctx, principal, id);
  let afterRow = 0;
  for (;;) {
    const page = await repository.resultRows(ctx.db, { batchId: batch.id, afterRow, limit: 1000 });
    for (const row of page) {
      const input = row.input as { recipient?: { name?: string }; name?: string; externalId?: string };
      yield {
        row: row.rowNumber,
        state: row.state,
        name: input.recipient?.name ?? input.name ?? null,
        externalId: input.externalId ?? null,
        credentialId: row.credentialId,
        url: row.credentialId ? credentialUrl(ctx.config.publicBaseUrl, row.credentialId) : null,
        shortCode: row.shortCode,
        deliveryState: row.deliveryState,
        errorCode: row.errorCode,
        // a row's own error in the reader's language (stored in English when its code has no catalogue text), else its e-mail's
        error: row.errorCode ? rowErrorText(row, language) : row.deliveryError,
      };
    }
    if (page.length < 1000) return;
    afterRow = page.at(-1)!.rowNumber;
  }
}

/** Every row's outcome as a spreadsheet-safe CSV with a BOM (Excel reads it as UTF-8); a 404 for another centre's. */
export async function batchResultsCsv({ ctx, principal, id, language }: { ctx: AppContext; principal: Principal; id: string; language: Language }): Promise<string> {
  let body = `\uFEFF${toCsv([RESULT_COLUMNS])}`;
  for await (const row of batchResults({ ctx, principal, id, language })) body += toCsv([RESULT_COLUMNS.map((column) => row[column])]);
  return body;
}

/**
 * The batch-rows job: issues the pending rows of a range so that a worker killed at any point leaves every row
 * either issued with its credential (and its delivery, when the batch delivers) or pending; the retried job
 * issues the pending ones. Rows are signed by `signer` a group at a time, and each group is stored in
 * one transaction while the next group is signed: one transaction per row made the embedded database, which
 * runs on the main thread, the bottleneck. A group the database refuses in any way (a learner id issued
 * meanwhile, an authorisation withdrawn, an entry another process took, a row another worker settled) is
 * rolled back and its rows are issued one by one, each finding out its own outcome.
 */
export async function workBatchRows({ ctx, signer, batchId, fromRow, toRow }: { ctx: AppContext; signer: CredentialSigner; batchId: string; fromRow: number; toRow: number }): Promise<void> {
  const batch = await repository.findBatch(ctx.db, batchId, null);
  if (!batch || (batch.state !== 'queued' && batch.state !== 'running')) return;
  await repository.markRunning(ctx.db, batchId);
  const centre = await ctx.lookups.centre(batch.centreId);
  // the rows are issued in the name of whoever uploaded the batch (the audit trail names them)
  const principal: Principal = {
    kind: batch.createdByStaffId ? 'staff' : 'client',
    clientUuid: batch.createdByClientId,
    clientId: null,
    staffId: batch.createdByStaffId,
    centreId: batch.centreId,
    centreSlug: centre?.slug ?? null,
    scopes: new Set(),
    requestId: batch.requestId ?? '',
  };
  const job: RowJob = { ctx, signer, batch, centre, principal };
  const rows = await repository.pendingRows(ctx.db, batchId, fromRow, toRow);
  let storing: Promise<void> = Promise.resolve();
  // A cancellation is noticed within a group (not looked up per row: that would be a query per credential).
  for (let start = 0, size = FIRST_GROUP_ROWS; start < rows.length; start += size, size = Math.min(2 * size, ROWS_PER_GROUP)) {
    const signing = prepareGroup(job, rows.slice(start, start + size));
    // The group before this one is stored while this one is signed; awaited together, so that a failure of
    // either fails the job (and it is retried) instead of leaving the other's rejection unhandled.
    const [, group] = await Promise.all([storing, signing]);
    if ((await repository.batchState(ctx.db, batchId)) === 'cancelled') break;
    storing = storeGroup(job, group.filter((prepared) => prepared !== undefined));
  }
  await storing;
  await repository.finishIfDone(ctx.db, batchId);
}

// Groups double from FIRST_GROUP_ROWS to ROWS_PER_GROUP: the first credentials of a job are stored (and counted
// in its progress) at once, the later groups are larger. Each statement of a group's transaction costs a fixed
// part (parsing and planning it, on the embedded database on this very thread) plus a part per row: with 16-row
// groups the fixed parts were over half of the database's time per credential. A group stays a short
// transaction: the embedded database holds every other statement back while it runs, and a single issuance
// waits behind it at each of its own statements (with 128-row groups the p99 of single issuances during a
// batch doubled, for no faster batch; docs/cohorts.md).
const FIRST_GROUP_ROWS = 16;
const ROWS_PER_GROUP = 64;

/**
 * Builds and signs a group's rows a slice at a time, letting the event loop turn between slices. On the embedded
 * database every statement and every signature (without signing threads) completes through promise callbacks
 * alone, which run before anything else the process has to do: without the turns, a job kept timers, requests and
 * the queue's own heartbeats waiting until it ended (single issuances waited for the whole batch).
 */
async function prepareGroup(job: RowJob, rows: repository.BatchRowRecord[]): Promise<(PreparedRow | undefined)[]> {
  const prepared: (PreparedRow | undefined)[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_TURN) {
    await setImmediate();
    prepared.push(...(await Promise.all(rows.slice(start, start + ROWS_PER_TURN).map((row) => prepareRow(job, row)))));
  }
  return prepared;
}

// A few milliseconds of signing between turns of the event loop.
const ROWS_PER_TURN = 16;

interface RowJob {
  ctx: AppContext;
  signer: CredentialSigner;
  batch: repository.BatchRow;
  centre: CentreRow | undefined;
  principal: Principal;
}

/** A row ready to store: its credential signed, with the course it was built from. */
interface PreparedRow {
  row: repository.BatchRowRecord;
  centre: CentreRow;
  course: CourseVersion;
  issuance: PreparedIssuance;
}

/** Builds and signs a row's credential; a row that cannot be issued is settled as failed here, with why. */
async function prepareRow({ ctx, signer, batch, centre, principal }: RowJob, row: repository.BatchRowRecord): Promise<PreparedRow | undefined> {
  const input = row.input as unknown as IssueCredentialInput;
  if (!centre || centre.status !== 'active') return void (await failRow(ctx, row, { code: 'centre-suspended', params: {} }));
  const course = await ctx.lookups.achievement(input.achievementId);
  if (!course) return void (await failRow(ctx, row, { code: 'unknown-course', params: { value: input.achievementId } }));
  try {
    const issuance = await prepareIssuance({ ctx, principal, centre, achievement: course, language: rowLanguage(input), input, sign: signer.sign, auditDetails: auditDetailsOf(batch, row) });
    return { row, centre, course, issuance };
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    await failRow(ctx, row, problemFailure(error));
  }
}

/** Stores a group of signed rows in one transaction: credentials, the rows' outcomes and their e-mails. */
async function storeGroup(job: RowJob, group: PreparedRow[]): Promise<void> {
  const { ctx, batch } = job;
  if (group.length === 0) return;
  const stored = await ctx.db
    .transaction(async (tx) => {
      if ((await storeIssuances(tx, group.map(({ issuance }) => issuance))) !== group.length) throw GROUP_REFUSED;
      const settled = await repository.settleIssuedRows(tx, batch.id, group.map(({ row, issuance }) => ({ rowNumber: row.rowNumber, credentialId: issuance.id })));
      if (settled !== group.length) throw GROUP_REFUSED;
      await queueRowDeliveries(tx, job, group.map(({ row, issuance }) => ({ row, credentialId: issuance.id })));
      return true;
    })
    .catch((error) => (error === GROUP_REFUSED ? false : Promise.reject(error)));
  if (stored) return;
  ctx.statusLists.forget(batch.centreId);
  for (const prepared of group) await issueRow(job, prepared);
}

const GROUP_REFUSED = Symbol('group refused');

/** The e-mails of issued rows that have an address, when the batch delivers. */
async function queueRowDeliveries(tx: DbOrTx, { ctx, batch }: RowJob, issued: { row: repository.BatchRowRecord; credentialId: string }[]): Promise<void> {
  if (!batch.deliver) return;
  const recipients = issued.flatMap(({ row, credentialId }) => {
    const email = (row.input as unknown as IssueCredentialInput).recipient.email;
    return email ? [{ credentialId, email }] : [];
  });
  await queueDeliveries(tx, { jobs: ctx.jobs, centreId: batch.centreId, requestedByClientId: batch.createdByClientId, recipients });
}

function rowErrorText({ errorCode, errorMessage, errorParams }: { errorCode: string | null; errorMessage: string | null; errorParams: Record<string, string | number> | null }, language: Language): string | null {
  if (errorCode && errorParams && isRowIssueCode(errorCode)) return rowIssueMessage(errorCode, errorParams, language);
  return errorMessage ?? errorCode;
}

const rowLanguage = (input: IssueCredentialInput) => (isLanguage(input.language) ? input.language : 'en');
const auditDetailsOf = (batch: repository.BatchRow, row: repository.BatchRowRecord) => ({ batchId: batch.id, row: row.rowNumber });
const problemCode = (error: HttpProblem) => error.type.replace('/problems/', '');
/**
 * What went wrong with a row: a catalogue code with its params (the results say it in their reader's language),
 * or, for a problem the catalogue has no text of, its code and English detail.
 */
type RowFailure = { code: RowIssueCode; params: RowIssueParams } | { code: string; message: string };

const failRow = (ctx: AppContext, row: repository.BatchRowRecord, failure: RowFailure) =>
  repository.settleRow(ctx.db, {
    batchId: row.batchId,
    rowNumber: row.rowNumber,
    state: 'failed',
    ...('message' in failure ? { errorCode: failure.code, errorMessage: failure.message } : storedIssue(failure)),
  });

/** A catalogue issue as a row stores it: English for whatever reads the table, code and params for the results. */
const storedIssue = ({ code, params }: { code: RowIssueCode; params: RowIssueParams }) => ({ errorCode: code, errorMessage: rowIssueMessage(code, params, 'en'), errorParams: { ...params } });

/** A problem met while issuing a row, as its failure: an authorisation withdrawn since the upload has a catalogue text. */
function problemFailure(error: HttpProblem): RowFailure {
  const course = error.extensions?.achievementName;
  if (problemCode(error) === 'course-unauthorised' && typeof course === 'string') return { code: 'course-not-authorised', params: { value: course } };
  return { code: problemCode(error), message: error.message };
}

/** Issues one row on its own (signed afresh), recording why when it cannot be: its learner id has a credential, … */
async function issueRow(job: RowJob, { row, centre, course }: PreparedRow) {
  const { ctx, signer, batch, principal } = job;
  const input = row.input as unknown as IssueCredentialInput;
  try {
    await signAndStore({
      ctx,
      principal,
      centre,
      achievement: course,
      language: rowLanguage(input),
      input,
      sign: signer.sign,
      auditDetails: auditDetailsOf(batch, row),
      inTransaction: {
        after: async (tx, credentialId) => {
          // the row is settled with its credential, or the credential is not written at all
          if (!(await repository.settleRow(tx, { batchId: batch.id, rowNumber: row.rowNumber, state: 'issued', credentialId }))) throw new RowAlreadySettled();
          await queueRowDeliveries(tx, job, [{ row, credentialId }]);
        },
      },
    });
  } catch (error) {
    if (error instanceof RowAlreadySettled) return;
    if (error instanceof ExternalIdTaken) return repository.settleRow(ctx.db, { batchId: batch.id, rowNumber: row.rowNumber, state: 'existing', credentialId: error.credentialId });
    if (!(error instanceof HttpProblem)) throw error;
    // the row's own problem (an authorisation withdrawn since the upload): recorded, the batch goes on
    await failRow(ctx, row, problemFailure(error));
  }
}

class RowAlreadySettled extends Error {}

/** The rows of a batch as CSV cells: the header, then each result. */
export const RESULT_COLUMNS = ['row', 'state', 'name', 'externalId', 'credentialId', 'url', 'shortCode', 'deliveryState', 'errorCode', 'error'] as const satisfies readonly (keyof BatchResultRow)[];
