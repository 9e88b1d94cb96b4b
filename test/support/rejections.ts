import { count } from 'drizzle-orm';
import type { Test } from 'tap';
import type { App } from '../../src/app.js';
import { auditEvents, credentials } from '../../src/db/schema/index.js';
import { BASE_URL } from '../helper.js';

type Injected = Awaited<ReturnType<App['inject']>>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
};

/** How many credentials and audit events exist: a rejected request must change neither. */
export async function rowCounts(app: App) {
  const [issued] = await app.ctx.db.select({ n: count() }).from(credentials);
  const [audited] = await app.ctx.db.select({ n: count() }).from(auditEvents);
  return { credentials: issued?.n, auditEvents: audited?.n };
}

/**
 * Sends a request that must be refused on POST /api/v1/credentials and asserts the RFC 9457 problem (type,
 * title, status, detail, instance) and that nothing was written. Returns the response for further checks.
 */
export async function assertRejectedIssuance(
  t: Test,
  app: App,
  send: () => Promise<Injected>,
  expected: { status: number; type: string; detail: RegExp },
  moreChecks: (response: Injected, problem: Record<string, any>) => void = () => {},
) {
  const before = await rowCounts(app);
  const response = await send();
  t.equal(response.statusCode, expected.status, response.body);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  const problem = response.json();
  t.equal(problem.type, `${BASE_URL}/problems/${expected.type}`);
  t.equal(problem.title, TITLES[expected.status]);
  t.equal(problem.status, expected.status);
  t.match(problem.detail, expected.detail);
  t.equal(problem.instance, '/api/v1/credentials');
  moreChecks(response, problem);
  t.notOk(response.headers.location, 'no Location header');
  t.same(await rowCounts(app), before, 'nothing was written');
  return problem;
}

/**
 * Sends a request that must be refused and asserts an RFC 9457 problem naming what to fix (type, status,
 * detail, and exactly the offending `errors[].path`s) and that `counts()` is unchanged (nothing written).
 */
export async function assertRefused<Counts>(
  t: Test,
  counts: () => Promise<Counts>,
  send: () => Promise<Injected>,
  expected: { status: number; type: string; detail?: RegExp; errors?: [string, RegExp][] },
) {
  const before = await counts();
  const response = await send();
  t.equal(response.statusCode, expected.status, response.body);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  const problem = response.json();
  t.equal(problem.type, `${BASE_URL}/problems/${expected.type}`);
  t.equal(problem.status, expected.status);
  t.type(problem.instance, 'string');
  if (expected.detail) t.match(problem.detail, expected.detail);
  if (expected.errors) {
    t.same(problem.errors?.map((error: { path: string }) => error.path), expected.errors.map(([path]) => path), 'errors name exactly the offending paths');
    for (const [index, [path, message]] of expected.errors.entries()) t.match(problem.errors?.[index]?.message, message, `the message for ${path}`);
  }
  t.same(await counts(), before, 'nothing was written');
  return problem;
}
