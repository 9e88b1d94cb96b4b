/**
 * Admin commands: `npm run cli -- <group> <command> [--options] [--json]`. Same configuration as the service
 * (env vars) and the same service functions as the API. In embedded mode it refuses to run while the service
 * holds the data directory (PGlite allows one process).
 */
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { BackupError, restoreBackup, writeBackup } from './db/backup.js';
import { isUuid } from './lib/ids.js';
import { HttpProblem } from './lib/problem.js';
import type { SystemActor } from './modules/audit/service.js';
import { createClient } from './modules/auth/service.js';
import { CENTRE_SCOPES, isScope, type Scope } from './modules/auth/scopes.js';
import { findCourseByIdOrCode } from './modules/achievements/service.js';
import { grantAuthorisation } from './modules/authorisations/service.js';
import { grantAuthorisationBodySchema } from './modules/authorisations/schemas.js';
import { getCentre, createCentre, setCentreStatus } from './modules/centres/service.js';
import { createCentreBodySchema } from './modules/centres/schemas.js';
import { createCentreClient } from './modules/clients/service.js';
import { rotateCentreKey } from './modules/keys/admin.js';
import { invitationSchema } from './modules/staff/schemas.js';
import { inviteStaff, LINK_VALIDITY_MINUTES } from './modules/staff/service.js';
import { reencryptAllKeys } from './modules/keys/master-key-rotation.js';
import { loadMasterKey } from './vc/master-key.js';
import type { AppContext } from './plugins/context.js';

const USAGE = `Usage: npm run cli -- <command> [options] [--json]

  clients create --admin [--name N]                       a platform admin client (scope registry:admin)
  clients create --centre SLUG --scopes a,b [--name N]    a centre client (scopes: ${CENTRE_SCOPES.join(', ')})
  centres create --slug S --name N --country CC [--language en|fr|ar|zh] [--host H] [--website URL] [--email E]
  centres suspend --slug S --reason R
  centres reactivate --slug S --reason R
  authorisations grant --centre SLUG --achievement ID|CODE [--from RFC3339] [--until RFC3339]
  keys rotate --centre SLUG
  staff invite --admin --email E [--name N] [--language L]             a platform admin for the console: prints a one-time link (72 h)
  staff invite --centre SLUG --role viewer|issuer|manager --email E [--name N] [--language L]
  keys rotate-master                                      re-encrypt every stored key under a new master key
  backup create --out DIR                                 embedded mode: database + keys/ into a new folder (service stopped)
  backup restore --from DIR                               embedded mode: into an empty DATA_DIR (PostgreSQL: pg_dump, see docs)

--json prints one JSON object. Secrets are printed once: store them now.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    admin: { type: 'boolean', default: false },
    centre: { type: 'string' },
    scopes: { type: 'string' },
    name: { type: 'string' },
    slug: { type: 'string' },
    country: { type: 'string' },
    language: { type: 'string' },
    host: { type: 'string' },
    website: { type: 'string' },
    email: { type: 'string' },
    reason: { type: 'string' },
    achievement: { type: 'string' },
    role: { type: 'string' },
    from: { type: 'string' },
    until: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

class UsageError extends Error {}

const operator: SystemActor = { kind: 'cli', clientUuid: null, staffId: null, requestId: `cli-${process.pid}` };

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** Validates CLI input with the API's own schema, so both refuse the same things with the same words. */
function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; '));
  return parsed.data;
}

async function run(ctx: AppContext, config: Config, command: string): Promise<Record<string, unknown>> {
  switch (command) {
    case 'clients create': {
      if (values.admin) {
        const { client, clientSecret } = await createClient({ db: ctx.db, centreId: null, name: values.name ?? 'Platform admin', scopes: ['registry:admin'] });
        return { client_id: client.clientId, client_secret: clientSecret };
      }
      const scopes = required('scopes').split(',').map((scope) => scope.trim());
      const invalid = scopes.filter((scope) => !isScope(scope) || !CENTRE_SCOPES.includes(scope));
      if (invalid.length > 0) throw new UsageError(`unknown or non-centre scopes: ${invalid.join(', ')}; use ${CENTRE_SCOPES.join(', ')}`);
      const centre = await getCentre({ db: ctx.db, slug: required('centre') });
      const created = await createCentreClient({ ctx, actor: operator, centre, name: values.name ?? 'API client', scopes: scopes as Scope[] });
      return { client_id: created.client_id, client_secret: created.client_secret, centre: centre.slug };
    }
    case 'centres create': {
      const input = parseWith(createCentreBodySchema, {
        slug: required('slug'),
        name: { [values.language ?? 'en']: required('name') },
        countryCode: required('country'),
        ...(values.language ? { defaultLanguage: values.language } : {}),
        ...(values.host ? { hostInstitution: values.host } : {}),
        ...(values.website ? { websiteUrl: values.website } : {}),
        ...(values.email ? { contactEmail: values.email } : {}),
      });
      return createCentre({ ctx, actor: operator, input });
    }
    case 'centres suspend':
    case 'centres reactivate':
      return setCentreStatus({ ctx, actor: operator, slug: required('slug'), status: command.endsWith('suspend') ? 'suspended' : 'active', reason: required('reason') });
    case 'authorisations grant': {
      // The operator may name the course by its code (an unknown id is refused below, naming it).
      const named = required('achievement');
      const course = await findCourseByIdOrCode(ctx.db, named);
      if (!course && !isUuid(named.trim())) throw new UsageError(`--achievement: no course has the code "${named}"; give a course id or code from GET /achievements`);
      const input = parseWith(grantAuthorisationBodySchema, {
        centre: required('centre'),
        achievementId: course?.id ?? named.trim(),
        ...(values.from ? { validFrom: values.from } : {}),
        ...(values.until ? { validUntil: values.until } : {}),
      });
      return grantAuthorisation({ ctx, actor: operator, input });
    }
    case 'staff invite': {
      // The operator can always invite (the first admin, or one after every admin lost access); the link is
      // printed rather than e-mailed, to hand over however the operator sees fit.
      const input = parseWith(invitationSchema, {
        email: required('email'),
        displayName: values.name ?? required('email'),
        role: values.admin ? 'admin' : required('role'),
        centre: values.admin ? null : required('centre'),
        language: values.language ?? 'en',
      });
      const { staff, link } = await inviteStaff({ ctx, actor: operator, input });
      return { staff: staff.id, email: staff.email, role: staff.role, centre: staff.centreSlug, link, validHours: LINK_VALIDITY_MINUTES.invitation / 60 };
    }
    case 'keys rotate':
      return rotateCentreKey({ ctx, actor: operator, centre: await getCentre({ db: ctx.db, slug: required('centre') }) });
    case 'keys rotate-master': {
      // Only this command needs the master key itself (services get the key store that holds it).
      const { key: oldKey } = await loadMasterKey({ masterKey: config.masterKey, keysDir: config.keysDir });
      const newKey = randomBytes(32);
      const count = await reencryptAllKeys({ db: ctx.db, oldKey, newKey });
      const encoded = newKey.toString('base64url');
      if (config.masterKey) return { reencrypted: count, KEYS_MASTER_KEY: encoded, note: 'set KEYS_MASTER_KEY to this value on every replica before restarting' };
      // Embedded mode: replace keys/master.key atomically; the old key no longer opens anything.
      const path = join(ctx.config.keysDir, 'master.key');
      await writeFile(`${path}.new`, `${encoded}\n`, { mode: 0o600 });
      await rename(`${path}.new`, path);
      return { reencrypted: count, masterKeyFile: path };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Backup and restore work on the data directory itself, so they run without building the app. */
async function backup(config: Config, command: string): Promise<Record<string, unknown>> {
  if (config.database.kind !== 'pglite') {
    throw new UsageError('backup commands are for the embedded database; with DATABASE_URL back up PostgreSQL with pg_dump and keep KEYS_MASTER_KEY (docs/operations.md, "Backups")');
  }
  const { dataDir } = config.database;
  switch (command) {
    case 'backup create': {
      const out = required('out');
      const manifest = await writeBackup({ dataDir, keysDir: config.keysDir, out });
      return { backup: out, databaseBytes: manifest.database.bytes, keys: manifest.keys, note: 'the folder holds the master key: store it as you would the key itself' };
    }
    case 'backup restore': {
      const manifest = await restoreBackup({ from: required('from'), dataDir, keysDir: config.keysDir });
      return { restored: dataDir, keysDir: config.keysDir, backupCreatedAt: manifest.createdAt };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function print(result: Record<string, unknown>) {
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else for (const [key, value] of Object.entries(result)) process.stdout.write(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}

async function main() {
  const command = positionals.slice(0, 2).join(' ');
  if (values.help || positionals.length < 2) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 64);
  }
  const config = loadConfig();
  if (command.startsWith('backup ')) {
    print(await backup(config, command));
    return;
  }
  // Logs go to stderr so that --json output on stdout is exactly one JSON object.
  const app = await buildApp({ config, role: 'cli', logger: { level: 'warn', stream: process.stderr } });
  try {
    print(await run(app.ctx, config, command));
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof HttpProblem || error instanceof UsageError || error instanceof BackupError || error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  if (values.json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
  process.stderr.write(`${message}${error instanceof UsageError ? `\n\n${USAGE}` : ''}\n`);
  process.exit(error instanceof UsageError ? 64 : 1);
});
