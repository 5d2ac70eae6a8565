// A device's own `status` message ("online"/"offline"): checked, then kept retained for operator
// tools. Presence itself follows the connection (../presence.ts).
import type { PublishPacket } from 'aedes';
import { checkStatus } from '../ingest.ts';
import type { PublishCallback } from '../state.ts';
import type { DeviceIdentity } from '../types.ts';
import type { Refusal } from './refuse.ts';

export function createStatusHandler(refusal: Refusal) {
  return (identity: DeviceIdentity, packet: PublishPacket, callback: PublishCallback): void => {
    const checked = checkStatus(packet.payload as Buffer);
    if (!checked.ok) return refusal.refuseMessage(identity, packet, 'status', checked.reason, checked.detail, callback);
    callback(null); // kept retained for operator tools; presence itself follows the connection
  };
}
