import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool, type PoolOptions } from '../../src/workers/pool.js';
import { AwsError } from '../../src/errors/index.js';

/**
 * The worker pool contains what its tasks do: a crash, an out-of-memory or a hang fails only that
 * task (ServiceUnavailable, retryable) and the worker is replaced; a full queue is Throttling;
 * an AwsError crosses the thread boundary unchanged.
 */
const pools: WorkerPool[] = [];
const pool = (o: Partial<PoolOptions> = {}) => {
  const p = new WorkerPool('test', { size: 1, queueLimit: 2, timeoutMs: 1_500, resourceLimits: { maxOldGenerationSizeMb: 32 }, entry: new URL('./fixture-worker.ts', import.meta.url), ...o });
  pools.push(p);
  return p;
};
const run = (p: WorkerPool, task: string, input: unknown = null) => p.run(task as never, input as never) as Promise<unknown>;
const err = (p: Promise<unknown>) => p.then(() => { throw new Error('expected failure'); }, (e: AwsError) => ({ code: e.code, status: e.status, message: e.message }));

afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

describe('WorkerPool', () => {
  it('answers tasks and carries an AwsError across unchanged', async () => {
    const p = pool();
    expect(await run(p, 'echo', { a: [1, 2], d: new Date(0) })).toEqual({ a: [1, 2], d: new Date(0) });
    expect(await err(run(p, 'fail'))).toEqual({ code: 'InvalidIdentityToken', status: 400, message: 'bad token' });
  }, 60_000);

  // A crash or an out-of-memory must be noticed at once (the deadline is far beyond the test's
  // timeout); a hang is ended by the deadline.
  it.each([
    ['crash', 600_000],
    ['oom', 600_000],
    ['hang', 1_500],
  ] as const)('a worker that dies (%s) fails only its task and is replaced', async (task, timeoutMs) => {
    const p = pool({ timeoutMs });
    await run(p, 'echo', 1);
    const dying = err(run(p, task));
    const queued = run(p, 'echo', 'after'); // waits behind the dying task, served by the replacement
    expect(await dying).toEqual({ code: 'ServiceUnavailable', status: 503, message: 'The request could not be processed in time; retry it.' });
    expect(await queued).toBe('after');
    expect(await run(p, 'echo', 2)).toBe(2);
    expect(p.replaced).toBe(1);
  }, 60_000);

  it('refuses with Throttling when every worker is busy and the queue is full', async () => {
    const p = pool({ timeoutMs: 60_000 });
    await run(p, 'echo', 0);
    const busy = run(p, 'hang').catch(() => 'closed');
    const q1 = run(p, 'echo', 1).catch(() => 'closed');
    const q2 = run(p, 'echo', 2).catch(() => 'closed');
    expect(await err(run(p, 'echo', 3))).toEqual({ code: 'Throttling', status: 400, message: 'Rate exceeded' });
    await p.close();
    expect(await Promise.all([busy, q1, q2])).toEqual(['closed', 'closed', 'closed']);
  }, 60_000);
});
