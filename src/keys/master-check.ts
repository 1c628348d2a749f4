import { open, seal } from './envelope.js';
import type { Db } from '../store/db.js';
import { SEALED, sealedValues, settings } from '../store/keys.js';

/**
 * The master-key check value: a constant sealed under TESSERA_MASTER_KEY, stored once in
 * `settings` (key `master_key_check`). Every process verifies its key against it before it
 * writes anything, so a replica started with the wrong key refuses to start instead of sealing
 * new data (or re-sealing old data) under a key the others cannot open.
 *
 * Databases from before the check value existed: the first boot verifies the key against one
 * existing sealed row of each kind (access key secret, MFA seed, key-ring key) and only then
 * writes the check value.
 */
export const MASTER_CHECK_SETTING = 'master_key_check';
const AAD = 'tessera master key check';
const PLAINTEXT = 'tessera-master-key-check-v1';

export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

export const WRONG_KEY_MESSAGE =
  'TESSERA_MASTER_KEY is not the key this database was sealed with (the master-key check value does not open): refusing to start; nothing was written';

export function checkValue(key: Buffer): { sealed: string } {
  return { sealed: seal(key, PLAINTEXT, AAD).toString('base64') };
}

export function checkValueOpens(key: Buffer, value: unknown): boolean {
  const sealed = (value as { sealed?: unknown } | null)?.sealed;
  if (typeof sealed !== 'string') return false;
  try {
    return open(key, Buffer.from(sealed, 'base64'), AAD).toString('utf8') === PLAINTEXT;
  } catch {
    return false;
  }
}

/**
 * Throws MasterKeyError unless `key` is the database's master key. With `create`, writes the
 * check value when there is none yet (after verifying against existing sealed rows); call it in
 * a transaction holding the bootstrap lock so racing replicas agree.
 * Returns 'verified', 'created', or 'absent' (no check value and `create` false).
 */
export async function verifyMasterKey(q: Pick<Db, 'query'>, key: Buffer, opts: { create: boolean }): Promise<'verified' | 'created' | 'absent'> {
  const value = await settings.get(q, MASTER_CHECK_SETTING);
  if (value !== undefined) {
    if (!checkValueOpens(key, value)) throw new MasterKeyError(WRONG_KEY_MESSAGE);
    return 'verified';
  }
  // Databases from before the check value: one existing sealed value of each kind must open.
  for (const column of SEALED) {
    const row = await sealedValues.sample(q, column);
    if (!row) continue;
    try {
      open(key, row.sealed, row.aad);
    } catch {
      throw new MasterKeyError(WRONG_KEY_MESSAGE);
    }
  }
  if (!opts.create) return 'absent';
  await settings.insertIfAbsent(q, MASTER_CHECK_SETTING, checkValue(key));
  if (!checkValueOpens(key, await settings.get(q, MASTER_CHECK_SETTING))) throw new MasterKeyError(WRONG_KEY_MESSAGE);
  return 'created';
}
