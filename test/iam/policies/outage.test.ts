import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/errors/index.js';
import type { Sql } from '../../../src/store/db.js';
import { repositories } from '../../../src/store/store.js';

/**
 * Issue 10: a database outage is an error, never "not found". Every repository lookup that
 * answers null for a missing entity must let a failing connection's error through.
 */
describe('lookups during an outage', () => {
  const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
  const down: Sql = { query: () => Promise.reject(outage) } as unknown as Sql;
  const r = repositories(down);
  const lookups: [string, () => Promise<unknown>][] = [
    ['groups.get', () => r.groups.get('123456789012', 'admins')],
    ['users.get', () => r.users.get('123456789012', 'alice')],
    ['users.getById', () => r.users.getById('AIDAAAAAAAAAAAAAAAAAA')],
    ['roles.get', () => r.roles.get('123456789012', 'app')],
    ['managedPolicies.get', () => r.managedPolicies.get('123456789012', 'arn:aws:iam::123456789012:policy/p')],
    ['policies.entity', () => r.policies.entity('group', '123456789012', 'admins')],
  ];
  it.each(lookups)('%s surfaces the failure instead of answering "not found"', async (_name, call) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBe(outage);
    expect(err instanceof AwsError && err.code === 'NoSuchEntity').toBe(false);
  });
});
