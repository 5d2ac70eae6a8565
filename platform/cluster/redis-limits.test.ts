// Which way the cluster-wide limits fail when Redis is unreachable (docs/security.md "Cluster
// mode"): each node falls back to an in-memory limiter of the same shape, so the MQTT connect
// throttle and the ingest quota hold per node instead of not at all, and valid devices keep
// connecting. A client on a port nothing listens on stands in for Redis being down.
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisFailureCounter, redisIngestQuota } from './redis-limits.ts';

let redis: Redis;

beforeAll(async () => {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  // As the node makes it (./node.ts): commands fail at once while Redis is away.
  redis = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
});
afterAll(() => redis.disconnect());

describe('cluster limits while Redis is unreachable', () => {
  it('the MQTT connect throttle keeps counting failures on this node (ASVS 2.2.1, ETSI 5.1-5)', async () => {
    const counter = redisFailureCounter(redis, 3, 60_000);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) counts.push(await counter.fail('addr:192.0.2.7'));
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(await counter.fail('addr:192.0.2.8')).toBe(1);
  });

  it("a tenant's ingest quota still holds, per node", async () => {
    const quota = redisIngestQuota(redis);
    expect(await quota.take('tenant-q', 5, 5, 0)).toBe(true);
    expect(await quota.take('tenant-q', 5, 1, 0)).toBe(false);
    expect(await quota.take('tenant-r', 5, 1, 0)).toBe(true);
  });
});
