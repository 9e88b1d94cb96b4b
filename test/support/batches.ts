import type { App } from '../../src/app.js';

// Cohort uploads as a browser or curl sends them, and waiting for the job queue to work a batch.

const BOUNDARY = '----iioe-test-boundary';

/** One part of a multipart/form-data body: a file when it has a fileName, else a plain field. */
export interface FormPart {
  name?: string;
  fileName?: string;
  content: Buffer | string;
  contentType?: string;
}

/** app.inject options for a multipart/form-data request of these parts, with the caller's headers (its token). */
export function multipartRequest(headers: Record<string, string>, parts: FormPart[]) {
  const chunks = parts.flatMap(({ name = 'file', fileName, content, contentType }) => [
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${fileName !== undefined ? `; filename="${fileName}"` : ''}\r\n` +
        `${contentType ? `Content-Type: ${contentType}\r\n` : ''}\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from('\r\n'),
  ]);
  const payload = Buffer.concat([...chunks, Buffer.from(`--${BOUNDARY}--\r\n`)]);
  return { payload, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

/** The usual upload: one cohort file in the field "file". */
export const fileUpload = (headers: Record<string, string>, fileName: string, content: Buffer | string, contentType = 'text/csv') =>
  multipartRequest(headers, [{ fileName, content, contentType }]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET /api/v1/batches/:id until `done` says so (by default: the batch has finished), or fail after timeoutMs. */
export function waitForBatch(
  app: App,
  headers: Record<string, string>,
  id: string,
  { done = (batch) => !['queued', 'running'].includes(batch.state), timeoutMs = 60_000 }: { done?: (batch: BatchView) => boolean; timeoutMs?: number } = {},
): Promise<BatchView> {
  const read = async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers });
    if (response.statusCode !== 200) throw new Error(`GET batch ${id}: ${response.statusCode} ${response.body}`);
    return response.json() as BatchView;
  };
  return eventually(`batch ${id}`, read, done, timeoutMs);
}

/** What GET /api/v1/batches/:id answers (the fields tests read). */
export interface BatchView {
  id: string;
  state: string;
  totals: { rows: number; pending: number; issued: number; alreadyIssued: number; failed: number; cancelled: number };
  progress: number;
  deliveries: { queued: number; sent: number; failed: number };
  [field: string]: unknown;
}

/** The batch once none of its e-mails is waiting any more. */
export const waitForDeliveries = (app: App, headers: Record<string, string>, id: string, timeoutMs = 30_000) =>
  waitForBatch(app, headers, id, { done: (batch) => batch.deliveries.queued === 0, timeoutMs });

/** Polls `read` until `done` holds for what it returns (or fails after timeoutMs, saying what it waited for). */
export async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`still waiting for ${what} after ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 500)}`);
    await sleep(100);
  }
}
