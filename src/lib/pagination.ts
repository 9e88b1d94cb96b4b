import { z } from 'zod';
import { badRequest } from './problem.js';

/**
 * Query parameters of every list endpoint: keyset pagination on (createdAt, id), newest first. The timestamp
 * columns paged on are stored to the millisecond (precision 3), exactly what a cursor holds, so a page boundary
 * never falls between two rows that a JavaScript Date cannot tell apart.
 */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('items per page, 1-100'),
  cursor: z.string().max(200).optional().describe('the nextCursor of the previous page'),
});

export interface PageCursor {
  createdAt: Date;
  id: string;
}

export const encodeCursor = ({ createdAt, id }: PageCursor) =>
  Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');

export function decodeCursor(cursor: string | undefined): PageCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw badRequest('The cursor is not one this API returned; start again without a cursor.', [{ path: 'querystring.cursor', message: 'unknown cursor' }]);
  }
}

/** Given up to limit+1 rows, the page and the cursor of the next one. */
export function toPage<T extends PageCursor>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
