// A device's answer to a command on `commands/{id}/ack`: accepted, done or failed. The PUBACK of
// the command itself (delivery) is tracked in ../commands.ts.
import type { PublishPacket } from 'aedes';
import { checkCommandAck } from '../ingest.ts';
import type { BrokerState, PublishCallback } from '../state.ts';
import type { DeviceIdentity } from '../types.ts';
import type { Refusal } from './refuse.ts';

export function createCommandAckHandler(state: BrokerState, refusal: Refusal) {
  const { deps, cfg, metrics, safe } = state;
  return (identity: DeviceIdentity, commandId: string, packet: PublishPacket, callback: PublishCallback): void => {
    packet.retain = false;
    const checked = checkCommandAck(packet.payload as Buffer, cfg.maxPayload);
    if (!checked.ok) {
      return refusal.refuseMessage(identity, packet, 'command-ack', checked.reason, checked.detail, callback);
    }
    metrics.commands.inc({ step: 'acked' });
    safe('commands.acked', () => deps.commands.acked(identity, commandId, checked.value.status, checked.value.detail));
    callback(null);
  };
}
