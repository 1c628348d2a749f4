import { open, seal } from './envelope.js';
import { checkValue, MASTER_CHECK_SETTING, MasterKeyError, verifyMasterKey } from './master-check.js';
import type { Db } from '../store/db.js';
import { lockFor, SEALED, sealedValues, settings } from '../store/keys.js';

/**
 * `tessera rotate-master-key`: re-wraps every value sealed under the master key from `oldKey`
 * to `newKey`, and replaces the check value, in ONE transaction (all or nothing) holding the
 * bootstrap lock. Replicas still running with the old key then fail their readiness check
 * (masterKey: wrong key) and refuse to start again until given the new key.
 *
 * The sealed columns are listed in store/keys.ts (SEALED); a new sealed column is added there.
 */
export { SEALED } from '../store/keys.js';

export interface RotationResult {
  rewrapped: Record<string, number>;
}

export async function rotateMasterKey(db: Db, oldKey: Buffer, newKey: Buffer): Promise<RotationResult> {
  if (oldKey.equals(newKey)) throw new MasterKeyError('TESSERA_NEW_MASTER_KEY is the same as TESSERA_MASTER_KEY');
  return db.tx(async (c) => {
    // The bootstrap lock: no replica bootstraps during a rotation.
    await lockFor(c, 'bootstrap');
    await verifyMasterKey(c, oldKey, { create: true });
    const rewrapped: Record<string, number> = {};
    for (const column of SEALED) {
      const table = column.slice(0, column.indexOf('.'));
      let n = 0;
      for (const row of await sealedValues.lockAll(c, column)) {
        let plain: Buffer;
        try {
          plain = open(oldKey, row.sealed, row.aad);
        } catch {
          throw new MasterKeyError(`${table} ${row.aad}: does not open under TESSERA_MASTER_KEY; nothing was changed`);
        }
        await sealedValues.replace(c, column, row.aad, seal(newKey, plain, row.aad));
        n++;
      }
      rewrapped[column] = n;
    }
    await settings.replace(c, MASTER_CHECK_SETTING, checkValue(newKey));
    return { rewrapped };
  });
}
