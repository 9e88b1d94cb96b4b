import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'iioe.lock';

export class DataDirLockedError extends Error {
  constructor(dataDir: string, holder: { pid: number; role: string }) {
    super(
      `The embedded database in ${dataDir} is in use by the ${holder.role} (process ${holder.pid}). PGlite allows one process per data directory: stop the ${holder.role} first, or use the HTTP API while it runs.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock on a PGlite data directory, so the CLI and the service never open it at once (two
 * processes on one PGlite directory corrupt it). A lock left by a dead process is taken over.
 */
export async function lockDataDir(dataDir: string, role: 'service' | 'cli'): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const contents = JSON.stringify({ pid: process.pid, role });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, contents, { flag: 'wx', mode: 0o600 });
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as { pid?: number; role?: string };
      if (holder.pid && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirLockedError(dataDir, { pid: holder.pid, role: holder.role ?? 'service' });
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
