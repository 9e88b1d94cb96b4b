// The service as real OS processes (`src/server.ts`, `src/worker.ts`), for tests that kill them: each is
// started with its own environment only (nothing leaks from the test's, such as DATABASE_URL), its output is
// kept for the failure message, and every one still alive is SIGKILLed when the test ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';

const root = new URL('../../', import.meta.url);

export interface ServiceProcess {
  child: ChildProcess;
  /** everything it wrote so far (stdout and stderr) */
  output(): string;
  /** resolves when it has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** sends `signal` and waits for the exit */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `entry` (e.g. `src/worker.ts`) under tsx, as `npm start` does, and waits until its output matches
 * `ready` (the start-up log line); fails with its output when it exits or `timeoutMs` passes first.
 */
export async function startServiceProcess(
  t: Test,
  { entry, env, ready, timeoutMs = 60_000 }: { entry: string; env: Record<string, string>; ready: RegExp; timeoutMs?: number },
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const killIfRunning = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  t.teardown(() => {
    killIfRunning();
    return exited;
  });
  // a test process that ends without its teardowns (killed by the runner) takes its service processes along
  process.once('exit', killIfRunning);
  void exited.then(() => process.off('exit', killIfRunning));
  const process_: ServiceProcess = {
    child,
    output: () => output,
    exited,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
  const started = Date.now();
  while (!ready.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    if (Date.now() - started > timeoutMs) throw new Error(`${entry} was not ready within ${timeoutMs} ms:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process_;
}

/** The start-up line of `src/server.ts`. */
export const SERVER_READY = /IIOE Credentials listening on/;
/** The start-up line of `src/worker.ts`. */
export const WORKER_READY = /IIOE Credentials worker running/;

/** A client of one running API process: the demo client's token, and JSON requests. */
export async function apiClient(baseUrl: string, keysDir: string) {
  const demo = JSON.parse(await readFile(join(keysDir, 'demo-client.json'), 'utf8')) as { client_id: string; client_secret: string };
  const tokenResponse = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: demo.client_id, client_secret: demo.client_secret, scope: 'credentials:issue credentials:read' }),
  });
  if (!tokenResponse.ok) throw new Error(`token: ${tokenResponse.status} ${await tokenResponse.text()}`);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text, json: () => JSON.parse(text) };
  };
  return { request };
}

export interface BatchView {
  id: string;
  state: string;
  totals: { rows: number; pending: number; issued: number; alreadyIssued: number; failed: number; cancelled: number };
}

/** Polls GET /api/v1/batches/:id until `done` says so; fails after `timeoutMs` with the last state. */
export async function waitForBatch(
  api: Awaited<ReturnType<typeof apiClient>>,
  batchId: string,
  { until, timeoutMs, everyMs = 100 }: { until: (batch: BatchView) => boolean; timeoutMs: number; everyMs?: number },
): Promise<BatchView> {
  const started = Date.now();
  let last: BatchView | undefined;
  for (;;) {
    const response = await api.request('GET', `/api/v1/batches/${batchId}`);
    if (response.status !== 200) throw new Error(`GET batch: ${response.status} ${response.body}`);
    last = response.json() as BatchView;
    if (until(last)) return last;
    if (Date.now() - started > timeoutMs) throw new Error(`batch ${batchId} still ${last.state} after ${timeoutMs} ms: ${JSON.stringify(last.totals)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** `count` JSON rows of the demo course, each with its own externalId (prefixed, so runs never collide). */
export function cohortRows(count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => ({ name: `Learner ${i + 1}`, achievementId: 'genai-foundation', externalId: `${prefix}-${String(i + 1).padStart(4, '0')}` }));
}

export const isFinished = (batch: BatchView) => !['queued', 'running'].includes(batch.state);
