import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/errors/index.js';
import { findGroup } from '../../../src/iam/policies/shared.js';

/** Issue 10: a database outage is an error, never "not found". */
describe('lookups during an outage', () => {
  it('findGroup surfaces the failure instead of answering NoSuchEntity', async () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const down = { query: () => Promise.reject(outage) } as unknown as Parameters<typeof findGroup>[0];
    const err = await findGroup(down, '123456789012', 'admins').catch((e: unknown) => e);
    expect(err).toBe(outage);
    expect(err instanceof AwsError && err.code === 'NoSuchEntity').toBe(false);
  });
});
