// A command issued on one node reaches its device connected to another: when the local broker
// does not hold the device, the command goes out on the emitter the brokers share
// (mqemitter-redis, ./shared-broker.ts) and the node that holds the device delivers it through its own broker,
// which then reports "sent" and "delivered" to the shared store as for a local device. A device
// online nowhere keeps its command queued; it is pushed when the device subscribes, on any node.
// The emitter is Redis pub/sub, which keeps nothing for a subscriber that is away: when this
// node's subscriber is back after losing Redis, the devices held here get what is pending for
// them from the store, so a command routed meanwhile is not left queued.
import { z } from 'zod';
import type { Broker } from '../broker/broker.ts';
import type { CommandService, OutgoingCommand } from '../services/commands.ts';
import type { SharedBroker, SharedEmitter } from './shared-broker.ts';

// Under `$SYS`: no device or tool can publish there, and no subscription filter of theirs matches it.
export const COMMANDS_TOPIC = '$SYS/custodia/commands';

const id = z.string().min(1).max(200);
const routedSchema = z.object({
  topic: z.literal(COMMANDS_TOPIC),
  from: id,
  tenantId: id,
  deviceId: id,
  command: z.object({ id, name: z.string().min(1).max(200), payload: z.record(z.string(), z.unknown()), expiresAt: z.number() }).strict(),
});

// The same mapping platform/ingest.ts makes for a local device.
const toBroker = (c: OutgoingCommand) => ({ id: c.id, name: c.name, params: c.payload, issuedAt: Date.now(), expiresAt: c.expiresAt });

export async function routeCommandsAcrossNodes(opts: {
  mq: SharedEmitter;
  onResubscribed: SharedBroker['onResubscribed'];
  nodeId: string;
  commands: CommandService;
  broker: Pick<Broker, 'deliver' | 'isOnline' | 'deliverPendingToAll'>;
  onError: (err: unknown) => void;
}): Promise<() => Promise<void>> {
  const { nodeId, broker, onError, mq } = opts;
  const listener = (raw: Record<string, unknown>, done: () => void) => {
    const parsed = routedSchema.safeParse(raw);
    if (!parsed.success) {
      onError(parsed.error);
      return done();
    }
    const m = parsed.data;
    if (m.from === nodeId || !broker.isOnline(m.tenantId, m.deviceId)) return done();
    broker.deliver(m.tenantId, m.deviceId, toBroker(m.command)).then(
      () => done(),
      (err: unknown) => {
        onError(err);
        done();
      },
    );
  };
  await new Promise<void>((resolve) => mq.on(COMMANDS_TOPIC, listener, () => resolve()));
  let stopped = false;
  opts.onResubscribed(() => {
    if (!stopped) broker.deliverPendingToAll().catch(onError);
  });
  opts.commands.setDeliverer(async (tenantId, deviceId, command) => {
    if (await broker.deliver(tenantId, deviceId, toBroker(command))) return true;
    mq.emit({ topic: COMMANDS_TOPIC, from: nodeId, tenantId, deviceId, command }, (err) => err && onError(err));
    return false; // queued until the holding node reports it sent
  });
  // The emitter belongs to the broker, which closes it when it stops.
  return () =>
    new Promise<void>((resolve) => {
      stopped = true;
      if ((mq as { closed?: boolean }).closed) return resolve();
      mq.removeListener(COMMANDS_TOPIC, listener, () => resolve());
    });
}
