// The demo's history port (PilotContext.demoHistory): a pilot backfills days of synthetic readings,
// alarms and commands for its demo devices on first start, so a fresh demo has charts to show.
// Readings take the path of ingest minus the broker: parsed by their kind's schema, stamped
// (kind, receive time = reading time), sealed with the device subject's key and committed in one
// batch through the series store. Only the demo tenants, only the pilot's own device kinds.
import type { ZodType } from 'zod';
import { DEMO_TENANTS } from './demo.ts';
import { badRequest, forbidden } from './errors.ts';
import { uuidv7 } from './ids.ts';
import type { DemoBackfill, DemoProvision, DeviceKindSpec, PilotContext, PilotDemoHistory, PilotInstance } from './pilot.ts';
import { storedReadingData } from './reading-data.ts';
import type { PlatformServices } from './services/index.ts';
import type { Reading } from './services/series.ts';
import { currentTenant } from './tenancy/context.ts';

const DEMO_TENANT_IDS: ReadonlySet<string> = new Set(DEMO_TENANTS.map((t) => t.id));

/** Whether a tenant is one the demo provisions (pure). */
export const isDemoTenant = (tenantId: string) => DEMO_TENANT_IDS.has(tenantId);

export function demoHistoryPort(
  pilotId: string,
  s: Pick<PlatformServices, 'devices' | 'scopes' | 'series' | 'alarms' | 'commands'>,
  kinds: readonly DeviceKindSpec[],
  now: () => number,
): PilotDemoHistory {
  const schemas = new Map<string, { telemetry: ZodType; events?: ZodType }>(kinds.map((k) => [k.kind, k]));
  const demoTenant = (what: string) => {
    const { tenantId } = currentTenant(`${pilotId}: demoHistory.${what}`);
    if (!isDemoTenant(tenantId)) throw forbidden(`demo history is written only for the demo tenants, not ${tenantId}`);
    return tenantId;
  };
  // Device look-ups, per call: a batch names the same few devices thousands of times.
  const deviceOf = async (cache: Map<string, { kind: string; subject: string | null }>, id: string) => {
    let d = cache.get(id);
    if (!d) {
      const device = await s.devices.get(id);
      if (!device || !schemas.has(device.kind)) throw forbidden(`device ${id} is not a ${pilotId} device of this tenant`);
      d = { kind: device.kind, subject: device.subject ?? null };
      cache.set(id, d);
    }
    return d;
  };
  return {
    async readings(rows) {
      demoTenant('readings');
      const cache = new Map<string, { kind: string; subject: string | null }>();
      const at = now();
      const readings: Reading[] = [];
      for (const r of rows) {
        if (!(r.ts <= at)) throw badRequest(`a history reading lies in the future (${r.deviceId} at ${r.ts})`);
        const d = await deviceOf(cache, r.deviceId);
        const schema = r.family === 'events' ? schemas.get(d.kind)?.events : schemas.get(d.kind)?.telemetry;
        if (!schema) throw badRequest(`kind ${d.kind} has no ${r.family}`);
        const parsed = schema.safeParse(r.data);
        if (!parsed.success) throw badRequest(`history reading of ${r.deviceId} does not match its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        readings.push({
          series: r.family === 'events' ? `${r.deviceId}#events` : r.deviceId,
          id: uuidv7(r.ts),
          ts: r.ts,
          subject: d.subject,
          data: storedReadingData(parsed.data as Record<string, unknown>, { kind: d.kind, receivedAt: r.ts }),
        });
      }
      if (!readings.length) return 0;
      await s.series.append(readings);
      return readings.length;
    },
    async alarms(rows) {
      demoTenant('alarms');
      const at = now();
      for (const a of rows) {
        if (!(a.raisedAt <= at)) throw badRequest('a history alarm lies in the future');
        await s.alarms.recordPast({ ...a, pilot: pilotId });
      }
    },
    async commands(rows) {
      demoTenant('commands');
      const cache = new Map<string, { kind: string; subject: string | null }>();
      const at = now();
      for (const c of rows) {
        if (!(c.at <= at)) throw badRequest('a history command lies in the future');
        await deviceOf(cache, c.deviceId);
        await s.commands.recordPast(c);
      }
    },
  };
}

/** Kind of the record that says a pilot's demo history was written (one per pilot). */
export const HISTORY_MARKER = 'demo.history';

/** Writes `days` of a pilot's demo history into a demo tenant once: skipped (null) when the
 *  marker says it was done, so restarts never write it twice. The marker goes last: a start cut
 *  short mid-way writes it again on the next start rather than leave a half history marked done. */
export async function backfillOnce(
  s: Pick<PlatformServices, 'scopes' | 'audit'>,
  p: { pilotId: string; tenantId: string; instance: PilotInstance; ctx: PilotContext; provision: DemoProvision },
  o: { days: number; seed: number; now: number },
): Promise<(DemoBackfill & { ms: number }) | null> {
  if (!p.instance.backfillDemo || o.days <= 0) return null;
  if (!isDemoTenant(p.tenantId)) throw forbidden(`demo history is written only for the demo tenants, not ${p.tenantId}`);
  const records = await s.scopes.records(p.tenantId);
  if (await records.get(HISTORY_MARKER, p.pilotId)) return null;
  const started = performance.now();
  const to = o.now;
  const from = to - o.days * 86_400_000;
  const done = await p.ctx.inTenant(p.tenantId, () => p.instance.backfillDemo!({ seed: o.seed, from, to, provision: p.provision }));
  await records.put(HISTORY_MARKER, p.pilotId, { from, to, days: o.days, seed: o.seed, ...done });
  await s.audit.record(p.tenantId, { actor: 'system:demo', action: 'demo.backfill', target: `tenant:${p.tenantId}`, outcome: 'success', details: { pilot: p.pilotId, days: o.days, ...done } });
  return { ...done, ms: Math.round(performance.now() - started) };
}
