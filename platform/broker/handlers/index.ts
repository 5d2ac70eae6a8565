// The one dispatcher behind aedes' `authorizePublish`: authorisation (../authorize.ts) first,
// then one handler per topic family. The callback is held by the readings handler until the group
// commit, which is what delays the PUBACK.
import type { AedesOptions } from 'aedes';
import type { Authorization } from '../authorize.ts';
import type { BrokerState } from '../state.ts';
import { createCommandAckHandler } from './command-ack.ts';
import { createReadingsHandler, type ReadingsHandler } from './readings.ts';
import type { Refusal } from './refuse.ts';
import { createStatusHandler } from './status.ts';

type PublishHook = NonNullable<AedesOptions['authorizePublish']>;

export interface PublishDispatcher {
  authorizePublish: PublishHook;
  readings: ReadingsHandler;
}

export function createPublishDispatcher(
  state: BrokerState,
  authorization: Authorization,
  refusal: Refusal,
): PublishDispatcher {
  const readings = createReadingsHandler(state, refusal);
  const onStatus = createStatusHandler(refusal);
  const onCommandAck = createCommandAckHandler(state, refusal);

  const route: PublishHook = (client, packet, callback) => {
    const d = authorization.publish(client, packet);
    if (!d.allow) return callback(d.error);
    const { identity } = d;
    if (!Buffer.isBuffer(packet.payload)) packet.payload = Buffer.from(packet.payload ?? '');
    const family = d.topic.family;
    switch (family) {
      case 'telemetry':
      case 'events':
        return readings.handle(identity, family, packet, callback);
      case 'status':
        return onStatus(identity, packet, callback);
      case 'command-ack':
        return onCommandAck(identity, d.topic.commandId!, packet, callback);
      default:
        return callback(new Error('publish not allowed'));
    }
  };

  const authorizePublish: PublishHook = (client, packet, callback) => {
    try {
      route(client, packet, callback);
    } catch (err) {
      // A throwing dependency (a pilot's schema lookup) must not take the broker down.
      state.log.error({ err, topic: packet.topic }, 'publish handling failed');
      callback(new Error('publish could not be handled'));
    }
  };

  return { authorizePublish, readings };
}
