import { open, seal } from '../keys/envelope.js';
import { verifyMasterKey } from '../keys/master-check.js';
import { newAccessKeyId, newAccountId, newSecretAccessKey } from '../tokens/ids.js';
import type { Db } from '../store/db.js';
import { accounts } from '../store/accounts.js';
import { lockFor } from '../store/keys.js';

/** Where bootstrap's ids and secret come from (tokens/ids.ts by default; a test may fix them). */
export interface BootstrapIds {
  accountId(): string;
  accessKeyId(accountId: string): string;
  secretAccessKey(): string;
}

const SYSTEM_IDS: BootstrapIds = {
  accountId: newAccountId,
  accessKeyId: (accountId) => newAccessKeyId('AKIA', accountId),
  secretAccessKey: newSecretAccessKey,
};

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

export async function bootstrap(
  db: Db,
  opts: {
    masterKey: Buffer;
    accountId?: string | undefined;
    rootAccessKeyId?: string | undefined;
    rootSecretAccessKey?: string | undefined;
    ids?: BootstrapIds;
  },
): Promise<BootstrapResult> {
  const ids = opts.ids ?? SYSTEM_IDS;
  return db.tx(async (c) => {
    await lockFor(c, 'bootstrap');
    // Before anything is written: a wrong master key refuses here (the transaction writes nothing).
    await verifyMasterKey(c, opts.masterKey, { create: true });
    let accountId = await accounts.bootstrapAccountId(c);
    let created = false;
    if (accountId === undefined) {
      accountId = opts.accountId ?? ids.accountId();
      await accounts.createBootstrap(c, accountId);
      created = true;
    } else if (opts.accountId !== undefined && opts.accountId !== accountId) {
      throw new Error(`TESSERA_ACCOUNT_ID is ${opts.accountId} but this installation was bootstrapped with account ${accountId}`);
    }
    const result: BootstrapResult = { accountId, created };
    if (opts.rootAccessKeyId && opts.rootSecretAccessKey) {
      // Configured root credentials are the source of truth: insert, or replace a secret that
      // differs. (The master key was verified above; a stored secret equal to the configured one
      // is left exactly as it is: boot never rewrites sealed data for nothing.)
      const have = await accounts.accessKey(c, opts.rootAccessKeyId);
      if (have && have.userId !== accountId) {
        throw new Error('TESSERA_ROOT_ACCESS_KEY_ID belongs to another user');
      }
      if (have && have.status === 'Active' && opensTo(opts.masterKey, have.secretSealed, opts.rootAccessKeyId, opts.rootSecretAccessKey)) return result;
      const sealed = seal(opts.masterKey, opts.rootSecretAccessKey, opts.rootAccessKeyId);
      await accounts.putRootAccessKey(c, accountId, opts.rootAccessKeyId, sealed);
    } else {
      if (!(await accounts.rootHasAccessKey(c, accountId))) {
        const accessKeyId = ids.accessKeyId(accountId);
        const secretAccessKey = ids.secretAccessKey();
        await accounts.insertRootAccessKey(c, accountId, accessKeyId, seal(opts.masterKey, secretAccessKey, accessKeyId));
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
