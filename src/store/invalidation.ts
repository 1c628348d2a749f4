/**
 * What every replica must hear when configuration changes (policies, principals, access keys),
 * and the handle a change's transaction passes so its invalidation commits with it. Neutral:
 * the services contract, the outbox and the caches all use these types without importing each
 * other.
 */
export type InvalidationMessage =
  | { kind: 'access-key'; accessKeyId: string }
  | { kind: 'principal'; principalId: string }
  /** A sign-in connector was created, changed or deleted: every replica's connector registry reloads. */
  | { kind: 'sign-in-connector'; connectorId: string }
  | { kind: 'all' };

/** Anything that runs a parameterised statement: a transaction's client, or the pool. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The Redis pub/sub channel of the invalidation fast path. */
export const INVALIDATION_CHANNEL = 'tessera:invalidate';
