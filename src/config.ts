import { join } from 'node:path';
import { z } from 'zod';
import { isHttpUrl } from './lib/urls.js';

// Env strings such as "false" or "0" must not read as truthy, so booleans are parsed explicitly.
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'use true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    PUBLIC_BASE_URL: z
      .string()
      .refine(isHttpUrl, { message: 'must be an http(s) origin such as https://credentials.example.org', abort: true })
      .refine((value) => new URL(value).pathname === '/' && !value.endsWith('/'), {
        message: 'must be an origin without a path or trailing slash, e.g. https://credentials.example.org',
      })
      .optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
    // PostgreSQL mode: a database that is down or stuck is answered 503 within these bounds, never a hang.
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1500),
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
    READINESS_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(500),
    DATA_DIR: z.string().min(1).default('./data'),
    KEYS_DIR: z.string().min(1).default('./keys'),
    KEYS_MASTER_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 random bytes in base64url (43 characters), e.g. from `openssl rand -base64 32 | tr "+/" "-_" | tr -d "="`')
      .optional(),
    LOG_LEVEL: z.enum(logLevels).default('info'),
    DEMO: booleanFromEnv.optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    // Slow clients: the whole request (headers and body) must arrive in HTTP_REQUEST_TIMEOUT_MS, headers in
    // HTTP_HEADERS_TIMEOUT_MS; otherwise 408 and the connection is closed.
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
    TRUST_PROXY: booleanFromEnv.default(false),
    RATE_LIMIT_TOKEN_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    RATE_LIMIT_VERIFY_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
    // console sign-in attempts (e-mail link requests, link and passkey sign-ins) per client address, minute and route
    RATE_LIMIT_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
    PLATFORM_NAME: z.string().trim().min(1).max(200).default('UNESCO-ICHEI International Institute of Online Education (IIOE)'),
    PLATFORM_URL: z.string().refine(isHttpUrl, 'must be an http(s) URL such as https://www.ichei.org, percent-encoded (it goes into signed documents as given)').default('https://www.ichei.org'),
    STATUS_LIST_SIZE: z.coerce
      .number()
      .int()
      .min(131_072, 'must be at least 131072 (the Bitstring Status List privacy minimum of 16 KB)')
      .max(16_777_216)
      .refine((value) => value % 8 === 0, 'must be a multiple of 8')
      .default(131_072),
    STATUS_LIST_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    STATUS_LIST_VALIDITY_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(168),
    REMOTE_RESOLUTION: booleanFromEnv.default(true),
    REMOTE_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    REMOTE_FETCH_MAX_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(262_144),
    // Tests and closed networks only: lets outbound fetches reach loopback and private addresses.
    REMOTE_ALLOW_PRIVATE_ADDRESSES: booleanFromEnv.default(false),
    // Jobs (cohort batches, e-mail delivery) run on the pg-boss queue in the database. Every process runs them
    // unless told not to: API replicas behind separate `npm run worker` processes set JOBS_IN_PROCESS=false.
    JOBS_IN_PROCESS: booleanFromEnv.default(true),
    // threads that sign batch credentials; 0, the default, signs on the main thread: with signing as fast as it
    // now is, threads made batches slower on the 2-core machines measured (docs/cohorts.md)
    SIGNING_THREADS: z.coerce.number().int().min(0).max(64).default(0),
    BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(10_000),
    BATCH_MAX_FILE_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
    // Mail: SMTP when SMTP_URL is set (smtp:// or smtps://), otherwise .eml files in DATA_DIR/outbox.
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.org:587').optional(),
    MAIL_FROM: z.string().trim().min(3).max(320).optional(),
    MAIL_OUTBOX_DIR: z.string().min(1).optional(),
    // DKIM signing of outgoing mail: all three or none
    MAIL_DKIM_DOMAIN: z.string().trim().min(1).optional(),
    MAIL_DKIM_SELECTOR: z.string().trim().min(1).optional(),
    MAIL_DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    // messages per minute each centre may send (a cohort of 1,000 goes out in 17 minutes at the default)
    DELIVERY_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    // the first retry of a temporarily failed message waits this long; each later one twice the one before (up to an hour)
    DELIVERY_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  })
  .superRefine((env, ctx) => {
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)' });
    }
    if (env.DATABASE_URL && !env.KEYS_MASTER_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEYS_MASTER_KEY'],
        message: 'is required when DATABASE_URL is set (the master key file in keys/ is for embedded mode only)',
      });
    }
    const dkim = [env.MAIL_DKIM_DOMAIN, env.MAIL_DKIM_SELECTOR, env.MAIL_DKIM_PRIVATE_KEY_FILE];
    if (dkim.some(Boolean) && !dkim.every(Boolean)) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_DKIM_DOMAIN'], message: 'MAIL_DKIM_DOMAIN, MAIL_DKIM_SELECTOR and MAIL_DKIM_PRIVATE_KEY_FILE go together: set all three or none' });
    }
  });

export type Env = z.input<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  publicBaseUrl: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
  /** PostgreSQL mode: connecting and each statement are bounded; /readyz gives the database its own shorter bound */
  databaseTimeouts: DatabaseTimeouts;
  /** slow clients: time allowed for the request headers and for the whole request */
  httpTimeouts: { headersMs: number; requestMs: number };
  keysDir: string;
  masterKey?: string;
  logLevel: (typeof logLevels)[number];
  demo: boolean;
  accessTokenTtlSeconds: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** requests per minute per client address, per process */
  rateLimits: { token: number; verify: number; signIn: number };
  platform: { name: string; url: string };
  /** revocation lists: entries per list, Cache-Control max-age of the served list, validity of each signed list */
  statusLists: { size: number; maxAgeSeconds: number; validityMs: number };
  /** outbound fetches of other issuers' documents (DESIGN §3 "Outbound network") */
  remote: { enabled: boolean; timeoutMs: number; maxBytes: number; allowPrivateAddresses: boolean };
  /** the job queue: whether this process works jobs, and how many threads sign batch credentials */
  jobs: { inProcess: boolean; signingThreads: number };
  /** cohort uploads: rows and bytes per file */
  batches: { maxRows: number; maxFileBytes: number };
  /** e-mail to learners: SMTP or the outbox folder, the sender, DKIM, and per-centre pacing */
  mail: {
    transport: { kind: 'smtp'; url: string } | { kind: 'outbox'; dir: string };
    from: string;
    dkim?: { domainName: string; keySelector: string; privateKeyFile: string };
    ratePerMinute: number;
    maxAttempts: number;
    /** the wait before the first retry of a temporary failure, doubled for each further one */
    retryBaseSeconds: number;
  };
}

export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
  readinessMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "unset", not "invalid".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
    );
  }
  const values = parsed.data;
  const embedded = values.DATABASE_URL === undefined;
  const publicBaseUrl = values.PUBLIC_BASE_URL ?? `http://localhost:${values.PORT}`;
  return {
    port: values.PORT,
    host: values.HOST,
    publicBaseUrl,
    database: embedded
      ? { kind: 'pglite', dataDir: values.DATA_DIR }
      : { kind: 'postgres', url: values.DATABASE_URL as string },
    databaseTimeouts: {
      connectMs: values.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
      readinessMs: values.READINESS_TIMEOUT_MS,
    },
    httpTimeouts: { headersMs: values.HTTP_HEADERS_TIMEOUT_MS, requestMs: values.HTTP_REQUEST_TIMEOUT_MS },
    keysDir: values.KEYS_DIR,
    masterKey: values.KEYS_MASTER_KEY,
    logLevel: values.LOG_LEVEL,
    // Demo data is on by default only in embedded mode (DESIGN "Modes and secrets").
    demo: values.DEMO ?? embedded,
    accessTokenTtlSeconds: values.ACCESS_TOKEN_TTL_SECONDS,
    bodyLimitBytes: values.BODY_LIMIT_BYTES,
    trustProxy: values.TRUST_PROXY,
    rateLimits: { token: values.RATE_LIMIT_TOKEN_PER_MINUTE, verify: values.RATE_LIMIT_VERIFY_PER_MINUTE, signIn: values.RATE_LIMIT_SIGN_IN_PER_MINUTE },
    platform: { name: values.PLATFORM_NAME, url: values.PLATFORM_URL },
    statusLists: { size: values.STATUS_LIST_SIZE, maxAgeSeconds: values.STATUS_LIST_MAX_AGE_SECONDS, validityMs: values.STATUS_LIST_VALIDITY_HOURS * 3_600_000 },
    remote: {
      enabled: values.REMOTE_RESOLUTION,
      timeoutMs: values.REMOTE_FETCH_TIMEOUT_MS,
      maxBytes: values.REMOTE_FETCH_MAX_BYTES,
      allowPrivateAddresses: values.REMOTE_ALLOW_PRIVATE_ADDRESSES,
    },
    jobs: { inProcess: values.JOBS_IN_PROCESS, signingThreads: values.SIGNING_THREADS },
    batches: { maxRows: values.BATCH_MAX_ROWS, maxFileBytes: values.BATCH_MAX_FILE_BYTES },
    mail: {
      transport: values.SMTP_URL ? { kind: 'smtp', url: values.SMTP_URL } : { kind: 'outbox', dir: values.MAIL_OUTBOX_DIR ?? join(values.DATA_DIR, 'outbox') },
      from: values.MAIL_FROM ?? `IIOE Credentials <no-reply@${new URL(publicBaseUrl).hostname}>`,
      dkim: values.MAIL_DKIM_DOMAIN
        ? { domainName: values.MAIL_DKIM_DOMAIN, keySelector: values.MAIL_DKIM_SELECTOR as string, privateKeyFile: values.MAIL_DKIM_PRIVATE_KEY_FILE as string }
        : undefined,
      ratePerMinute: values.DELIVERY_RATE_PER_MINUTE,
      maxAttempts: values.DELIVERY_MAX_ATTEMPTS,
      retryBaseSeconds: values.DELIVERY_RETRY_BASE_SECONDS,
    },
  };
}
