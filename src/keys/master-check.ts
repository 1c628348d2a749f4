import { open, seal } from './envelope.js';
import type { SqlRunner } from '../services.js';

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

interface Rows<R> {
  rows: R[];
}

/** One existing sealed value of each kind, with its associated data. */
const SAMPLES = [
  `SELECT secret_sealed AS sealed, access_key_id AS aad FROM access_keys LIMIT 1`,
  `SELECT seed_sealed AS sealed, serial_number AS aad FROM mfa_devices LIMIT 1`,
  `SELECT material_sealed AS sealed, kid AS aad FROM sts_keys LIMIT 1`,
];

/**
 * Throws MasterKeyError unless `key` is the database's master key. With `create`, writes the
 * check value when there is none yet (after verifying against existing sealed rows); call it in
 * a transaction holding the bootstrap lock so racing replicas agree.
 * Returns 'verified', 'created', or 'absent' (no check value and `create` false).
 */
export async function verifyMasterKey(q: SqlRunner, key: Buffer, opts: { create: boolean }): Promise<'verified' | 'created' | 'absent'> {
  const r = (await q.query(`SELECT value FROM settings WHERE key = $1`, [MASTER_CHECK_SETTING])) as Rows<{ value: unknown }>;
  if (r.rows[0]) {
    if (!checkValueOpens(key, r.rows[0].value)) throw new MasterKeyError(WRONG_KEY_MESSAGE);
    return 'verified';
  }
  for (const sql of SAMPLES) {
    const s = (await q.query(sql)) as Rows<{ sealed: Buffer; aad: string }>;
    const row = s.rows[0];
    if (!row) continue;
    try {
      open(key, row.sealed, row.aad);
    } catch {
      throw new MasterKeyError(WRONG_KEY_MESSAGE);
    }
  }
  if (!opts.create) return 'absent';
  await q.query(`INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [MASTER_CHECK_SETTING, JSON.stringify(checkValue(key))]);
  const again = (await q.query(`SELECT value FROM settings WHERE key = $1`, [MASTER_CHECK_SETTING])) as Rows<{ value: unknown }>;
  if (!checkValueOpens(key, again.rows[0]?.value)) throw new MasterKeyError(WRONG_KEY_MESSAGE);
  return 'created';
}
