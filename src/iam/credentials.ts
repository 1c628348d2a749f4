import { Lru } from '../cache/lru.js';
import { open } from '../keys/envelope.js';
import type { Db } from '../store/db.js';
import { PgAccessKeyRepository, type AccessKeyRepository } from '../store/access-keys.js';
import type { Caller } from '../tokens/caller.js';
import { LastUsedRecorder } from './users/last-used.js';

/**
 * Resolves an access key id to its secret and its caller, for SigV4 verification. Long-term
 * (AKIA) keys come from Postgres and are kept in-process for a short TTL; any change to a key,
 * user or account publishes an invalidation (services.invalidate) that drops them on every
 * replica. Temporary (ASIA) keys are resolved by the resolver registered for them (STS), which
 * reads no database row.
 */
export interface ResolvedCredential {
  secret: string;
  caller: Caller;
}

export interface TemporaryCredentialResolver {
  resolve(accessKeyId: string, sessionToken: string | undefined, now: Date): Promise<ResolvedCredential | null>;
}

interface Entry {
  value: ResolvedCredential | null;
  expires: number;
}

const TTL_MS = 30_000;
/** Keys held per process; beyond it the least recently used is dropped (no cliff for many callers). */
const MAX = 50_000;

export class CredentialResolver {
  private readonly cache = new Lru<string, Entry>({ max: MAX });
  private readonly lastUsed: LastUsedRecorder;

  constructor(
    db: Pick<Db, 'query'>,
    private readonly masterKey: Buffer,
    private readonly partition: string,
    /** Session (ASIA) credentials; given by the composition root (compose.ts), none: refused. */
    readonly temporary?: TemporaryCredentialResolver,
  ) {
    this.keys = new PgAccessKeyRepository(db);
    this.lastUsed = new LastUsedRecorder(this.keys);
  }

  /** Note a successful use of a long-term key (GetAccessKeyLastUsed); never waits on the database. */
  recordUse(accessKeyId: string | undefined, service: string, region: string, now: Date): void {
    if (accessKeyId !== undefined) this.lastUsed.record(accessKeyId, service, region, now);
  }

  /** Wait for last-used writes in flight (before reading them, and at shutdown). */
  flushLastUsed(): Promise<void> {
    return this.lastUsed.flush();
  }

  async resolve(accessKeyId: string, sessionToken: string | undefined, now: Date): Promise<ResolvedCredential | null> {
    if (accessKeyId.startsWith('ASIA')) {
      return this.temporary ? this.temporary.resolve(accessKeyId, sessionToken, now) : null;
    }
    // A long-term key never comes with a session token: such a request is not one AWS accepts.
    if (sessionToken !== undefined || !/^AKIA[A-Z2-7]{16}$/.test(accessKeyId)) return null;
    const hit = this.cache.get(accessKeyId);
    if (hit && hit.expires > now.getTime()) return hit.value;
    const value = await this.load(accessKeyId);
    this.cache.set(accessKeyId, { value, expires: now.getTime() + TTL_MS });
    return value;
  }

  /** Drop cached keys: one id, or all when undefined. */
  invalidate(accessKeyId?: string): void {
    if (accessKeyId === undefined) this.cache.clear();
    else this.cache.delete(accessKeyId);
  }

  /** The key lookups (store/access-keys.ts): one query per cache miss. */
  private readonly keys: AccessKeyRepository;

  private async load(accessKeyId: string): Promise<ResolvedCredential | null> {
    const row = await this.keys.credential(accessKeyId);
    if (!row || row.status !== 'Active') return null;
    const secret = open(this.masterKey, row.secretSealed, accessKeyId).toString('utf8');
    const p = this.partition;
    const caller: Caller = row.isRoot
      ? {
          type: 'Account',
          accountId: row.accountId,
          arn: `arn:${p}:iam::${row.accountId}:root`,
          userId: row.accountId,
          accessKeyId,
          credential: 'long-term',
          userName: undefined,
          principalId: row.userId,
          principalArn: `arn:${p}:iam::${row.accountId}:root`,
          isRoot: true,
        }
      : {
          type: 'User',
          accountId: row.accountId,
          arn: `arn:${p}:iam::${row.accountId}:user${row.path}${row.userName}`,
          userId: row.userId,
          accessKeyId,
          credential: 'long-term',
          userName: row.userName,
          principalId: row.userId,
          principalArn: `arn:${p}:iam::${row.accountId}:user${row.path}${row.userName}`,
          isRoot: false,
        };
    return { secret, caller };
  }
}
