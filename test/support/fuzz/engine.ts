import fc from 'fast-check';
import type { App } from '../../../src/app.js';
import type { Db } from '../../../src/db/client.js';
import { caseArbitrary, type FuzzCase, type FuzzWorld } from './requests.js';
import { type RowCounts, rowChanges, rowCounter, writeMarker } from './row-counts.js';
import type { FuzzRoute } from './routes.js';

/** One line of the fuzz table. */
export interface RouteTally {
  route: string;
  cases: number;
  success: number;
  clientErrors: number;
  serverErrors: number;
  /** rows added or removed (summed over tables) by requests that were refused with a 4xx */
  rowsWrittenOnRefusal: number;
}

export interface FuzzFailure {
  route: string;
  problem: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  status?: number;
  /** the server's own account of a 5xx, from its error log line */
  serverError?: string;
}

/** What the engine needs of the service: requests, and its database to count rows in. */
export type FuzzTarget = Pick<App, 'inject'> & { ctx: { db: Db } };

export interface FuzzOptions {
  app: FuzzTarget;
  routes: FuzzRoute[];
  world: FuzzWorld;
  casesPerRoute: number;
  seed: number;
  /** where the app's log lines collect (test/helper build()); read for 5xx causes, then emptied */
  logs: string[];
  /** called after each route, e.g. to print progress */
  onRouteDone?: (tally: RouteTally) => void;
}

const ANSWER_TIMEOUT_MS = 30_000;

const shorten = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

function describeRequest(fuzzCase: FuzzCase): FuzzFailure['request'] {
  const headers = Object.fromEntries(Object.entries(fuzzCase.headers).map(([name, value]) => [name, shorten(name === 'authorization' ? value.replace(/^(Bearer\s+\S{12})\S+/, '$1…') : value, 120)]));
  const body = fuzzCase.payload === undefined ? undefined : shorten(Buffer.isBuffer(fuzzCase.payload) ? `<${fuzzCase.payload.length} bytes> ${fuzzCase.payload.toString('latin1')}` : fuzzCase.payload);
  return { method: fuzzCase.method, url: shorten(fuzzCase.url, 200), headers, ...(body === undefined ? {} : { body }) };
}

/** The error the server logged for a request id (the 5xx body carries the id, never the cause). */
function loggedError(logs: string[], requestId: string | undefined): string | undefined {
  if (!requestId) return undefined;
  for (const line of logs) {
    if (!line.includes(`"reqId":"${requestId}"`) || !line.includes('"level":50')) continue;
    const entry = JSON.parse(line);
    return shorten(`${entry.err?.type ?? 'Error'}: ${entry.err?.message ?? entry.msg} ${String(entry.err?.stack ?? '').split('\n').slice(1, 4).join(' ').replace(/\s+/g, ' ')}`, 600);
  }
  return undefined;
}

/**
 * The token a route accepts: each is tried on the route (real path values, no body); the first that is neither
 * unauthenticated nor forbidden wins. Public routes accept any, and the centre's is as good as another there.
 */
async function tokenAccepted(app: FuzzTarget, route: FuzzRoute, world: FuzzWorld): Promise<string> {
  let index = 0;
  const url = route.url.replace(/:[A-Za-z0-9_]+|\*/g, () => {
    const name = route.params[index++] as string;
    const known = world.pathValues[name];
    return encodeURIComponent(known?.write[0] ?? known?.read[0] ?? 'x');
  });
  for (const token of [world.tokens.centre, world.tokens.admin]) {
    const response = await app.inject({ method: route.method as 'GET', url, headers: { authorization: `Bearer ${token}` } });
    if (response.statusCode !== 401 && response.statusCode !== 403) return token;
  }
  return world.tokens.centre;
}

function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends `casesPerRoute` generated requests to every route, one at a time, and checks each answer: never a 5xx,
 * an answer within 30 s, no row added or removed anywhere by a refused (4xx) request, Object.prototype untouched,
 * and the service still healthy after each route. Cases come from fast-check with a fixed seed, so a run can be
 * repeated exactly (`FUZZ_SEED`).
 */
export async function fuzzRoutes({ app, routes, world, casesPerRoute, seed, logs, onRouteDone }: FuzzOptions): Promise<{ tallies: RouteTally[]; failures: FuzzFailure[] }> {
  const countRows = await rowCounter(app.ctx.db);
  const markWrites = await writeMarker(app.ctx.db);
  const tallies: RouteTally[] = [];
  const failures: FuzzFailure[] = [];
  // the row counts at the last write mark: valid for as long as the mark does not move
  let baseline: { counts: RowCounts; mark: string } | undefined;
  const recount = async () => {
    const mark = await markWrites();
    return { counts: await countRows(), mark };
  };

  for (const [index, route] of routes.entries()) {
    const name = `${route.method} ${route.url}`;
    const tally: RouteTally = { route: name, cases: 0, success: 0, clientErrors: 0, serverErrors: 0, rowsWrittenOnRefusal: 0 };
    const cases = fc.sample(caseArbitrary(route, world, await tokenAccepted(app, route, world)), { numRuns: casesPerRoute, seed: seed + index });
    baseline = undefined; // finding the token may have written
    for (const fuzzCase of cases) {
      baseline ??= await recount();
      const fail = (problem: string, extra: Partial<FuzzFailure> = {}) => failures.push({ route: name, problem, request: describeRequest(fuzzCase), ...extra });
      let response: Awaited<ReturnType<App['inject']>> | 'timeout';
      try {
        response = await answerWithin(app.inject({ method: fuzzCase.method as 'GET', url: fuzzCase.url, headers: fuzzCase.headers, ...(fuzzCase.payload === undefined ? {} : { payload: fuzzCase.payload }) }), ANSWER_TIMEOUT_MS);
      } catch (error) {
        // light-my-request refuses what no HTTP client could send (e.g. a header with a NUL): not a case
        if (error instanceof TypeError || (error as { code?: string }).code === 'ERR_INVALID_CHAR') continue;
        throw error;
      }
      tally.cases += 1;
      if (response === 'timeout') {
        fail(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
        baseline = undefined;
        continue;
      }
      const status = response.statusCode;
      if (status >= 500) {
        tally.serverErrors += 1;
        const requestId = /request id (\S+) if you report/.exec(response.body)?.[1] ?? String(response.headers['x-request-id'] ?? '');
        fail(`answered ${status}`, { status, serverError: loggedError(logs, requestId) ?? shorten(response.body) });
      } else if (status >= 400) tally.clientErrors += 1;
      else tally.success += 1;
      if ((await markWrites()) !== baseline.mark) {
        const now = await recount();
        const changes = rowChanges(baseline.counts, now.counts);
        if (status >= 400 && status < 500 && changes.length > 0) {
          tally.rowsWrittenOnRefusal += changes.reduce((sum, change) => sum + Math.abs(Number(change.split(' ').pop())), 0);
          fail(`refused with ${status} but changed rows: ${changes.join(', ')}`, { status });
        }
        baseline = now;
      }
      if (Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>).polluted !== undefined) {
        fail('Object.prototype was polluted');
        for (const key of Object.keys(Object.prototype)) delete (Object.prototype as Record<string, unknown>)[key];
      }
    }
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    if (health.statusCode !== 200) failures.push({ route: name, problem: `the service is unhealthy after this route: /healthz answered ${health.statusCode}`, request: { method: 'GET', url: '/healthz', headers: {} } });
    logs.length = 0;
    tallies.push(tally);
    onRouteDone?.(tally);
  }
  return { tallies, failures };
}

/** The fuzz table as aligned text: route, cases, 2xx/3xx, 4xx, 5xx, rows written on 4xx. */
export function formatTallies(tallies: RouteTally[]): string {
  const header = ['route', 'cases', '2xx/3xx', '4xx', '5xx', 'rows written on 4xx'];
  const rows = tallies.map((t) => [t.route, t.cases, t.success, t.clientErrors, t.serverErrors, t.rowsWrittenOnRefusal].map(String));
  const total = (pick: (t: RouteTally) => number) => String(tallies.reduce((sum, t) => sum + pick(t), 0));
  rows.push([`total (${tallies.length} routes)`, total((t) => t.cases), total((t) => t.success), total((t) => t.clientErrors), total((t) => t.serverErrors), total((t) => t.rowsWrittenOnRefusal)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, column) => (column === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}
