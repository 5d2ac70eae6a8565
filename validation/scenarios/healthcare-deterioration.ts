// Healthcare pilot: a patient's vitals deteriorate into the NEWS2 high band (aggregate score ≥ 7,
// RCP NEWS2 2017 chart 2 "clinical response"), and the critical alarm must reach the clinician's
// dashboard socket within 2 s. Measured per patient from the moment the deteriorated observation
// set leaves the devices until the alarm event arrives on a socket.io client of the clinician.
import { performance } from 'node:perf_hooks';
import { connectAll, enrolSynthetic, HIGH, listen, NORMAL, percentile, sendSetAtOnce, type Device, type Listener } from '../support/healthcare.ts';
import { syntheticFaker } from '../support/synthetic.ts';
import type { Scenario } from '../types.ts';

const LIMIT_MS = 2000;

interface AlarmEvent {
  subject?: string;
  type?: string;
  severity?: string;
  detail?: { band?: string; total?: number };
}

export const healthcareDeterioration: Scenario = {
  id: 'healthcare.deterioration-alarm',
  title: 'Deterioration raises a NEWS2 high-band alarm at the clinician’s socket within 2 s',
  requirement: 'Healthcare pilot (docs/architecture.md "Pilots"); RCP NEWS2 (2017) aggregate score ≥ 7 → emergency response',
  indicator: 'p95 latency from the deteriorated observation set to the alarm on the clinician’s socket',
  criterion: `every patient alarmed, p95 ≤ ${LIMIT_MS} ms (fast: 5 patients, full: 20)`,
  profile: 'fast',
  needs: ['healthcare'],
  timeoutMs: 120_000,
  async run(ctx) {
    const n = ctx.profile === 'full' ? 20 : 5;
    const h = await ctx.boot({ pilots: ['healthcare'] });
    const operator = await h.as(h.tenants.a.users.operator);
    const f = syntheticFaker(2017);
    const patients = [];
    const devices: Record<string, Device>[] = [];
    for (let i = 0; i < n; i++) {
      const p = await enrolSynthetic(operator, f, i);
      patients.push(p);
      devices.push(await connectAll(h, 'tenant-a', p));
    }
    ctx.defer(async () => {
      for (const set of devices) for (const d of Object.values(set)) await d.close().catch(() => undefined);
    });
    const clinician: Listener = await listen(h, h.tenants.a.users.operator);
    const otherTenant: Listener = await listen(h, h.tenants.b.users.operator);
    ctx.defer(() => {
      clinician.close();
      otherTenant.close();
    });

    const latencies: (number | null)[] = [];
    const scores: (number | null)[] = [];
    for (const [i, p] of patients.entries()) {
      const base = Date.now() - 5 * 60_000;
      await sendSetAtOnce(devices[i]!, NORMAL, base);
      const seen = clinician.events.length;
      const t0 = performance.now();
      await sendSetAtOnce(devices[i]!, HIGH, base + 60_000);
      let latency: number | null = null;
      let score: number | null = null;
      const until = t0 + LIMIT_MS * 3;
      while (performance.now() < until) {
        const hit = clinician.events
          .slice(seen)
          .find((e) => e.type === 'alarm' && (e.payload as AlarmEvent).subject === p.id && (e.payload as AlarmEvent).detail?.band === 'high');
        if (hit) {
          latency = Math.round(performance.now() - t0);
          score = (hit.payload as AlarmEvent).detail?.total ?? null;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      latencies.push(latency);
      scores.push(score);
    }
    const arrived = latencies.filter((l): l is number => l !== null);
    const p95 = arrived.length === n ? percentile(arrived, 95) : Number.POSITIVE_INFINITY;
    const heardByOtherTenant = otherTenant.events.filter((e) => e.type === 'alarm').length;
    return {
      measured: Number.isFinite(p95) ? p95 : `${n - arrived.length} of ${n} never alarmed`,
      unit: Number.isFinite(p95) ? 'ms (p95)' : '',
      pass: arrived.length === n && p95 <= LIMIT_MS && heardByOtherTenant === 0,
      evidence: {
        patients: n,
        alarmed: arrived.length,
        latencyMs: { p50: percentile(arrived, 50), p95: Number.isFinite(p95) ? p95 : null, max: arrived.length ? Math.max(...arrived) : null, each: latencies },
        news2AtAlarm: scores,
        alarmsHeardByTenantB: heardByOtherTenant,
      },
      series: { label: 'Deterioration → alarm at the clinician’s socket, per patient', kind: 'bar', xLabel: 'patient', yLabel: 'ms', points: latencies.map((l, i) => [i + 1, l ?? LIMIT_MS * 3]), threshold: LIMIT_MS },
    };
  },
};
