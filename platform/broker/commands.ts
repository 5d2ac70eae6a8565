// Commands to devices: delivery to an online, subscribed device; pending commands pushed when it
// subscribes to its `commands/+` (or its persistent session comes back); and the device's PUBACK
// of a QoS 1 command matched back to the command id (docs/architecture.md "Commands").
import type { Aedes, AedesPublishPacket, Client } from 'aedes';
import { onPuback } from './aedes-adapter.ts';
import { commandsOf, keyOf, type BrokerState, type DeviceSession } from './state.ts';
import { commandTopic, commandsFilter, isTopicLevel, parseDeviceTopic } from './topics.ts';
import type { CommandWire } from './types.ts';

export interface Commands {
  /** Publishes a command to the device when it is online and subscribed; false otherwise. */
  deliver(tenantId: string, deviceId: string, command: CommandWire): Promise<boolean>;
  deliverPending(s: DeviceSession): Promise<void>;
  /** deliverPending for every device online here, one after another (one store query each). */
  deliverPendingToAll(): Promise<void>;
  /** Gives a QoS 1 command on its way to a device a packet id whose PUBACK is tracked. */
  numberCommandPacket(client: Client, packet: AedesPublishPacket): void;
  /** Listens to PUBACKs, SUBSCRIBEs and UNSUBSCRIBEs of devices. */
  attach(aedes: Aedes): void;
}

export function createCommands(state: BrokerState): Commands {
  const { deps, log, metrics, sessions, online, safe } = state;

  /** Next packet id (1..65535, MQTT-2.3.1-1) not awaiting a PUBACK; undefined when all are, and
   *  aedes then numbers the packet itself (its delivery is just not reported). */
  const allocateMessageId = (s: DeviceSession): number | undefined => {
    for (let i = 0; i < 65535; i++) {
      const id = s.nextMessageId;
      s.nextMessageId = id >= 65535 ? 1 : id + 1;
      if (!s.awaitingPuback?.has(id)) return id;
    }
    return undefined;
  };

  // A QoS 1 command gets its packet id when it is forwarded, so that its PUBACK can be matched to
  // the command (aedes reports PUBACKs of clean sessions without the original packet). Devices
  // receive no other QoS 1 traffic, so these ids cannot collide with ids aedes allocates.
  const numberCommandPacket = (client: Client, packet: AedesPublishPacket) => {
    const principal = state.principals.get(client);
    if (principal?.kind === 'device' && packet.qos > 0 && packet.messageId !== undefined) {
      // A persistent session's unacknowledged command, replayed by aedes from its persistence
      // (on another node in cluster mode) before the device is ready: tracked under its packet id,
      // and not pushed a second time from the store (deliverPending skips what was sent here).
      const session = sessions.get(client);
      const commandId = parseDeviceTopic(packet.topic)?.commandId;
      if (session && commandId && !session.awaitingPuback?.has(packet.messageId)) {
        const { awaitingPuback, sentHere } = commandsOf(session);
        awaitingPuback.set(packet.messageId, commandId);
        sentHere.add(commandId);
      }
      return;
    }
    if (principal?.kind === 'device' && packet.qos > 0 && packet.messageId === undefined) {
      const session = sessions.get(client);
      const commandId = parseDeviceTopic(packet.topic)?.commandId;
      const id = session && commandId ? allocateMessageId(session) : undefined;
      if (session && commandId && id !== undefined) {
        packet.messageId = id;
        commandsOf(session).awaitingPuback.set(id, commandId);
      }
    }
  };

  const matchPuback = (client: Client, messageId: number | undefined) => {
    const s = sessions.get(client);
    if (!s || messageId === undefined) return;
    const waiting = s.awaitingPuback;
    const commandId = waiting?.get(messageId);
    if (!waiting || commandId === undefined) return;
    waiting.delete(messageId);
    metrics.commands.inc({ step: 'delivered' });
    safe('commands.delivered', () => deps.commands.delivered(s.identity.tenantId, commandId));
  };

  const sendCommand = (s: DeviceSession, command: CommandWire): Promise<boolean> => {
    const { tenantId, deviceId } = s.identity;
    const qos = s.commandsQos;
    if (!s.online || !s.ready || qos === null || s.client.closed) return Promise.resolve(false);
    commandsOf(s).sentHere.add(command.id);
    metrics.commands.inc({ step: 'sent' });
    // Reported before the write: the PUBACK may be read before the write callback runs.
    safe('commands.sent', () => deps.commands.sent(tenantId, command.id));
    return new Promise((resolve) => {
      s.client.publish(
        {
          cmd: 'publish',
          topic: commandTopic(tenantId, deviceId, command.id),
          payload: Buffer.from(JSON.stringify(command)),
          qos,
          retain: false,
          dup: false,
        },
        () => resolve(true),
      );
    });
  };

  async function deliverPending(s: DeviceSession): Promise<void> {
    if (s.delivering) {
      s.deliverAgain = true;
      return;
    }
    s.delivering = true;
    try {
      do {
        s.deliverAgain = false;
        const pending = await deps.commands.pendingFor(s.identity);
        for (const command of pending) {
          if (!s.online || s.commandsQos === null) return;
          if (s.sentHere?.has(command.id) || !isTopicLevel(command.id)) continue;
          await sendCommand(s, command);
        }
      } while (s.deliverAgain);
    } catch (err) {
      log.warn({ err, deviceId: s.identity.deviceId }, 'could not deliver pending commands');
    } finally {
      s.delivering = false;
    }
  }

  const deliverPendingToAll = async () => {
    for (const s of [...online.values()]) if (s.ready && s.commandsQos !== null) await deliverPending(s);
  };

  const deliver = async (tenantId: string, deviceId: string, command: CommandWire): Promise<boolean> => {
    if (!isTopicLevel(command.id)) throw new Error(`invalid command id: ${JSON.stringify(command.id)}`);
    const s = online.get(keyOf(tenantId, deviceId));
    if (state.stopping || !s) return false;
    // Already pushed on this connection as pending (the device subscribed between the command's
    // store and this hand-over, which may come from another node): sent, not sent again.
    if (s.sentHere?.has(command.id)) return true;
    return sendCommand(s, command);
  };

  const attach = (aedes: Aedes) => {
    // PUBACKs from devices: the one place that sees their packet ids (./aedes-adapter.ts).
    onPuback(aedes, matchPuback);

    aedes.on('subscribe', (subs, client) => {
      const s = sessions.get(client);
      if (!s) return;
      const filter = commandsFilter(s.identity.tenantId, s.identity.deviceId);
      // Refused subscriptions are reported with QoS 128 (MQTT 3.1.1 section 3.9.3).
      if (subs.some((sub) => sub.topic === filter && (sub.qos as number) !== 128)) void deliverPending(s);
    });

    aedes.on('unsubscribe', (topics, client) => {
      const s = sessions.get(client);
      if (s && topics.includes(commandsFilter(s.identity.tenantId, s.identity.deviceId))) s.commandsQos = null;
    });
  };

  return { deliver, deliverPending, deliverPendingToAll, numberCommandPacket, attach };
}
