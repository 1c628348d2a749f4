import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseMasterKey } from '../config/index.js';

/**
 * The key-encryption key. From TESSERA_MASTER_KEY when set; in embedded (single-node dev) mode
 * it is generated once into `<dataDir>/master.key` (mode 0600) and reused.
 */
export async function resolveMasterKey(opts: { configured: Buffer | undefined; dataDir: string }): Promise<{ key: Buffer; generated: boolean }> {
  if (opts.configured) return { key: opts.configured, generated: false };
  const dir = resolve(opts.dataDir);
  const file = join(dir, 'master.key');
  if (existsSync(file)) {
    const key = parseMasterKey(await readFile(file, 'utf8'));
    if (!key) throw new Error(`${file} does not hold a valid 32-byte key`);
    return { key, generated: false };
  }
  await mkdir(dir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}
