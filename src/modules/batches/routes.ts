import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { languageFromAcceptLanguage } from '../../lib/i18n.js';
import { problem } from '../../lib/problem.js';
import { problemSchema } from '../../lib/schemas.js';
import { batchTemplate } from './intake/templates.js';
import { type BatchColumn } from './intake/columns.js';
import {
  batchListQuerySchema,
  batchParamsSchema,
  batchViewSchema,
  jsonBatchBodySchema,
  reportSchema,
  resultsQuerySchema,
  submitBatchQuerySchema,
  templateQuerySchema,
} from './schemas.js';
import { type BatchSource, batchResults, batchResultsCsv, cancelBatch, getBatch, listBatches, submitBatch } from './service.js';
import { cohortOf, readMultipart } from './upload.js';

const secured = { security: [{ bearerAuth: [] }] };
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const batchRoutes: FastifyPluginAsyncZod = async (app) => {
  const { maxFileBytes, maxRows } = app.ctx.config.batches;
  await app.register(multipart, { limits: { fileSize: maxFileBytes, files: 1, fields: 0, parts: 1 } });

  app.post(
    '/api/v1/batches',
    {
      onRequest: app.requireScope('credentials:issue'),
      bodyLimit: maxFileBytes,
      schema: {
        tags: ['batches'],
        summary: 'Issue a cohort: a CSV or XLSX file (multipart, field "file") or JSON rows; ?dryRun=true only checks it',
        description:
          'Columns: name (required), email, achievementId (course id or code), language, validFrom, validUntil, narrative, evidenceUrl, externalId; header names in English, French, Arabic or Chinese (GET /api/v1/batches/template). A real run answers 202 with the batch id; the rows are issued by the job queue.',
        ...secured,
        querystring: submitBatchQuerySchema,
        body: jsonBatchBodySchema.nullish().describe("JSON rows; or send a file as multipart/form-data"),
        response: {
          200: z.object({ dryRun: z.literal(true), report: reportSchema }),
          202: z.object({ batchId: z.uuid(), url: z.string(), report: reportSchema }),
          ...errors,
          413: problemSchema,
          415: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const source = await readSource({ request, body: request.body, encoding: request.query.encoding, maxRows });
      const language = request.query.lang ?? languageFromAcceptLanguage(request.headers['accept-language']) ?? 'en';
      const result = await submitBatch({
        ctx: app.ctx,
        principal: request.principal!,
        source,
        options: { achievementId: request.query.achievementId, deliver: request.query.deliver, skipInvalidRows: request.query.skipInvalidRows },
        dryRun: request.query.dryRun,
        language,
      });
      if (result.dryRun) return reply.status(200).send(result);
      const url = `/api/v1/batches/${result.batchId}`;
      return reply.status(202).header('Location', url).send({ batchId: result.batchId, url, report: result.report });
    },
  );

  app.get(
    '/api/v1/batches/template',
    {
      schema: {
        tags: ['batches'],
        summary: 'A cohort file to fill in: the header row in one language, an example row (XLSX adds a help sheet)',
        querystring: templateQuerySchema,
        response: { 400: problemSchema },
      },
    },
    async (request, reply) => {
      const { language, format } = request.query;
      const file = await batchTemplate({ language, format });
      const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      const untyped: FastifyReply = reply;
      return untyped
        .type(type)
        .header('Content-Disposition', `attachment; filename="iioe-cohort-template-${language}.${format}"`)
        .header('Cache-Control', 'public, max-age=3600')
        .send(file);
    },
  );

  const readable = app.requireAnyScope(['credentials:issue', 'credentials:read']);

  app.get(
    '/api/v1/batches',
    { onRequest: readable, schema: { tags: ['batches'], summary: 'The centre\'s batches, newest first', ...secured, querystring: batchListQuerySchema, response: { 200: z.object({ items: z.array(batchViewSchema), nextCursor: z.string().nullable() }), ...errors } } },
    async (request) => listBatches({ ctx: app.ctx, principal: request.principal!, limit: request.query.limit, cursor: request.query.cursor }),
  );

  app.get(
    '/api/v1/batches/:id',
    { onRequest: readable, schema: { tags: ['batches'], summary: 'A batch: state, totals and progress', ...secured, params: batchParamsSchema, response: { 200: batchViewSchema, ...errors } } },
    async (request) => getBatch({ ctx: app.ctx, principal: request.principal!, id: request.params.id }),
  );

  app.post(
    '/api/v1/batches/:id/cancel',
    {
      onRequest: app.requireScope('credentials:issue'),
      schema: { tags: ['batches'], summary: 'Stop a batch: rows not yet issued will not be; issued credentials stay', ...secured, params: batchParamsSchema, response: { 200: batchViewSchema, ...errors, 409: problemSchema } },
    },
    async (request) => cancelBatch({ ctx: app.ctx, principal: request.principal!, id: request.params.id }),
  );

  app.get(
    '/api/v1/batches/:id/results',
    {
      onRequest: readable,
      schema: {
        tags: ['batches'],
        summary: 'Every row\'s outcome (credential id, link, short code, delivery, error), as CSV or JSON',
        description: 'CSV cells that a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) are prefixed with an apostrophe. A row\'s error is in the language of ?lang or Accept-Language (errorCode is the stable code).',
        ...secured,
        params: batchParamsSchema,
        querystring: resultsQuerySchema,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const csv = request.query.format ? request.query.format === 'csv' : reply.request.accepts().type(['application/json', 'text/csv']) === 'text/csv';
      const language = request.query.lang ?? languageFromAcceptLanguage(request.headers['accept-language']) ?? 'en';
      const untyped: FastifyReply = reply;
      if (!csv) {
        const items = [];
        for await (const row of batchResults({ ctx: app.ctx, principal: request.principal!, id, language })) items.push(row);
        return untyped.type('application/json; charset=utf-8').send({ items });
      }
      const body = await batchResultsCsv({ ctx: app.ctx, principal: request.principal!, id, language });
      return untyped
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="batch-${id}-results.csv"`)
        .send(body);
    },
  );
};

/** The rows of the request: an uploaded file (multipart) or a JSON body. */
async function readSource({ request, body, encoding, maxRows }: { request: FastifyRequest; body: z.output<typeof jsonBatchBodySchema> | null | undefined; encoding?: string; maxRows: number }): Promise<BatchSource> {
  if (!request.isMultipart()) {
    const rows = body?.rows;
    if (!rows) throw problem(400, 'missing-rows', 'Send a CSV or XLSX file as multipart/form-data (field "file"), or JSON {"rows": [{"name": …}]}.');
    if (rows.length > maxRows) throw problem(413, 'too-many-rows', `The batch has ${rows.length} rows; at most ${maxRows} are accepted at once. Split it into several batches.`);
    return {
      kind: 'json',
      unknownColumns: [],
      rows: rows.map((values, index) => ({ rowNumber: index + 1, values: trimmed(values) })),
    };
  }
  return cohortOf({ file: (await readMultipart(request)).file, encoding, maxRows });
}

function trimmed(values: Partial<Record<BatchColumn, string | undefined>>): Partial<Record<BatchColumn, string>> {
  const result: Partial<Record<BatchColumn, string>> = {};
  for (const [column, value] of Object.entries(values) as [BatchColumn, string | undefined][]) {
    const text = value?.trim();
    if (text) result[column] = text;
  }
  return result;
}

export default batchRoutes;
