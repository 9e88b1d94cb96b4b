// Concurrent issuance for the status-entry allocation test (test/modules/status/concurrency.test.ts).
//
// Imported, it offers the issuing loop and the allocator instrumentation the test uses in its own process.
// Run as a script (`node --import tsx test/support/concurrent-issuer.ts`), it is the *other* service process:
// it builds its own app (own connection pool, own in-process view of the free entries) on the DATABASE_URL
// given in ISSUER_CONFIG, gets its tokens from its own /oauth/token, prints `{"kind":"ready"}`, waits for
// `go` on stdin, issues, and reports on stdout one JSON line per event:
//   {"kind":"slot", centreId, listId, index}       every entry its allocator hands out (the parent may reuse one)
//   {"kind":"result", status, id, centreId, listId, index, problem?}   every issuance answer
//   {"kind":"done", refused, reserved, startedAt, finishedAt}
// then closes its app and exits. It never listens on a port (app.inject only).
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { App } from '../../src/app.js';
import type { StatusSlot } from '../../src/modules/status/service.js';

export interface IssuerClient {
  centreId: string;
  clientId: string;
  clientSecret: string;
}

export interface IssueResult {
  status: number;
  id?: string;
  centreId: string;
  listId?: string;
  index?: number;
  problem?: string;
}

/** An access token from the app's own token endpoint. */
export async function tokenOf(app: App, client: IssuerClient): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
  });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.statusCode} ${response.body}`);
  return response.json().access_token;
}

/**
 * Issues `count` credentials through POST /api/v1/credentials with `concurrency` requests in flight, taking the
 * clients in turn. The list and index of each 201 are read from the credential in the response body.
 */
export async function issueMany(
  app: App,
  {
    clients,
    achievementId,
    count,
    concurrency,
    label,
    onResult,
  }: { clients: (IssuerClient & { token: string })[]; achievementId: string; count: number; concurrency: number; label: string; onResult: (result: IssueResult) => void },
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const client = clients[n % clients.length]!;
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/credentials',
        headers: { authorization: `Bearer ${client.token}` },
        payload: { achievementId, recipient: { name: `Concurrent ${label} ${n}` } },
      });
      if (response.statusCode !== 201) {
        onResult({ status: response.statusCode, centreId: client.centreId, problem: response.body.slice(0, 2000) });
        continue;
      }
      const body = response.json();
      const status = body.verifiableCredential?.credentialStatus;
      const listUrl: string | undefined = status?.statusListCredential;
      onResult({
        status: 201,
        id: body.id,
        centreId: client.centreId,
        listId: listUrl?.slice(listUrl.lastIndexOf('/') + 1),
        index: status ? Number(status.statusListIndex) : undefined,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export interface AllocatorCounters {
  /** entries handed out by this instance's allocator (one per attempt) */
  reserved: number;
  /** entries this instance handed out that were not free any more (another instance took them first) */
  stolen: number;
  /** issuance attempts the database refused (entry taken meanwhile, or list full): each one retried */
  refused: number;
}

/**
 * Counts the allocator's work and, with `steal`, makes it hand out an entry another instance has just handed
 * out (taken, or still being signed and written there) for a share of the attempts: the collision two
 * replicas' random choices make by chance (rarely, in a list of 131,072), made often enough that the refusal
 * and retry path runs many times. The service code is not changed: the wrapper sits on the app's context.
 */
export function instrumentAllocator(
  app: App,
  { onSlot, steal }: { onSlot?: (centreId: string, slot: StatusSlot) => void; steal?: { share: number; from: (centreId: string) => { listId: string; index: number } | undefined } } = {},
): AllocatorCounters {
  const counters: AllocatorCounters = { reserved: 0, stolen: 0, refused: 0 };
  const lists = app.ctx.statusLists;
  const reserve = lists.reserve.bind(lists);
  const forget = lists.forget.bind(lists);
  lists.reserve = async (centreId: string) => {
    const slot = await reserve(centreId);
    counters.reserved++;
    const other = steal && Math.random() < steal.share ? steal.from(centreId) : undefined;
    // only an entry of the same list: the other instance's current list is this one's too
    if (other && other.listId === slot.listId) {
      counters.stolen++;
      return { ...slot, index: other.index };
    }
    onSlot?.(centreId, slot);
    return slot;
  };
  lists.forget = (centreId: string) => {
    counters.refused++;
    forget(centreId);
  };
  return counters;
}

interface ChildConfig {
  databaseUrl: string;
  keysDir: string;
  masterKey: string;
  publicBaseUrl: string;
  clients: IssuerClient[];
  achievementId: string;
  count: number;
  concurrency: number;
}

async function main() {
  const { buildApp } = await import('../../src/app.js');
  const { loadConfig } = await import('../../src/config.js');
  const options: ChildConfig = JSON.parse(process.env.ISSUER_CONFIG ?? '');
  const write = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const config = loadConfig({
    PUBLIC_BASE_URL: options.publicBaseUrl,
    DATABASE_URL: options.databaseUrl,
    KEYS_DIR: options.keysDir,
    KEYS_MASTER_KEY: options.masterKey,
    DEMO: 'false',
    LOG_LEVEL: 'error',
    RATE_LIMIT_TOKEN_PER_MINUTE: '100000',
  });
  // no `database`: the app opens its own pool on DATABASE_URL and closes it with the app
  const app = await buildApp({ config, logger: false });
  await app.ready();
  const counters = instrumentAllocator(app, { onSlot: (centreId, slot) => write({ kind: 'slot', centreId, listId: slot.listId, index: slot.index }) });
  const clients = await Promise.all(options.clients.map(async (client) => ({ ...client, token: await tokenOf(app, client) })));
  write({ kind: 'ready' });
  const lines = createInterface({ input: process.stdin });
  const go = await new Promise<boolean>((resolve) => {
    lines.on('line', (line) => line.trim() === 'go' && resolve(true));
    // the parent went away (or gave up) before the start
    lines.on('close', () => resolve(false));
  });
  lines.close();
  if (!go) {
    await app.close();
    return;
  }
  const startedAt = Date.now();
  await issueMany(app, { clients, achievementId: options.achievementId, count: options.count, concurrency: options.concurrency, label: 'child', onResult: (result) => write({ kind: 'result', ...result }) });
  write({ kind: 'done', refused: counters.refused, reserved: counters.reserved, startedAt, finishedAt: Date.now() });
  await app.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // the parent bounds the run too; this only makes sure a stray child never outlives it by long
  setTimeout(() => {
    process.stderr.write('concurrent-issuer: gave up after 120 s\n');
    process.exit(3);
  }, 120_000).unref();
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`concurrent-issuer: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
