import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache/index.js';

describe('createCache', () => {
  it('is in-process without a Redis URL', async () => {
    const cache = createCache({});
    expect(cache.kind).toBe('memory');
    await cache.close();
  });

  it('is Redis with a Redis URL', async () => {
    const cache = createCache({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'tessera-test:', logger: { warn: () => {} } });
    expect(cache.kind).toBe('redis');
    await cache.close();
  });
});
