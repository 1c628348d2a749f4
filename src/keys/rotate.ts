import { open, seal } from './envelope.js';
import { checkValue, MASTER_CHECK_SETTING, MasterKeyError, verifyMasterKey } from './master-check.js';
import type { Db } from '../store/db.js';

/**
 * `tessera rotate-master-key`: re-wraps every value sealed under the master key from `oldKey`
 * to `newKey`, and replaces the check value, in ONE transaction (all or nothing) holding the
 * bootstrap lock. Replicas still running with the old key then fail their readiness check
 * (masterKey: wrong key) and refuse to start again until given the new key.
 *
 * Sealed columns (AAD in brackets): access_keys.secret_sealed [access_key_id],
 * mfa_devices.seed_sealed [serial_number], sts_keys.material_sealed [kid]. A new sealed column
 * must be added to SEALED below.
 */
export const SEALED: readonly { table: string; column: string; aad: string }[] = [
  { table: 'access_keys', column: 'secret_sealed', aad: 'access_key_id' },
  { table: 'mfa_devices', column: 'seed_sealed', aad: 'serial_number' },
  { table: 'sts_keys', column: 'material_sealed', aad: 'kid' },
];

const LOCK_ID = 7_245_118_002; // the bootstrap lock: no replica bootstraps during a rotation

export interface RotationResult {
  rewrapped: Record<string, number>;
}

export async function rotateMasterKey(db: Db, oldKey: Buffer, newKey: Buffer): Promise<RotationResult> {
  if (oldKey.equals(newKey)) throw new MasterKeyError('TESSERA_NEW_MASTER_KEY is the same as TESSERA_MASTER_KEY');
  return db.tx(async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await verifyMasterKey(c, oldKey, { create: true });
    const rewrapped: Record<string, number> = {};
    for (const s of SEALED) {
      const rows = await c.query<{ aad: string; sealed: Buffer }>(`SELECT ${s.aad} AS aad, ${s.column} AS sealed FROM ${s.table} FOR UPDATE`);
      let n = 0;
      for (const row of rows.rows) {
        let plain: Buffer;
        try {
          plain = open(oldKey, row.sealed, row.aad);
        } catch {
          throw new MasterKeyError(`${s.table} ${row.aad}: does not open under TESSERA_MASTER_KEY; nothing was changed`);
        }
        await c.query(`UPDATE ${s.table} SET ${s.column} = $2 WHERE ${s.aad} = $1`, [row.aad, seal(newKey, plain, row.aad)]);
        n++;
      }
      rewrapped[`${s.table}.${s.column}`] = n;
    }
    await c.query(`UPDATE settings SET value = $2, updated_at = now() WHERE key = $1`, [MASTER_CHECK_SETTING, JSON.stringify(checkValue(newKey))]);
    return { rewrapped };
  });
}
