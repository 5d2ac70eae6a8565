// Identity changes (a logout, a revoked device, a suspended tenant…) reach every node: each node
// publishes its own changes on a Redis channel and replays the other nodes' changes into its
// local IdentityEvents, so the socket or MQTT connection opened under a withdrawn credential
// closes on whichever node holds it (ASVS 3.3.1, 3.3.3). Redis pub/sub delivers at most once: a
// change published while Redis is away reaches the other nodes' connections only at their
// session's expiry or the device's next authentication, which re-reads the store.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { IdentityChange, IdentityEvents } from '../events.ts';

export const IDENTITY_CHANNEL = 'custodia:identity';

const id = z.string().min(1).max(200);
const changeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['device.revoked', 'device.rotated', 'device.removed', 'device.certificate-revoked']), tenantId: id, deviceId: id }).strict(),
  z.object({ type: z.literal('tenant.suspended'), tenantId: id }).strict(),
  z.object({ type: z.literal('user.sessions-ended'), userId: id }).strict(),
  z.object({ type: z.literal('tool-token.revoked'), tenantId: id, tokenId: id }).strict(),
  z.object({ type: z.literal('session.ended'), sessionId: id }).strict(),
]);
const messageSchema = z.object({ from: id, change: changeSchema }).strict();

/** Starts relaying; the returned function stops it. `subscriber` is a connection of its own
 *  (a Redis connection in subscribe mode accepts no other command). */
export async function relayIdentityChanges(opts: {
  events: IdentityEvents;
  publisher: Redis;
  subscriber: Redis;
  nodeId: string;
  onError: (err: unknown) => void;
}): Promise<() => Promise<void>> {
  const { events, publisher, subscriber, nodeId, onError } = opts;
  let replaying = false;
  const unsubscribe = events.subscribe((change: IdentityChange) => {
    if (replaying) return; // another node's change: it published it already
    publisher.publish(IDENTITY_CHANNEL, JSON.stringify({ from: nodeId, change })).catch(onError);
  });
  const onMessage = (channel: string, raw: string) => {
    if (channel !== IDENTITY_CHANNEL) return;
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(raw));
    } catch (err) {
      return onError(err);
    }
    if (parsed.from === nodeId) return;
    replaying = true;
    try {
      events.publish(parsed.change as IdentityChange);
    } catch (err) {
      onError(err);
    } finally {
      replaying = false;
    }
  };
  subscriber.on('message', onMessage);
  await subscriber.subscribe(IDENTITY_CHANNEL);
  return async () => {
    unsubscribe();
    subscriber.off('message', onMessage);
    await subscriber.unsubscribe(IDENTITY_CHANNEL).catch(() => undefined);
  };
}
