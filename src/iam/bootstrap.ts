import { open, seal } from '../keys/envelope.js';
import { verifyMasterKey } from '../keys/master-check.js';
import { newAccessKeyId, newAccountId, newSecretAccessKey } from '../tokens/ids.js';
import type { Db } from '../store/db.js';

/**
 * First-boot bootstrap: the installation's root account, its root user and an admin access key
 * for the root user. Idempotent and safe under concurrent replicas (one transaction under an
 * advisory lock). A generated secret is returned exactly once — on the boot that created it.
 */
export interface BootstrapResult {
  accountId: string;
  created: boolean;
  /** Present only when this call generated the root key (print it once). */
  generatedCredentials?: { accessKeyId: string; secretAccessKey: string };
}

const LOCK_ID = 7_245_118_002;

export async function bootstrap(
  db: Db,
  opts: { masterKey: Buffer; accountId?: string | undefined; rootAccessKeyId?: string | undefined; rootSecretAccessKey?: string | undefined },
): Promise<BootstrapResult> {
  return db.tx(async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    // Before anything is written: a wrong master key refuses here (the transaction writes nothing).
    await verifyMasterKey(c, opts.masterKey, { create: true });
    const existing = await c.query<{ account_id: string }>('SELECT account_id FROM accounts WHERE is_bootstrap');
    let accountId = existing.rows[0]?.account_id;
    let created = false;
    if (accountId === undefined) {
      accountId = opts.accountId ?? newAccountId();
      await c.query(`INSERT INTO accounts (account_id, name, is_bootstrap) VALUES ($1, 'root', true)`, [accountId]);
      await c.query(`INSERT INTO users (user_id, account_id, user_name, path, is_root) VALUES ($1, $1, 'root', '/', true)`, [accountId]);
      created = true;
    } else if (opts.accountId !== undefined && opts.accountId !== accountId) {
      throw new Error(`TESSERA_ACCOUNT_ID is ${opts.accountId} but this installation was bootstrapped with account ${accountId}`);
    }
    const result: BootstrapResult = { accountId, created };
    if (opts.rootAccessKeyId && opts.rootSecretAccessKey) {
      // Configured root credentials are the source of truth: insert, or replace a secret that
      // differs. (The master key was verified above; a stored secret equal to the configured one
      // is left exactly as it is: boot never rewrites sealed data for nothing.)
      const owner = await c.query<{ user_id: string; secret_sealed: Buffer; status: string }>(
        'SELECT user_id, secret_sealed, status FROM access_keys WHERE access_key_id = $1',
        [opts.rootAccessKeyId],
      );
      const have = owner.rows[0];
      if (have && have.user_id !== accountId) {
        throw new Error('TESSERA_ROOT_ACCESS_KEY_ID belongs to another user');
      }
      if (have && have.status === 'Active' && opensTo(opts.masterKey, have.secret_sealed, opts.rootAccessKeyId, opts.rootSecretAccessKey)) return result;
      const sealed = seal(opts.masterKey, opts.rootSecretAccessKey, opts.rootAccessKeyId);
      await c.query(
        `INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed, status)
         VALUES ($1, $2, $2, $3, 'Active')
         ON CONFLICT (access_key_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, status = 'Active'`,
        [opts.rootAccessKeyId, accountId, sealed],
      );
    } else {
      const keys = await c.query('SELECT 1 FROM access_keys WHERE user_id = $1', [accountId]);
      if (keys.rowCount === 0) {
        const accessKeyId = newAccessKeyId('AKIA', accountId);
        const secretAccessKey = newSecretAccessKey();
        await c.query(
          `INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed) VALUES ($1, $2, $2, $3)`,
          [accessKeyId, accountId, seal(opts.masterKey, secretAccessKey, accessKeyId)],
        );
        result.generatedCredentials = { accessKeyId, secretAccessKey };
      }
    }
    return result;
  });
}

function opensTo(key: Buffer, sealed: Buffer, aad: string, expected: string): boolean {
  try {
    return open(key, sealed, aad).toString('utf8') === expected;
  } catch {
    return false;
  }
}
