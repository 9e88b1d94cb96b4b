import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Language } from '../../lib/i18n.js';
import { HttpProblem } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import { type ConsoleBatch, type ReportRow, renderBatchPage, renderCohortsPage, renderUploadReportPage } from '../../web/console/cohort-pages.js';
import { consoleMessages } from '../../web/console/messages/index.js';
import { formatNumber } from '../../web/language.js';
import { batchParamsSchema } from '../batches/schemas.js';
import { batchResults, batchResultsCsv, cancelBatch, getBatch, listBatches, resendFailedDeliveries } from '../batches/service.js';
import { confirmUpload, stagedUploadReport, stageUpload } from '../batches/staged.js';
import { cohortOf, readMultipart, type UploadedFile } from '../batches/upload.js';
import { assertCsrf, consoleLanguage } from './access.js';
import { pageContext, problemMessage, sendPage } from './pages.js';
import { courseOptions } from './service.js';

const BATCHES_PER_PAGE = 20;
// The dry-run page and the finished batch's page list at most this many rows (the CSV has them all): a page stays
// small enough to read, and well under the console's 50 KB.
const ROWS_SHOWN = 100;

const pageQuery = z.object({ lang: z.string().max(100).optional(), remember: z.string().max(100).optional(), cursor: z.string().max(500).optional(), done: z.string().max(20).optional(), count: z.coerce.number().int().min(0).max(1_000_000).optional() });
const uploadParams = z.object({ id: z.string().max(100) });

/** The rows of a checked upload that have something to say, with their values, each issue at its column. */
function reportRows(source: Awaited<ReturnType<typeof stagedUploadReport>>['source'], issues: { row: number; column: string | null; severity: 'error' | 'warning'; message: string }[]): { rows: ReportRow[]; total: number } {
  const byRow = new Map<number, ReportRow['issues']>();
  for (const issue of issues) byRow.set(issue.row, [...(byRow.get(issue.row) ?? []), { column: issue.column, severity: issue.severity, message: issue.message }]);
  const values = new Map(source.rows.map((row) => [row.rowNumber, row.values]));
  const rowNumbers = [...byRow.keys()].sort((a, b) => a - b);
  return { rows: rowNumbers.slice(0, ROWS_SHOWN).map((row) => ({ row, values: values.get(row) ?? {}, issues: byRow.get(row)! })), total: rowNumbers.length };
}

/**
 * Cohorts: upload a CSV or XLSX file, read the dry run (every row checked by the API's own rules), confirm, follow
 * the batch to its end, download the results and e-mail again the ones that failed.
 */
const cohortRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  const platformName = ctx.config.platform.name;
  const { maxFileBytes, maxRows } = ctx.config.batches;
  // the form's file, its CSRF token and its two options
  await app.register(multipart, { limits: { fileSize: maxFileBytes, files: 1, fields: 4, parts: 5 } });

  async function showCohorts(request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], { cursor, values, errors = [] }: { cursor?: string; values?: { course?: string; deliver?: string }; errors?: { field: string; message: string }[] }) {
    const { language, viewer } = await pageContext(request, reply);
    const { principal } = request.consoleSession!;
    const [courses, page] = await Promise.all([courseOptions({ ctx, centreId: principal.centreId, language }), listBatches({ ctx, principal, limit: BATCHES_PER_PAGE, cursor })]);
    return sendPage(
      reply,
      renderCohortsPage({ language, platformName, viewer: viewer!, courses, maxRows, batches: page.items as ConsoleBatch[], nextCursor: page.nextCursor, firstPage: !cursor, values, errors }),
      errors.length ? 422 : 200,
    );
  }

  app.get('/console/cohorts', { config: { access: 'credentials:issue' }, schema: { hide: true, querystring: pageQuery } }, async (request, reply) => showCohorts(request, reply, { cursor: request.query.cursor }));

  app.post('/console/cohorts', { config: { access: 'credentials:issue', multipartForm: true }, bodyLimit: maxFileBytes + 64 * 1024, schema: { hide: true } }, async (request, reply) => {
    const language = consoleLanguage(request, reply);
    const { principal } = request.consoleSession!;
    if (!request.isMultipart()) return showCohorts(request, reply, { errors: [{ field: 'file', message: consoleMessages(language).problems['missing-file']! }] });
    const refused = (error: unknown) => {
      if (!(error instanceof HttpProblem) || error.status >= 500) throw error;
      return showCohorts(request, reply, { values: { course: fields.course, deliver: fields.deliver ?? 'off' }, errors: [{ field: 'file', message: problemMessage(language, error) }] });
    };
    let fields: Record<string, string> = {};
    let file: UploadedFile | undefined;
    try {
      ({ file, fields } = await readMultipart(request));
    } catch (error) {
      // nothing was read, nothing changes: the form is shown again with the reason
      return refused(error);
    }
    // the form's fields arrive with the file: a forged form is refused before its file is looked at
    assertCsrf(request, fields._csrf);
    let source: Awaited<ReturnType<typeof cohortOf>>;
    try {
      source = await cohortOf({ file, maxRows });
    } catch (error) {
      return refused(error);
    }
    const id = await stageUpload({ ctx, principal, source, achievementId: fields.course || undefined, deliver: fields.deliver === 'on' });
    return reply.redirect(`/console/cohorts/uploads/${id}?lang=${language}`, 303);
  });

  async function showReport(request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], id: string, error?: string) {
    const { language, viewer } = await pageContext(request, reply);
    const { upload, source, report } = await stagedUploadReport({ ctx, principal: request.consoleSession!.principal, id, language });
    const { rows, total } = reportRows(source, report.issues);
    return sendPage(
      reply,
      renderUploadReportPage({ language, platformName, viewer: viewer!, uploadId: upload.id, fileName: source.fileName ?? null, report, rows, shownOf: total, error }),
      error ? 422 : 200,
    );
  }

  app.get('/console/cohorts/uploads/:id', { config: { access: 'credentials:issue' }, schema: { hide: true, params: uploadParams, querystring: pageQuery } }, async (request, reply) => showReport(request, reply, request.params.id));

  app.post(
    '/console/cohorts/uploads/:id/confirm',
    { config: { access: 'credentials:issue' }, schema: { hide: true, params: uploadParams, body: z.object({ _csrf: z.string(), skipInvalid: z.string().max(10).optional() }) } },
    async (request, reply) => {
      const language = consoleLanguage(request, reply);
      try {
        const batchId = await confirmUpload({ ctx, principal: request.consoleSession!.principal, id: request.params.id, skipInvalidRows: request.body.skipInvalid === 'on', language });
        return reply.redirect(`/console/cohorts/${batchId}?lang=${language}&done=confirmed`, 303);
      } catch (error) {
        if (error instanceof HttpProblem && error.type.endsWith('/invalid-rows')) return showReport(request, reply, request.params.id, consoleMessages(language).cohorts.skipInvalidRequired);
        throw error;
      }
    },
  );

  /** The rows of a batch that were not issued, in the reader's language (at most ROWS_SHOWN). */
  async function failedRows(principal: Principal, id: string, language: Language) {
    const failures: { row: number; name: string | null; error: string | null }[] = [];
    for await (const row of batchResults({ ctx, principal, id, language })) {
      if (row.state === 'failed') failures.push({ row: row.row, name: row.name, error: row.error });
      if (failures.length >= ROWS_SHOWN) break;
    }
    return failures;
  }

  app.get('/console/cohorts/:id', { config: { access: 'credentials:read' }, schema: { hide: true, params: batchParamsSchema, querystring: pageQuery } }, async (request, reply) => {
    const { language, viewer } = await pageContext(request, reply);
    const { principal } = request.consoleSession!;
    const batch = (await getBatch({ ctx, principal, id: request.params.id })) as ConsoleBatch;
    const failures = batch.totals.failed > 0 ? await failedRows(principal, batch.id, language) : [];
    const words = consoleMessages(language).cohorts;
    const { done, count } = request.query;
    const message = done === 'confirmed' ? words.confirmed : done === 'cancelled' ? words.cancelled : done === 'resent' ? words.resent({ count: formatNumber(count ?? 0, language) }) : undefined;
    return sendPage(reply, renderBatchPage({ language, platformName, viewer: viewer!, batch, failures, message }));
  });

  // what the progress bar's script polls
  app.get('/console/cohorts/:id/progress', { config: { access: 'credentials:read' }, schema: { hide: true, params: batchParamsSchema, querystring: pageQuery } }, async (request, reply) => {
    const language = consoleLanguage(request, reply);
    const batch = await getBatch({ ctx, principal: request.consoleSession!.principal, id: request.params.id });
    const done = batch.totals.rows - batch.totals.pending;
    const text = consoleMessages(language).cohorts.progressText({ done: formatNumber(done, language), total: formatNumber(batch.totals.rows, language) });
    return { done, total: batch.totals.rows, text, finished: batch.state !== 'queued' && batch.state !== 'running' };
  });

  app.get('/console/cohorts/:id/results.csv', { config: { access: 'credentials:read' }, schema: { hide: true, params: batchParamsSchema, querystring: pageQuery } }, async (request, reply) => {
    const body = await batchResultsCsv({ ctx, principal: request.consoleSession!.principal, id: request.params.id, language: consoleLanguage(request, reply) });
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="cohort-${request.params.id}-results.csv"`).send(body);
  });

  app.post('/console/cohorts/:id/cancel', { config: { access: 'credentials:issue' }, schema: { hide: true, params: batchParamsSchema } }, async (request, reply) => {
    await cancelBatch({ ctx, principal: request.consoleSession!.principal, id: request.params.id });
    return reply.redirect(`/console/cohorts/${request.params.id}?lang=${consoleLanguage(request, reply)}&done=cancelled`, 303);
  });

  app.post('/console/cohorts/:id/resend', { config: { access: 'credentials:issue' }, schema: { hide: true, params: batchParamsSchema } }, async (request, reply) => {
    const count = await resendFailedDeliveries({ ctx, principal: request.consoleSession!.principal, id: request.params.id });
    return reply.redirect(`/console/cohorts/${request.params.id}?lang=${consoleLanguage(request, reply)}&done=resent&count=${count}`, 303);
  });
};

export default cohortRoutes;
