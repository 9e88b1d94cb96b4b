import { HttpProblem, problemType } from '../lib/problem.js';

/** What a client is told to wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// The client library's and the operating system's codes for a connection that could not be made or was lost.
const CONNECTION_FAILURES = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs of a server that is going away, starting, full or too slow: none is the caller's fault, all pass.
const TRANSIENT_SQLSTATES = new Set([
  '57014', // query_canceled: the statement timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);

function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // class 08: connection exceptions reported by the server
  return CONNECTION_FAILURES.has(code) || TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}

/**
 * Whether an error means "the database cannot serve now" rather than a bug: the query layer wraps the driver's
 * error (`cause`), so the chain is followed a few links down.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (isTransient(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The 503 answered while the database is unreachable; what a request may have changed is for the client to check. */
export const databaseUnavailable = () =>
  new HttpProblem({
    status: 503,
    type: problemType('database-unavailable'),
    title: 'Service Unavailable',
    detail: `The service cannot reach its database right now. Retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds; a write that was cut off may or may not have been saved, so check before repeating it (or repeat it with the same Idempotency-Key where the endpoint takes one).`,
    headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
  });
