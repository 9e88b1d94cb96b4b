import { count, sql } from 'drizzle-orm';
import type { Test } from 'tap';
import type { App } from '../../src/app.js';
import { auditEvents, credentials, statusLists } from '../../src/db/schema/index.js';

// Shared by the credential lifecycle tests: the lifecycle routes, our verifier, and what "nothing written" means
// for a lifecycle change (no credential, no audit event, no revocation/suspension/replacement, no list re-signed).

type Json = Record<string, any>;
export type Injected = Awaited<ReturnType<App['inject']>>;
export type Operation = 'revoke' | 'suspend' | 'unsuspend' | 'reissue';

export interface Check {
  check: string;
  status: string;
  code: string;
  message: string;
  details?: Json;
}
export interface Report {
  verified: boolean;
  verdict: string;
  checks: Check[];
  credential: Json;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** POST /api/v1/credentials/:id/<operation>; `payload` undefined sends no body. */
export const act = (app: App, token: string, id: string, operation: Operation, payload?: unknown) =>
  app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/${operation}`, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as Json }) });

/** A GET on the API with a bearer token. */
export const apiGet = (app: App, token: string, url: string) => app.inject({ method: 'GET', url, headers: bearer(token) });

/** Our verifier's report for one of our credentials, by id. */
export async function verifyById(t: Test, app: App, id: string): Promise<Report> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id } });
  t.equal(response.statusCode, 200, `verify ${id}: ${response.body.slice(0, 300)}`);
  return response.json() as Report;
}

export const checkOf = (report: Report, name: string) => report.checks.find((check) => check.check === name);

/** The API view of a credential (GET /api/v1/credentials/:id), asserting 200. */
export async function view(t: Test, app: App, token: string, id: string): Promise<Json> {
  const response = await apiGet(app, token, `/api/v1/credentials/${id}`);
  t.equal(response.statusCode, 200, `GET /api/v1/credentials/${id}: ${response.body.slice(0, 300)}`);
  return response.json();
}

/**
 * Everything a refused lifecycle request must leave as it was: the credentials and audit events, how many are
 * revoked, suspended and superseded, and how often the status lists were signed.
 */
export async function lifecycleCounts(app: App) {
  const { db } = app.ctx;
  const [rows] = await db
    .select({
      credentials: count(),
      revoked: count(credentials.revokedAt),
      suspended: count(credentials.suspendedAt),
      superseded: count(credentials.supersededBy),
    })
    .from(credentials);
  const [audited] = await db.select({ n: count() }).from(auditEvents);
  const [lists] = await db.select({ signatures: sql<number>`coalesce(sum(${statusLists.version}), 0)::int` }).from(statusLists);
  return {
    credentials: Number(rows?.credentials),
    revoked: Number(rows?.revoked),
    suspended: Number(rows?.suspended),
    superseded: Number(rows?.superseded),
    auditEvents: Number(audited?.n),
    listSignatures: Number(lists?.signatures),
  };
}

/** Walks every page of a list endpoint; fails the test on a cursor that does not advance. */
export async function walkPages(t: Test, app: App, token: string, path: string, limit: number): Promise<Json[]> {
  const items: Json[] = [];
  const cursors = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const response = await apiGet(app, token, `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (response.statusCode !== 200) {
      t.fail(`${path} page ${page}: ${response.statusCode} ${response.body.slice(0, 300)}`);
      return items;
    }
    const body = response.json() as { items: Json[]; nextCursor: string | null };
    if (body.items.length > limit) t.fail(`${path}: a page of ${body.items.length} items for limit ${limit}`);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return items;
    if (body.items.length === 0) t.fail(`${path}: an empty page with a next cursor`);
    if (cursors.has(cursor)) {
      t.fail(`${path}: the cursor did not advance`);
      return items;
    }
    cursors.add(cursor);
  }
  t.fail(`${path}: more than 1000 pages`);
  return items;
}

/** Whole seconds from now (or from the app's clock: `clock.now()`) as RFC 3339 without milliseconds, at least `ms` ahead. */
export const secondsAhead = (ms: number, now = new Date()) => new Date(Math.ceil((now.getTime() + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
