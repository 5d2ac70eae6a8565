// Healthcare pilot, patient safety (issue #12 item 1): a device clock that runs wild must not blind
// NEWS2. Two of a patient's devices send one reading each dated far in the future (year 275760,
// and microseconds sent as milliseconds); then the patient deteriorates (SpO2 84 %, pulse 135).
// The clinical alarm must still reach the clinician's socket, and each wild reading must be
// stored with its receive time, counted, audited and explained to its device.
import { connectAll, enrolSynthetic, eventually, HC, listen, NORMAL, type Device } from '../support/healthcare.ts';
import { sendSetAtOnce } from '../support/healthcare.ts';
import { syntheticFaker } from '../support/synthetic.ts';
import type { Scenario } from '../types.ts';

const LIMIT_MS = 5_000;
/** The largest time a JavaScript Date can hold: 13 September 275760. */
const YEAR_275760 = 8.64e15;
const DETERIORATED = { rr: 26, spo2: 84, sys: 95, hr: 135, temp: 39.5 };

export const healthcareFutureReading: Scenario = {
  id: 'healthcare.future-reading',
  title: 'A far-future device time does not blind NEWS2',
  requirement:
    'Patient safety (docs/security.md "Device clocks"); ETSI EN 303 645 provision 5.13-1 (validate input data); RCP NEWS2 (2017) aggregate score ≥ 7 → emergency response',
  indicator: 'time from the deteriorated set to the critical NEWS2 alarm after two far-future readings; wild readings not restamped, counted, audited or explained',
  criterion: `critical alarm ≤ ${LIMIT_MS} ms; both wild readings stored with the receive time, counted (2), audited and told to their devices; the ward board shows the deteriorated values`,
  profile: 'fast',
  needs: ['healthcare'],
  async run(ctx) {
    const h = await ctx.boot({ pilots: ['healthcare'] });
    const operator = await h.as(h.tenants.a.users.operator);
    const p = await enrolSynthetic(operator, syntheticFaker(412), 0);
    const devices: Record<string, Device> = await connectAll(h, 'tenant-a', p);
    const ward = await listen(h, h.tenants.a.users.operator);
    ctx.defer(async () => {
      ward.close();
      for (const d of Object.values(devices)) await d.close().catch(() => undefined);
    });

    await sendSetAtOnce(devices, NORMAL, Date.now() - 60_000);
    const ox = devices['pulse-oximeter']!;
    const thermo = devices['thermometer']!;
    await ox.send('telemetry', { ts: YEAR_275760, spo2: 97, heartRate: 72 });
    await thermo.send('telemetry', { ts: Date.now() * 1000, temperature: 36.8 });
    ctx.log('two far-future readings sent; the patient now deteriorates');

    const start = Date.now();
    await sendSetAtOnce(devices, DETERIORATED, start);
    const alarm = await eventually(
      () =>
        ward.events.find(
          (e) => e.type === 'alarm' && e.payload.subject === p.id && e.payload.type === 'news2' && e.payload.severity === 'critical',
        ),
      'critical NEWS2 alarm',
      LIMIT_MS * 2,
    ).catch(() => null);
    const latencyMs = alarm ? Date.now() - start : null;

    const notices = [ox, thermo].map(
      (d) => (d.errors as { reason?: string; topic?: string }[]).filter((n) => n.reason === 'clock-ahead').length,
    );
    const metric = h.platform.services.metrics.getSingleMetric('custodia_mqtt_restamped_total');
    const counted = metric
      ? (await metric.get()).values.filter((v) => v.labels['tenant'] === 'tenant-a').reduce((sum, v) => sum + v.value, 0)
      : 0;
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = (await auditor.get('/api/v1/audit?limit=1000')).body.items as { seq: number; action: string; actor: string }[];
    const audited = log.filter((e) => e.action === 'mqtt.reading.restamped');
    const vitals = await operator.get(`${HC}/patients/${p.id}/vitals?from=${start - 3_600_000}`);
    const series = (vitals.body.series ?? {}) as Record<string, [number, number][]>;
    const latestStored = Math.max(...Object.values(series).flatMap((points) => points.map((pt) => pt[0])));
    const board = (await operator.get(`${HC}/patients`)).body.items.find((i: { id: string }) => i.id === p.id);
    const now = Date.now();

    const restamped = Number.isFinite(latestStored) && latestStored <= now;
    const boardShowsDeterioration = board?.lastVitals?.spo2 === DETERIORATED.spo2 && board?.lastVitals?.at <= now;
    const auditedDevices = new Set(audited.map((e) => e.actor));
    return {
      measured: latencyMs ?? 'no alarm',
      unit: 'ms to the critical alarm',
      pass:
        latencyMs !== null &&
        latencyMs <= LIMIT_MS &&
        restamped &&
        counted === 2 &&
        auditedDevices.has(`device:${ox.id}`) &&
        auditedDevices.has(`device:${thermo.id}`) &&
        notices.every((n) => n === 1) &&
        boardShowsDeterioration,
      evidence: {
        alarmed: Boolean(alarm),
        alarmTitle: alarm?.payload.title ?? null,
        latencyMs,
        newestStoredVitalTime: Number.isFinite(latestStored) ? new Date(latestStored).toISOString() : null,
        storedWithReceiveTime: restamped,
        restampedCounted: counted,
        auditEntries: audited.map((e) => ({ seq: e.seq, actor: e.actor })),
        noticesToDevices: { pulseOximeter: notices[0], thermometer: notices[1] },
        wardBoard: { spo2: board?.lastVitals?.spo2 ?? null, at: board?.lastVitals?.at ?? null, shows: boardShowsDeterioration },
      },
    };
  },
};
