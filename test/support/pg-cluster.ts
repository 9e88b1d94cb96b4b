// A throwaway PostgreSQL cluster of a test's own, for tests that stop and restart the database (the shared CI
// cluster on DATABASE_URL serves other test files in parallel and must never be stopped).
//
// Binaries: IIOE_TEST_PG_BIN (the directory holding initdb and pg_ctl, exported by .ci/run), else the newest
// /usr/lib/postgresql/*/bin. initdb refuses to run as root, so a root process runs the cluster as
// IIOE_TEST_PG_RUNAS (CI: postgres), else as `postgres` when that user exists.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Every pg_ctl/initdb call is bounded: a cluster that does not start or stop in time fails the test. */
const COMMAND_TIMEOUT_MS = 60_000;

export interface PgBinaries {
  bin: string;
  /** the OS user the cluster runs as when this process is root */
  runAs?: string;
}

export interface PgCluster {
  /** a connection URL of the cluster's `postgres` database (user `app`, trust authentication) */
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: the server vanishes as in a crash, connections drop at once */
  stop(): Promise<void>;
  /** starts the stopped cluster again on the same port */
  start(): Promise<void>;
  /** stops the cluster if it runs and removes its files; safe to call twice */
  destroy(): Promise<void>;
}

const hasTools = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));

const userExists = async (name: string) =>
  run('id', ['-u', name]).then(
    () => true,
    () => false,
  );

/** The PostgreSQL server binaries to use, or why there are none (the caller skips its test with that reason). */
export async function findPgBinaries(): Promise<PgBinaries | { missing: string }> {
  const fromEnv = process.env.IIOE_TEST_PG_BIN;
  let bin: string | undefined;
  if (fromEnv) {
    if (!hasTools(fromEnv)) return { missing: `IIOE_TEST_PG_BIN=${fromEnv} holds no initdb and pg_ctl` };
    bin = fromEnv;
  } else {
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
    bin = versions.map((version) => join(root, version, 'bin')).find(hasTools);
    if (!bin) return { missing: 'no PostgreSQL server binaries: set IIOE_TEST_PG_BIN or install postgresql (/usr/lib/postgresql/*/bin)' };
  }
  if (userInfo().uid !== 0) return { bin };
  const runAs = process.env.IIOE_TEST_PG_RUNAS ?? 'postgres';
  if (!(await userExists(runAs))) return { missing: `running as root, and the user ${runAs} to run PostgreSQL as does not exist (set IIOE_TEST_PG_RUNAS)` };
  return { bin, runAs };
}

/** A TCP port nobody listens on now: the kernel's pick for port 0. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port was assigned');
  return address.port;
}

/** Creates and starts a cluster; the caller must `destroy()` it (register it as a teardown first). */
export async function startPgCluster(binaries: PgBinaries): Promise<PgCluster> {
  // A short path: the unix socket inside it must stay under ~107 bytes.
  const dir = await mkdtemp('/tmp/iioe-pgc-');
  const dataDir = join(dir, 'data');
  const tool = (name: string, args: string[]) => {
    const command = join(binaries.bin, name);
    // runuser from `/`: the postgres user may not be able to read the current directory.
    return binaries.runAs
      ? run('runuser', ['-u', binaries.runAs, '--', command, ...args], { cwd: '/', timeout: COMMAND_TIMEOUT_MS })
      : run(command, args, { timeout: COMMAND_TIMEOUT_MS });
  };
  let running = false;
  const stop = async () => {
    if (!running) return;
    await tool('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-s', '-w', 'stop']);
    running = false;
  };
  const destroy = async () => {
    try {
      await stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    if (binaries.runAs) {
      const { stdout } = await run('id', ['-u', binaries.runAs]);
      const { stdout: group } = await run('id', ['-g', binaries.runAs]);
      await chown(dir, Number(stdout.trim()), Number(group.trim()));
    }
    await tool('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'app', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    // fsync=off is safe here: stop() kills the server, not the machine, so what was written to the kernel survives.
    // synchronous_commit stays on: with it off, a commit returns before its WAL leaves the server's memory, and
    // the crash of stop() then loses the last fraction of a second of commits (under load: the clients and
    // authorisations a test had just made, so it found them gone when the cluster came back).
    const start = async () => {
      await tool('pg_ctl', [
        '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-s',
        '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
        'start',
      ]);
      running = true;
    };
    await start();
    return { url: `postgres://app@127.0.0.1:${port}/postgres`, port, stop, start, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
