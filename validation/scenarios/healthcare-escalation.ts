// Healthcare pilot: a critical (NEWS2 high-band) alarm left unacknowledged escalates when its
// deadline passes — not before, and promptly after; an acknowledged one never does (docs/architecture.md
// "Pilots": "escalation when not acknowledged in time"). The deadline is shortened to seconds
// through the pilot's options; the platform's deadline timer runs every 100 ms in this setup.
import { connectAll, enrolSynthetic, HIGH, listen, NORMAL, sendSetAtOnce, type Device, type EnrolledPatient } from '../support/healthcare.ts';
import { syntheticFaker } from '../support/synthetic.ts';
import type { Scenario } from '../types.ts';

const ESCALATE_MS = 1500;
const LATE_LIMIT_MS = 1000;

interface Alarm {
  id: string;
  subject?: string;
  severity: string;
  state: string;
  raisedAt: number;
  escalatedAt?: number;
}

export const healthcareEscalation: Scenario = {
  id: 'healthcare.escalation-on-time',
  title: 'An unacknowledged critical alarm escalates on time; an acknowledged one does not',
  requirement: 'Healthcare pilot (docs/architecture.md "Pilots": alarm acknowledgement and escalation); IEC 60601-1-8 (alarm systems: escalation)',
  indicator: 'escalation time after the deadline (latest over the unacknowledged alarms); early or missing escalations',
  criterion: `every unacknowledged alarm escalated between its deadline (${ESCALATE_MS} ms) and ${LATE_LIMIT_MS} ms after; the acknowledged alarm never`,
  profile: 'fast',
  needs: ['healthcare'],
  timeoutMs: 60_000,
  async run(ctx) {
    const n = ctx.profile === 'full' ? 6 : 3;
    const h = await ctx.boot({ pilots: ['healthcare'], pilotOptions: { healthcare: { escalateAfterMs: ESCALATE_MS } } });
    const operator = await h.as(h.tenants.a.users.operator);
    const f = syntheticFaker(1500);
    const patients: EnrolledPatient[] = [];
    const devices: Record<string, Device>[] = [];
    for (let i = 0; i <= n; i++) {
      const p = await enrolSynthetic(operator, f, i);
      patients.push(p);
      devices.push(await connectAll(h, 'tenant-a', p));
    }
    ctx.defer(async () => {
      for (const set of devices) for (const d of Object.values(set)) await d.close().catch(() => undefined);
    });
    const ward = await listen(h, h.tenants.a.users.operator);
    ctx.defer(() => ward.close());

    const base = Date.now() - 5 * 60_000;
    await Promise.all(patients.map((_, i) => sendSetAtOnce(devices[i]!, NORMAL, base)));
    await Promise.all(patients.map((_, i) => sendSetAtOnce(devices[i]!, HIGH, base + 60_000)));
    const critical = async () => ((await operator.get('/api/v1/alarms?limit=1000')).body.items as Alarm[]).filter((a) => a.severity === 'critical');
    let alarms: Alarm[] = [];
    for (let t = 0; t < 60 && alarms.length < patients.length; t++) {
      alarms = await critical();
      if (alarms.length < patients.length) await new Promise((r) => setTimeout(r, 50));
    }
    // The last patient's alarm is acknowledged at once: it must not escalate.
    const ackedPatient = patients[n]!;
    const acked = alarms.find((a) => a.subject === ackedPatient.id);
    const ack = acked ? await operator.post(`/api/v1/alarms/${acked.id}/ack`, { note: 'seen, calling the patient' }) : null;
    const lastRaised = Math.max(...alarms.map((a) => a.raisedAt));
    await new Promise((r) => setTimeout(r, Math.max(0, lastRaised + ESCALATE_MS + LATE_LIMIT_MS + 500 - Date.now())));

    const final = await critical();
    const rows = patients.slice(0, n).map((p) => {
      const a = final.find((x) => x.subject === p.id);
      const heard = a ? ward.events.find((e) => e.type === 'alarm.escalation' && (e.payload as Alarm).id === a.id) : undefined;
      return {
        raised: Boolean(a),
        escalated: Boolean(a?.escalatedAt),
        afterRaiseMs: a?.escalatedAt ? a.escalatedAt - a.raisedAt : null,
        heardOnSocket: Boolean(heard),
      };
    });
    const ackedFinal = acked ? final.find((x) => x.id === acked.id) : undefined;
    const late = rows.map((r) => (r.afterRaiseMs === null ? Number.POSITIVE_INFINITY : r.afterRaiseMs - ESCALATE_MS));
    const worst = Math.max(...late);
    const early = late.filter((x) => x < 0).length;
    return {
      measured: Number.isFinite(worst) ? worst : 'missing escalation',
      unit: Number.isFinite(worst) ? 'ms after deadline (latest)' : '',
      pass:
        rows.every((r) => r.raised && r.escalated && r.heardOnSocket) &&
        early === 0 &&
        worst <= LATE_LIMIT_MS &&
        ack?.status === 200 &&
        ackedFinal !== undefined &&
        !ackedFinal.escalatedAt,
      evidence: {
        deadlineMs: ESCALATE_MS,
        unacknowledgedAlarms: rows,
        earlyEscalations: early,
        acknowledgedAlarm: { ackStatus: ack?.status ?? null, escalated: Boolean(ackedFinal?.escalatedAt) },
      },
      series: { label: 'Escalation after raise, per unacknowledged alarm', kind: 'bar', xLabel: 'alarm', yLabel: 'ms', points: rows.map((r, i) => [i + 1, r.afterRaiseMs ?? 0]), threshold: ESCALATE_MS + LATE_LIMIT_MS },
    };
  },
};
