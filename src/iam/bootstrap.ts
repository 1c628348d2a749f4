import { seal } from '../keys/envelope.js';
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
      // Configured root credentials are the source of truth: insert or re-seal.
      const sealed = seal(opts.masterKey, opts.rootSecretAccessKey, opts.rootAccessKeyId);
      const owner = await c.query<{ user_id: string }>('SELECT user_id FROM access_keys WHERE access_key_id = $1', [opts.rootAccessKeyId]);
      if (owner.rows[0] && owner.rows[0].user_id !== accountId) {
        throw new Error('TESSERA_ROOT_ACCESS_KEY_ID belongs to another user');
      }
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
