// The refusal path shared by every topic family: a well-formed publish with a bad payload is
// acknowledged (a bad message is not a reason to drop the device), counted, audited, never
// forwarded nor retained, and the device is told why on its `…/errors` topic.
import type { PublishPacket } from 'aedes';
import type { RejectReason } from '../ingest.ts';
import { aedesOf, type BrokerState, type PublishCallback } from '../state.ts';
import { errorsTopic, isTopicLevel, type TopicFamily } from '../topics.ts';
import type { DeviceIdentity } from '../types.ts';

export interface DeviceNotice {
  topic: string;
  reason: string;
  detail: string;
}

export interface Refusal {
  /** Tells a device on its `…/errors` topic why something it sent was refused (QoS 0). */
  tellDevice(tenantId: string, deviceId: string, notice: DeviceNotice): void;
  refuseMessage(
    identity: DeviceIdentity,
    packet: PublishPacket,
    family: TopicFamily,
    reason: RejectReason,
    detail: string,
    callback: PublishCallback,
  ): void;
}

const noop = () => {};

export function createRefusal(state: BrokerState): Refusal {
  const { metrics, counts, refusedPayloads } = state;

  const tellDevice: Refusal['tellDevice'] = (tenantId, deviceId, notice) => {
    if (!isTopicLevel(tenantId) || !isTopicLevel(deviceId)) return;
    const body = { topic: notice.topic, reason: notice.reason, detail: notice.detail, at: Date.now() };
    aedesOf(state).publish(
      {
        cmd: 'publish',
        topic: errorsTopic(tenantId, deviceId),
        payload: Buffer.from(JSON.stringify(body)),
        qos: 0,
        retain: false,
        dup: false,
      },
      noop,
    );
  };

  const refuseMessage: Refusal['refuseMessage'] = (identity, packet, family, reason, detail, callback) => {
    const { tenantId, deviceId } = identity;
    counts.rejected++;
    metrics.rejected.inc({ tenant: tenantId, reason });
    state.audit(
      tenantId,
      {
        actor: `device:${deviceId}`,
        action: 'mqtt.message.rejected',
        target: packet.topic,
        outcome: 'failure',
        details: { reason, family },
      },
      `mqtt-reject:${tenantId}:${deviceId}`,
    );
    tellDevice(tenantId, deviceId, { topic: packet.topic, reason, detail });
    packet.retain = false;
    refusedPayloads.add(packet.payload as Buffer);
    callback(null); // acknowledged: a bad message is not a reason to drop the device
  };

  return { tellDevice, refuseMessage };
}
