import type { FastifyRequest } from 'fastify';
import { HttpProblem, problem } from '../../lib/problem.js';
import { FORBIDDEN_IN_NAMES } from '../credentials/schemas.js';
import { readSheet } from './intake/read-sheet.js';
import { type BatchSource, sheetSource } from './service.js';

/** A file of a multipart request, as received. */
export interface UploadedFile {
  data: Buffer;
  fileName: string;
  contentType: string;
}

/**
 * The file part and the text fields of a multipart request. The limits are those @fastify/multipart was registered
 * with in the caller's scope (the API takes no fields; the console's form sends its CSRF token and options).
 */
export async function readMultipart(request: FastifyRequest): Promise<{ file?: UploadedFile; fields: Record<string, string> }> {
  let file: UploadedFile | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') file = { data: await part.toBuffer(), fileName: uploadedFileName(part.filename), contentType: part.mimetype };
      else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw problem(413, 'file-too-large', `The file is larger than ${request.server.ctx.config.batches.maxFileBytes} bytes; split the cohort into several files.`);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw problem(400, 'too-many-parts', 'Send one file (field "file") and nothing else; options go in the query string.');
    throw problem(400, 'invalid-request', `The upload could not be read: ${(error as Error).message}`);
  }
  return { file, fields };
}

/** The cohort of an uploaded file, read as a spreadsheet (a file input left empty sends a part with no bytes). */
export async function cohortOf({ file, encoding, maxRows }: { file: UploadedFile | undefined; encoding?: string; maxRows: number }): Promise<BatchSource> {
  if (!file || file.data.length === 0) throw problem(400, 'missing-file', 'The upload holds no file: send the CSV or XLSX file in the field "file".');
  return sheetSource(await readSheet({ data: file.data, fileName: file.fileName, contentType: file.contentType, encoding, maxRows }), file.fileName);
}

const UNPRINTABLE = new RegExp(FORBIDDEN_IN_NAMES.source, 'gu');

/**
 * The name the uploader's system gave the file, kept to show the batch: its printable characters, at most 255 (a NUL
 * in it would fail the database insert; text-direction characters would garble the console's list).
 */
function uploadedFileName(name: string): string {
  return Array.from(name.replace(UNPRINTABLE, '').trim()).slice(0, 255).join('');
}
