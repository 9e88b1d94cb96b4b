import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './lock.js';

/**
 * Backup and restore of the embedded mode: the PGlite data directory and the keys directory together,
 * because the database's private keys are sealed under keys/master.key and one is useless without the
 * other. PostgreSQL mode is backed up with pg_dump plus KEYS_MASTER_KEY (docs/operations.md).
 *
 * A backup is a folder: database.tar.gz (PGlite's own dump, taken while this process holds the data
 * directory lock, so no service writes during it), keys/ (copied as they are, mode 0600), manifest.json.
 */
const FORMAT = 'iioe-credentials-backup';
const DATABASE_FILE = 'database.tar.gz';
const KEYS_FOLDER = 'keys';
const MANIFEST_FILE = 'manifest.json';

export class BackupError extends Error {
  override name = 'BackupError';
}

interface Manifest {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  database: { file: string; sha256: string; bytes: number };
  keys: string[];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.length === 0;
}

async function regularFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
}

async function copyPrivateFiles(from: string, to: string, names: string[]) {
  await mkdir(to, { recursive: true, mode: 0o700 });
  for (const name of names) {
    await copyFile(join(from, name), join(to, name));
    await chmod(join(to, name), 0o600);
  }
}

export async function writeBackup({ dataDir, keysDir, out }: { dataDir: string; keysDir: string; out: string }): Promise<Manifest> {
  if (await isEmptyOrMissing(dataDir)) throw new BackupError(`there is no embedded database in ${dataDir} (DATA_DIR) to back up`);
  if (!(await isEmptyOrMissing(out))) throw new BackupError(`${out} is not empty: choose a new folder for the backup`);
  const keyFiles = await regularFiles(keysDir);
  if (!keyFiles.includes('master.key')) throw new BackupError(`${join(keysDir, 'master.key')} is missing: without it the stored signing keys cannot be opened, so a backup would be useless`);

  const unlock = await lockDataDir(dataDir, 'cli');
  let dump: Uint8Array;
  try {
    const client = await PGlite.create({ dataDir });
    try {
      dump = new Uint8Array(await (await client.dumpDataDir('gzip')).arrayBuffer());
    } finally {
      await client.close();
    }
  } finally {
    await unlock();
  }

  await mkdir(out, { recursive: true, mode: 0o700 });
  await writeFile(join(out, DATABASE_FILE), dump, { mode: 0o600 });
  await copyPrivateFiles(keysDir, join(out, KEYS_FOLDER), keyFiles);
  const manifest: Manifest = {
    format: FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    database: { file: DATABASE_FILE, sha256: sha256(dump), bytes: dump.byteLength },
    keys: keyFiles,
  };
  await writeFile(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

async function readManifest(from: string): Promise<Manifest> {
  const text = await readFile(join(from, MANIFEST_FILE), 'utf8').catch(() => {
    throw new BackupError(`${from} holds no ${MANIFEST_FILE}: is it a folder written by "cli backup"?`);
  });
  const manifest = JSON.parse(text) as Partial<Manifest>;
  if (manifest.format !== FORMAT || manifest.version !== 1 || !manifest.database || !Array.isArray(manifest.keys)) {
    throw new BackupError(`${join(from, MANIFEST_FILE)} is not a backup manifest this version understands`);
  }
  return manifest as Manifest;
}

/**
 * Restores into an empty data directory and a keys directory with no other master key, after checking
 * the dump against the manifest's digest: a damaged or mismatched backup is refused before anything is written.
 */
export async function restoreBackup({ from, dataDir, keysDir }: { from: string; dataDir: string; keysDir: string }): Promise<Manifest> {
  const manifest = await readManifest(from);
  const dump = await readFile(join(from, manifest.database.file));
  if (sha256(dump) !== manifest.database.sha256) throw new BackupError(`${manifest.database.file} does not match the digest in the manifest: the backup is damaged`);
  for (const name of manifest.keys) await stat(join(from, KEYS_FOLDER, name));
  if (!(await isEmptyOrMissing(dataDir))) throw new BackupError(`${dataDir} (DATA_DIR) is not empty: restore into a new folder, or move the current database away first`);
  const currentMasterKey = await readFile(join(keysDir, 'master.key')).catch(() => undefined);
  if (currentMasterKey && !currentMasterKey.equals(await readFile(join(from, KEYS_FOLDER, 'master.key')))) {
    throw new BackupError(`${join(keysDir, 'master.key')} holds another master key: move it away first (it opens a different database)`);
  }

  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir, 'cli');
  try {
    const client = await PGlite.create({ dataDir, loadDataDir: new Blob([dump]) });
    await client.close();
  } finally {
    await unlock();
  }
  await copyPrivateFiles(join(from, KEYS_FOLDER), keysDir, manifest.keys);
  return manifest;
}
