// Device clocks for the lighting pilot (issue #12, docs/security.md "Device clocks"): a lamp
// reading dated in the far future is stored with its receive time, so it cannot pin the lamp's
// live state (level, power, time) above every real reading that follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { API, connectDevice, lampReading, provision, type Fleet, type TestDevice } from './support.ts';

let h: Harness;
let operator: ApiClient;
let fleet: Fleet;
let lamp: TestDevice | undefined;

beforeAll(async () => {
  h = await bootHarness({ pilots: [createLightingPilot({ tickMs: 50, commsLossIntervals: 0 })], tenantPilots: ['lighting'] });
  operator = await h.as(h.tenants.a.users.operator);
  fleet = await provision(await h.as(h.tenants.a.users['tenant-admin']), { lamps: 2, seed: 11 });
});

afterAll(async () => {
  await lamp?.close().catch(() => undefined);
  await h?.close();
});

describe('lighting: a far-future lamp reading pins nothing (issue #12, ETSI 5.13-1)', () => {
  it('the lamp shows the real reading that followed, and every stored time is the platform’s', async () => {
    const spec = fleet.extra.lamps[0]!;
    const model = fleet.extra.models.find((m) => m.id === spec.modelId)!;
    lamp = await connectDevice(h, fleet.devices.find((d) => d.id === spec.id)!);
    await lamp.publishTelemetry(lampReading(8.64e15, model, 100)); // year 275760
    await lamp.publishTelemetry(lampReading(Date.now(), model, 40));

    await expect.poll(async () => (await operator.get(`${API}/lamps/${spec.id}`)).body.dimLevel, { timeout: 3000 }).toBe(40);
    const detail = (await operator.get(`${API}/lamps/${spec.id}`)).body;
    expect(detail.ts).toBeLessThanOrEqual(Date.now());
    expect(detail.recent.map((r: { dimLevel: number }) => r.dimLevel)).toEqual([100, 40]);
    expect(Math.max(...detail.recent.map((r: { ts: number }) => r.ts))).toBeLessThanOrEqual(Date.now());
  });
});
