import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MASTER_KEY_FILE = 'master.key';

/**
 * The 32-byte key that encrypts every stored private key: KEYS_MASTER_KEY when set, else (embedded mode
 * only; config.ts refuses DATABASE_URL without KEYS_MASTER_KEY) keys/master.key, created once with mode 0600.
 */
export async function loadMasterKey({ masterKey, keysDir }: { masterKey?: string; keysDir: string }): Promise<{
  key: Uint8Array;
  createdFile?: string;
}> {
  if (masterKey) return { key: decode(masterKey, 'KEYS_MASTER_KEY') };
  const path = join(keysDir, MASTER_KEY_FILE);
  try {
    return { key: decode((await readFile(path, 'utf8')).trim(), path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const encoded = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if another process created the file meanwhile; then that file is the master key.
    await writeFile(path, `${encoded}\n`, { mode: 0o600, flag: 'wx' });
    return { key: decode(encoded, path), createdFile: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: decode((await readFile(path, 'utf8')).trim(), path) };
  }
}

function decode(encoded: string, source: string): Uint8Array {
  const key = Buffer.from(encoded, 'base64url');
  if (key.length !== 32 || key.toString('base64url') !== encoded) {
    throw new Error(`${source} must hold 32 random bytes in base64url (43 characters)`);
  }
  return key;
}
