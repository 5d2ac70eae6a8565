// The demo's history on first start (platform/demo-history.ts): each pilot backfills its demo
// tenant through PilotContext.demoHistory, readings sealed and stamped as ingest stores them, NEWS2
// results, alarms and switch commands beside them; a restart writes nothing again; other tenants,
// other pilots' devices and malformed payloads are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { backfillOnce } from '../../platform/demo-history.ts';
import { ensureDemoAccounts } from '../../platform/demo.ts';
import type { DemoProvision, PilotContext, PilotInstance } from '../../platform/pilot.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';

const DAY = 86_400_000;
let h: Harness;
const provisions = new Map<string, DemoProvision>();
const TENANT: Record<string, string> = { healthcare: 'care-demo', lighting: 'city-demo' };

const parts = (pilotId: string) => ({
  pilotId,
  tenantId: TENANT[pilotId]!,
  instance: h.platform.pilotInstance(pilotId) as PilotInstance,
  ctx: h.platform.pilotContext(pilotId) as PilotContext,
  provision: provisions.get(pilotId)!,
});

beforeAll(async () => {
  h = await bootHarness({ pilots: await loadPilots(), tenantPilots: ['healthcare', 'lighting'] });
  await ensureDemoAccounts(h.platform.services);
  for (const [pilotId, size] of [['healthcare', 2], ['lighting', 6]] as const) {
    const { ctx, instance, tenantId } = parts(pilotId);
    provisions.set(pilotId, await ctx.inTenant(tenantId, () => instance.seedDemo!({ seed: 42, size })));
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('demo history backfill', () => {
  const now = Date.now();
  let counts: Record<string, number> = {};

  it('healthcare: readings of every device, NEWS2 results and the episode\'s alarm, once', async () => {
    const p = parts('healthcare');
    const done = await backfillOnce(h.platform.services, p, { days: 4, seed: 42, now });
    expect(done).not.toBeNull();
    expect(done!.readings).toBeGreaterThan(1000);
    expect(done!.alarms).toBeGreaterThanOrEqual(1);
    await p.ctx.inTenant(p.tenantId, async () => {
      for (const d of p.provision.devices) {
        counts[d.id] = await p.ctx.series.count(d.id);
        expect(counts[d.id], d.kind).toBeGreaterThan(0);
      }
      const oximeter = p.provision.devices.find((d) => d.kind === 'pulse-oximeter')!;
      const rows = await p.ctx.series.range<Record<string, unknown>>(oximeter.id, { from: now - 4 * DAY, to: now });
      // Stamped as ingest stamps a reading: its kind and a receive time beside the payload.
      expect(rows[0]!.data).toMatchObject({ kind: 'pulse-oximeter', receivedAt: rows[0]!.ts });
      expect(rows[0]!.subject).toBe(oximeter.subject);
      expect(rows[0]!.ts).toBeGreaterThanOrEqual(now - 4 * DAY);
      const news2 = await (await p.ctx.records()).count('hc.news2');
      expect(news2).toBeGreaterThan(100);
      const alarms = await p.ctx.alarms.list({ state: 'cleared' });
      expect(alarms.some((a) => a.type === 'news2' && a.severity === 'critical' && a.raisedAt < now - DAY)).toBe(true);
      expect(await p.ctx.alarms.list({ state: 'active' })).toEqual([]);
    });
  });

  it('lighting: lamp readings and the last day\'s switch commands, done', async () => {
    const p = parts('lighting');
    const done = await backfillOnce(h.platform.services, p, { days: 2, seed: 42, now });
    expect(done!.commands).toBeGreaterThan(0);
    await p.ctx.inTenant(p.tenantId, async () => {
      const lamp = p.provision.devices.find((d) => d.kind === 'lamp')!;
      counts[lamp.id] = await p.ctx.series.count(lamp.id);
      expect(counts[lamp.id]).toBeGreaterThan(100);
      const cmds = await p.ctx.commands.list({ deviceId: lamp.id });
      expect(cmds.length).toBeGreaterThan(0);
      expect(cmds.every((c) => c.status === 'done' && c.createdAt < now)).toBe(true);
    });
  });

  it('a restart writes nothing again (the marker)', async () => {
    for (const pilotId of ['healthcare', 'lighting']) {
      const p = parts(pilotId);
      expect(await backfillOnce(h.platform.services, p, { days: 4, seed: 42, now: Date.now() })).toBeNull();
      await p.ctx.inTenant(p.tenantId, async () => {
        for (const [id, n] of Object.entries(counts)) {
          if (p.provision.devices.some((d) => d.id === id)) expect(await p.ctx.series.count(id)).toBe(n);
        }
      });
    }
  });

  it('refuses tenants other than the demo\'s, devices of no kind of the pilot, and payloads its schema refuses', async () => {
    const p = parts('healthcare');
    await expect(backfillOnce(h.platform.services, { ...p, tenantId: h.tenants.a.id }, { days: 1, seed: 1, now })).rejects.toMatchObject({ status: 403 });
    await expect(p.ctx.inTenant(h.tenants.a.id, () => p.ctx.demoHistory.readings([]))).rejects.toMatchObject({ status: 403 });
    const lamp = provisions.get('lighting')!.devices[0]!.id;
    await expect(
      p.ctx.inTenant('care-demo', () => p.ctx.demoHistory.readings([{ deviceId: lamp, family: 'telemetry', ts: now - DAY, data: {} }])),
    ).rejects.toMatchObject({ status: 403 });
    const ox = p.provision.devices.find((d) => d.kind === 'pulse-oximeter')!.id;
    await expect(
      p.ctx.inTenant('care-demo', () => p.ctx.demoHistory.readings([{ deviceId: ox, family: 'telemetry', ts: now - DAY, data: { ts: now - DAY, spo2: 'high' } }])),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      p.ctx.inTenant('care-demo', () => p.ctx.demoHistory.readings([{ deviceId: ox, family: 'telemetry', ts: now + DAY, data: { ts: now + DAY, spo2: 97, heartRate: 70 } }])),
    ).rejects.toMatchObject({ status: 400 });
  });
});
