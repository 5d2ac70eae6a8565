// Telemetry and events: checked against the pilot's schema for the device's kind, then handed to
// the group commit; the PUBACK is sent only once the batch holding the reading is durable
// (docs/architecture.md "Data path of one reading", promise 3), and `accepted` runs after it.
import type { PublishPacket } from 'aedes';
import { uuidv7 } from '../../ids.ts';
import { createGroupCommitter } from '../group-commit.ts';
import { checkReading, readingTime, stampReading, type StampedTime } from '../ingest.ts';
import type { BrokerState, PublishCallback } from '../state.ts';
import type { AcceptedMessage, DeviceIdentity, ReadingFamily } from '../types.ts';
import type { Refusal } from './refuse.ts';

export interface ReadingsHandler {
  handle(identity: DeviceIdentity, family: ReadingFamily, packet: PublishPacket, callback: PublishCallback): void;
  /** Commits and acknowledges every reading already in the pipeline, then runs `accepted`. */
  drain(): Promise<void>;
  /** Readings waiting for, or inside, a commit. */
  pending(): number;
}

export function createReadingsHandler(state: BrokerState, refusal: Refusal): ReadingsHandler {
  const { deps, cfg, log, metrics, counts, safe } = state;

  const committer = createGroupCommitter<AcceptedMessage>({
    batchSize: cfg.batchSize,
    batchMs: cfg.batchMs,
    commit: (tenantId, readings) => deps.commit(tenantId, readings),
    onBatch: ({ key, size, durationMs, ok }) => {
      counts.commits++;
      metrics.batchSize.observe(size);
      metrics.commitSeconds.observe(durationMs / 1000);
      if (!ok) {
        counts.commitFailures++;
        metrics.commitFailures.inc({ tenant: key });
      }
    },
  });

  // `accepted` (the pilots' rules: alarms) runs once per committed batch, right after the batch's
  // publish callbacks queued their PUBACKs, not one turn of the event loop later: under load a
  // turn reads every connection's backlog, and an alarm would wait for it (bench: alarm phase).
  // The PUBACK writes (ticks queued by the callbacks) still run before the rules' async work.
  let acceptedQueue: AcceptedMessage[] = [];
  let acceptedQueued = false;
  const flushAccepted = () => {
    acceptedQueued = false;
    const all = acceptedQueue;
    acceptedQueue = [];
    const byTenant = new Map<string, AcceptedMessage[]>();
    // The accepted counter is bumped once per tenant and family per batch, not per reading.
    const tally = new Map<string, { tenant: string; family: ReadingFamily; n: number }>();
    for (const m of all) {
      const list = byTenant.get(m.tenantId);
      if (list) list.push(m);
      else byTenant.set(m.tenantId, [m]);
      const key = `${m.tenantId}|${m.family}`;
      const t = tally.get(key);
      if (t) t.n++;
      else tally.set(key, { tenant: m.tenantId, family: m.family, n: 1 });
    }
    for (const { tenant, family, n } of tally.values()) metrics.accepted.inc({ tenant, family }, n);
    for (const list of byTenant.values()) safe('accepted', () => deps.accepted(list));
  };
  const queueAccepted = (m: AcceptedMessage) => {
    acceptedQueue.push(m);
    if (!acceptedQueued) {
      acceptedQueued = true;
      process.nextTick(flushAccepted);
    }
  };

  // Kept, not refused: the measurement is real even when the clock is not, and a drifting clock
  // must not silently blind a patient's monitoring (docs/security.md "Device clocks").
  const restamped = (
    identity: DeviceIdentity,
    topic: string,
    family: ReadingFamily,
    s: Extract<StampedTime, { trusted: false }>,
    receivedAt: number,
  ) => {
    const { tenantId, deviceId } = identity;
    metrics.restamped.inc({ tenant: tenantId, verdict: s.verdict });
    state.audit(
      tenantId,
      {
        actor: `device:${deviceId}`,
        action: 'mqtt.reading.restamped',
        target: topic,
        outcome: 'failure',
        details: { verdict: s.verdict, family },
      },
      `mqtt-restamp:${tenantId}:${deviceId}`,
    );
    const offBySeconds = Number.isFinite(s.deviceTs - receivedAt) ? Math.round(Math.abs(s.deviceTs - receivedAt) / 1000) : null;
    refusal.tellDevice(tenantId, deviceId, {
      topic,
      reason: s.verdict === 'ahead' ? 'clock-ahead' : 'clock-too-old',
      detail: `ts is ${offBySeconds ?? 'far'} s ${s.verdict === 'ahead' ? 'ahead of' : 'behind'} the platform clock; the reading was stored with the receive time`,
    });
  };

  const handle: ReadingsHandler['handle'] = (identity, family, packet, callback) => {
    // Readings are never retained: the store is their record, and they stay out of broker memory.
    packet.retain = false;
    if (state.stopping) return callback(new Error('broker is stopping'));
    const payload = packet.payload as Buffer;
    const schema = deps.schemas[family](identity.kind);
    const checked = checkReading(payload, cfg.maxPayload, schema);
    if (!checked.ok) return refusal.refuseMessage(identity, packet, family, checked.reason, checked.detail, callback);
    const receivedAt = Date.now();
    const stamped: StampedTime = cfg.clock
      ? stampReading(checked.value, receivedAt, cfg.clock)
      : { ts: readingTime(checked.value, receivedAt), trusted: true };
    const reading: AcceptedMessage = {
      id: uuidv7(receivedAt),
      tenantId: identity.tenantId,
      deviceId: identity.deviceId,
      kind: identity.kind,
      family,
      ts: stamped.ts,
      receivedAt,
      // Pilots read the payload's `ts`: it must say the same as the stored time, and the
      // device's claim stays beside it, flagged, for whoever investigates the clock.
      data: stamped.trusted ? checked.value : { ...checked.value, ts: stamped.ts, deviceTs: stamped.deviceTs, clock: stamped.verdict },
    };
    if (!stamped.trusted) restamped(identity, packet.topic, family, stamped, receivedAt);
    committer.submit(identity.tenantId, reading, (err) => {
      if (err === undefined) {
        counts.accepted++;
        safe('puback', () => callback(null)); // → PUBACK
        queueAccepted(reading);
        return;
      }
      log.warn({ err, tenantId: identity.tenantId, deviceId: identity.deviceId }, 'reading not committed');
      // No PUBACK: the error closes the connection and the device resends on reconnect.
      safe('puback', () => callback(new Error('reading could not be stored')));
    });
  };

  return {
    handle,
    drain: async () => {
      await committer.drain();
      flushAccepted();
    },
    pending: () => committer.pending(),
  };
}
