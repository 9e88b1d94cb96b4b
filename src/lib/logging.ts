import type { DestinationStream, LoggerOptions } from 'pino';

/**
 * Fields never written to a log: secrets and key material, and the personal data the service holds (contact and
 * recipient e-mails, recipient names). Objects logged on purpose are redacted by these paths; errors and requests
 * go through the serialisers below, which keep only fields known to be free of such data.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.client_secret',
  '*.clientSecret',
  '*.access_token',
  '*.privateKey',
  '*.encryptedPrivateKey',
  '*.masterKey',
  '*.secretHash',
  '*.email',
  '*.contactEmail',
  '*.recipientEmail',
  '*.recipientName',
  '*.recipient',
  '*.identityHash',
];

/** How a request appears in the log: method, path and client; never the query string, headers or body. */
function serialiseRequest(request: { method?: string; url?: string; hostname?: string; ip?: string }) {
  return { method: request.method, url: request.url?.split('?')[0], host: request.hostname, remoteAddress: request.ip };
}

// Error properties safe to log: what failed and where, never the values involved. Database errors carry the
// statement's parameters (DrizzleQueryError.params, PGlite's `params`) and the offending row (PostgreSQL's
// `detail`, e.g. "Key (contact_email)=(…) already exists"), so they are left out by not being listed.
const SAFE_ERROR_FIELDS = ['code', 'statusCode', 'severity', 'constraint', 'constraint_name', 'table', 'table_name', 'column', 'column_name', 'routine'] as const;
const MAX_CAUSES = 3;

/**
 * An error message without the data it may quote: Drizzle appends the statement's parameters after "params:",
 * and PostgreSQL quotes the rejected value after a colon (`invalid input syntax for type uuid: "…"`).
 */
function withoutValues(message: string): string {
  return message.split('\nparams:')[0]!.replace(/: "(?:[^"\\]|\\.)*"/g, ': "[redacted]"');
}

/** How an error appears in the log: its type, message (values removed), known-safe fields, stack frames and causes. */
export function serialiseError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: 'a value that is not an Error was thrown' };
  const message = withoutValues(error.message);
  const fields: Record<string, unknown> = { type: error.name, message };
  for (const field of SAFE_ERROR_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') fields[field] = value;
  }
  // The stack's first line repeats the message; only the frames are kept from it.
  const frames = (error.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
  fields.stack = [`${error.name}: ${message}`, ...frames].join('\n');
  if (error.cause !== undefined && depth < MAX_CAUSES) fields.cause = serialiseError(error.cause, depth + 1);
  return fields;
}

/** The service's logger settings (every caller: server, CLI, tests): the level and destination vary, the redaction never. */
export function loggerOptions({ level, stream }: { level: string; stream?: DestinationStream }): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    serializers: { req: serialiseRequest, err: serialiseError },
  };
}
