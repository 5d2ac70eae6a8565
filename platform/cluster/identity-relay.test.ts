import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityEvents, type IdentityChange } from '../events.ts';
import { REDIS_SKIP_NOTICE, hasRedisServer, startRedis, type TestRedis } from '../../validation/support/redis.ts';
import { IDENTITY_CHANNEL, relayIdentityChanges } from './identity-relay.ts';

const installed = hasRedisServer();
if (!installed) console.warn(REDIS_SKIP_NOTICE);

(installed ? describe : describe.skip)(`identity change relay over Redis${installed ? '' : ` — ${REDIS_SKIP_NOTICE}`}`, () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(redis.url);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });

  it("replays another node's changes once, never echoes its own, and drops malformed messages (ASVS 3.3.1)", async () => {
    const a = new IdentityEvents();
    const b = new IdentityEvents();
    const seenA: IdentityChange[] = [];
    const seenB: IdentityChange[] = [];
    a.subscribe((c) => seenA.push(c));
    b.subscribe((c) => seenB.push(c));
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    const stopA = await relayIdentityChanges({ events: a, publisher: client(), subscriber: client(), nodeId: 'a', onError });
    const stopB = await relayIdentityChanges({ events: b, publisher: client(), subscriber: client(), nodeId: 'b', onError });
    a.publish({ type: 'session.ended', sessionId: 'abc' });
    await expect.poll(() => seenB.length).toBe(1);
    expect(seenB[0]).toEqual({ type: 'session.ended', sessionId: 'abc' });
    const raw = client();
    await raw.publish(IDENTITY_CHANNEL, JSON.stringify({ from: 'x', change: { type: 'tenant.suspended' } }));
    await raw.publish(IDENTITY_CHANNEL, 'not json');
    await expect.poll(() => errors.length).toBe(4); // two bad messages, each seen by both nodes
    expect(seenA).toEqual([{ type: 'session.ended', sessionId: 'abc' }]); // its own, once
    expect(seenB).toHaveLength(1);
    await stopA();
    await stopB();
  });

  it("a device certificate's revocation reaches the other nodes, which close the device's connections (ASVS 3.3.1)", async () => {
    const a = new IdentityEvents();
    const b = new IdentityEvents();
    const seenB: IdentityChange[] = [];
    b.subscribe((c) => seenB.push(c));
    const errors: unknown[] = [];
    const stopA = await relayIdentityChanges({ events: a, publisher: client(), subscriber: client(), nodeId: 'a', onError: (e) => errors.push(e) });
    const stopB = await relayIdentityChanges({ events: b, publisher: client(), subscriber: client(), nodeId: 'b', onError: (e) => errors.push(e) });
    const change: IdentityChange = { type: 'device.certificate-revoked', tenantId: 'tenant-a', deviceId: 'lamp-1' };
    a.publish(change);
    await expect.poll(() => seenB.length + errors.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(seenB).toEqual([change]);
    await stopA();
    await stopB();
  });
});
