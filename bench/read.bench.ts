// `npm run bench:read`: the read paths on a full store (bench/README.md "Read benchmark").
// 1. boots the platform with both pilots, provisions the patients (healthcare tenant) and the
//    lamps (lighting tenant) through the pilots' demo provisioning;
// 2. seeds N readings straight through the storage port: sealed by the series service exactly as
//    the ingest group commit seals them, committed in batches, not over MQTT;
// 3. stops, starts the platform again on that store (start-up time), and times the HTTP requests
//    a clinician and a lighting operator make, printing the table and writing the JSON.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { healthcarePilot } from '../pilots/healthcare/index.ts';
import { createLightingPilot } from '../pilots/lighting/index.ts';
import type { Platform } from '../platform/server.ts';
import type { Reading } from '../platform/services/series.ts';
import { asTenantId } from '../platform/ids.ts';
import { runInTenant, systemContext } from '../platform/tenancy/context.ts';
import { bootHarness, type Harness } from '../validation/support/harness.ts';
import { HC } from '../validation/support/healthcare-steps.ts';
import { figure, readTable, type ReadFigure } from './read-figures.ts';
import { defaultReadReportPath, parseReadOptions, READ_USAGE, type ReadOptions } from './read-options.ts';
import { DAY_MS, seedBatches, seedNews2, seedPlan, type SeedPlan, type SeedSeries } from './read-seed.ts';
import { KINDS } from '../pilots/healthcare/model.ts';
import { news2Puts, newestPerPatient } from '../pilots/healthcare/news2-records.ts';

const LIGHTING = '/api/v1/pilots/lighting';
// Readings per batch: each tenant's share is one Store commit (one transaction, one fsync).
const BATCH = 10_000;
const TARGETS = { chart: 150, board: 200, energy: 1000, startup: 10_000 };

const parsed = parseReadOptions(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`${parsed.error}\n\n${READ_USAGE}\n`);
  process.exit(2);
}
if (parsed.options.help) {
  process.stdout.write(`${READ_USAGE}\n`);
  process.exit(0);
}
const o = parsed.options;
const log = (line: string) => process.stderr.write(`${line}\n`);
/** CPU ms (user + system) of this process per timed request, by figure: server and client share
 *  the process, so on a machine busy with other work this shows what a request costs, which the
 *  wall time (what the targets are about) then overstates. */
const cpuMs: Record<string, number[]> = {};

// The energy report counts a gap longer than 3 report intervals as unknown (no energy): the lamps
// are configured to report as often as the seeded history has them report (at least every minute,
// the pilot's default), so the report integrates what the store holds. Upper bound: at most 7
// devices per patient.
const lampReportMs = Math.max(60_000, seedPlan(o.readings, o.patients * 7 + o.lamps, 0).intervalMs);
const lightingPilot = createLightingPilot({ reportIntervalMs: lampReportMs });
const pilots = [healthcarePilot, lightingPilot];
const boot = (extra: { dataDir?: string; provision?: boolean } = {}) =>
  bootHarness({ pilots, tenantPilots: [healthcarePilot.id, lightingPilot.id], store: o.store, ...extra });

let h: Harness = await boot();
const ward = h.tenants.a;
const city = h.tenants.b;
const dataDir = h.config.dataDir;
let closed = false;
try {
  const series = await provision(h);
  const plan = seedPlan(o.readings, series.length, Date.now());
  const seeding = await seed(h.platform, plan, series);
  const disk = await diskBytes(h);
  await h.close({ keepData: true });
  closed = true;

  const t0 = performance.now();
  h = await boot({ dataDir, provision: false });
  closed = false;
  const startupMs = performance.now() - t0;
  log(`start-up on the seeded store: ${startupMs.toFixed(0)} ms`);
  // The seeded readings bypassed ingest: the lighting pilot builds its energy roll-up from them in
  // the background after start (as for any store from before the roll-up). Measured apart, and
  // waited for, so the read figures time the roll-up path without the build competing for the CPU.
  const rollupBuildMs = await rollupBuilt(h);
  log(`energy roll-up built from the seeded readings ${(rollupBuildMs / 1000).toFixed(1)} s after start-up`);

  const figures = [...(await measure(h, plan)), figure('platform start-up', [startupMs], TARGETS.startup)];
  process.stdout.write(`\n${readTable(figures)}\n`);
  const report = {
    bench: 'read',
    at: new Date().toISOString(),
    options: { ...o, json: undefined },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memBytes: totalmem(), loadavg: loadavg(), node: process.version },
    store: o.store,
    seeding: { ...seeding, diskBytes: disk, series: series.length, plan, lampReportMs, rollupBuildMs },
    figures,
    cpuMs,
  };
  const path = o.json ?? defaultReadReportPath(new Date());
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(report, null, 2) + '\n');
  log(`report: ${path}`);
} finally {
  if (!closed) await h.close({ keepData: o.keep });
  if (o.keep) log(`kept: ${dataDir}${o.store === 'postgres' ? ' (and its PostgreSQL database)' : ''}`);
}


function systemIn(tenantId: string) {
  return systemContext('bench', asTenantId(tenantId));
}

/** Patients and lamps through the pilots' own demo provisioning; the series to fill. */
async function provision(harness: Harness): Promise<SeedSeries[]> {
  const admin = await harness.as(ward.users['tenant-admin']);
  const p = await admin.post(`${HC}/demo/provision`, { patients: o.patients, seed: o.seed });
  if (p.status !== 201) throw new Error(`healthcare provisioning failed: ${p.status} ${JSON.stringify(p.body)}`);
  const cityAdmin = await harness.as(city.users['tenant-admin']);
  const l = await cityAdmin.post(`${LIGHTING}/demo/provision`, { lamps: o.lamps, seed: o.seed });
  if (l.status !== 201) throw new Error(`lighting provisioning failed: ${l.status} ${JSON.stringify(l.body)}`);
  const s = harness.platform.services;
  const patientDevices = (await runInTenant(systemIn(ward.id), () => s.devices.list())).filter((d) => d.subject);
  const lamps = await runInTenant(systemIn(city.id), () => s.devices.list({ kind: 'lamp' }));
  log(`provisioned ${o.patients} patients (${patientDevices.length} devices) and ${lamps.length} lamps`);
  return [
    ...patientDevices.map((d) => ({ tenantId: ward.id, deviceId: d.id, kind: d.kind, subject: d.subject ?? null })),
    ...lamps.map((d) => ({ tenantId: city.id, deviceId: d.id, kind: d.kind, subject: null })),
  ];
}

/**
 * Seals every reading through the series service's own seal (the one ingest's group commit uses)
 * and commits each tenant's share of a batch in one Store commit, with the NEWS2 results the
 * healthcare rules would have stored at the hubs' readings beside them.
 */
async function seed(platform: Platform, plan: SeedPlan, series: SeedSeries[]) {
  const s = platform.services;
  const hubs = new Set(series.filter((x) => x.kind === 'home-hub').map((x) => x.deviceId));
  let news2Stored = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let done = 0;
  let nextReport = 0;
  const ms = { generate: 0, seal: 0, news2: 0, commit: 0 };
  let t = performance.now();
  const lap = (k: keyof typeof ms) => {
    const now = performance.now();
    ms[k] += now - t;
    t = now;
  };
  for (const batch of seedBatches(plan, series, o.seed, BATCH)) {
    const byTenant = new Map<string, Reading[]>();
    for (const r of batch) {
      let list = byTenant.get(r.tenantId);
      if (!list) byTenant.set(r.tenantId, (list = []));
      list.push({ series: r.series, id: r.id, ts: r.ts, subject: r.subject, data: r.data });
    }
    lap('generate');
    for (const [tenantId, readings] of byTenant) {
      await runInTenant(systemIn(tenantId), async () => {
        const points = await s.series.seal(readings);
        lap('seal');
        const records = await s.scopes.current('bench seed');
        const put = tenantId === ward.id ? await news2Of(records, readings) : [];
        lap('news2');
        await records.store.commit({ points, put });
        lap('commit');
      });
    }
    done += batch.length;
    if (done >= nextReport) {
      const secs = (performance.now() - started) / 1000;
      log(`seeded ${done.toLocaleString('en')} / ${plan.readings.toLocaleString('en')} (${Math.round(done / secs).toLocaleString('en')}/s)`);
      nextReport += Math.max(BATCH, Math.floor(plan.readings / 20));
    }
    t = performance.now();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuUsPerReading = (cpu.user + cpu.system) / plan.readings;
  const perSecond = Math.round(plan.readings / seconds);
  log(`seeding: ${plan.readings.toLocaleString('en')} readings in ${seconds.toFixed(1)} s = ${perSecond.toLocaleString('en')}/s (CPU ${cpuUsPerReading.toFixed(0)} µs per reading), with ${news2Stored.toLocaleString('en')} NEWS2 results`);
  log(`seeding time: ${Object.entries(ms).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
  return { readings: plan.readings, seconds, perSecond, cpuUsPerReading, news2: news2Stored, ms };

  /** The NEWS2 results at the hubs' readings, with each patient's latest, sealed in the healthcare
   *  pilot's own record layout (pilots/healthcare/news2-records.ts). */
  async function news2Of(records: Awaited<ReturnType<typeof s.scopes.current>>, readings: Reading[]) {
    const results = readings.filter((r) => hubs.has(r.series)).map((r) => seedNews2(r, o.seed)).filter((n) => n !== null);
    const put = [];
    news2Stored += results.length;
    for (const n of results) put.push(await records.prepare(KINDS.news2, n.id, n, { subject: n.patientId }, n.computedAt));
    for (const n of newestPerPatient(results)) {
      const latest = news2Puts(n)[1]!;
      put.push(await records.prepare(latest.kind, latest.id, latest.data, latest.opts, n.computedAt));
    }
    return put;
  }
}

/** Waits until the lighting installation says its energy roll-up is no longer building; the wait in ms. */
async function rollupBuilt(harness: Harness): Promise<number> {
  const operator = await harness.as(city.users.operator);
  const t0 = performance.now();
  for (;;) {
    const r = await operator.get(`${LIGHTING}/installation`);
    if (r.status !== 200) throw new Error(`installation: ${r.status}`);
    if (!(r.body as { energyRollup?: { building: boolean } }).energyRollup?.building) return performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Bytes the store takes: the data directory (sqlite), or the tenants' databases (postgres). */
async function diskBytes(harness: Harness): Promise<number> {
  if (o.store === 'postgres') {
    // The harness's database holds every scope (schemas per tenant): its size is the store's.
    const url = harness.config.storeUrl;
    if (!url) return Number.NaN;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const r = await client.query<{ size: string }>('select pg_database_size(current_database())::text as size');
      return Number(r.rows[0]!.size);
    } finally {
      await client.end();
    }
  }
  return dirBytes(harness.config.dataDir);
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}

async function timed(n: number, fn: (i: number) => Promise<void>, name = ''): Promise<number[]> {
  await fn(-1); // warm-up: caches and JIT, as a clinician's second look would find them
  const out: number[] = [];
  const cpu: number[] = (cpuMs[name] = []);
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return out;
}

function cpuP50(name: string): number {
  const s = [...(cpuMs[name] ?? [])].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : Number.NaN;
}

async function measure(harness: Harness, plan: SeedPlan): Promise<ReadFigure[]> {
  const clinician = await harness.as(ward.users.operator);
  const operator = await harness.as(city.users.operator);
  const board = await clinician.get(`${HC}/patients`);
  if (board.status !== 200) throw new Error(`ward board: ${board.status}`);
  const ids = (board.body.items as { id: string }[]).map((p) => p.id);
  const ok = (what: string, r: { status: number; body: unknown }) => {
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  };
  const to = plan.to;
  // What the dashboard asks for its 7-day chart (resolution=auto: per hour over 48 h), ending at
  // the newest seeded reading so the open hour holds readings, read raw, as a live patient's would.
  const week = `from=${to - 7 * DAY_MS}&to=${to}`;
  const chartPath = (id: string) => `${HC}/patients/${id}/vitals?${week}&resolution=auto`;
  // Reference: every reading of the 7 days, as before the hourly resolution.
  const chartRaw = await timed(o.samples, async (i) => {
    const id = ids[(i + ids.length) % ids.length]!;
    ok('raw chart', await clinician.get(`${HC}/patients/${id}/vitals?${week}`));
  }, 'chartRaw');
  log(`raw chart: p95 ${figure('', chartRaw, 0).valueMs.toFixed(1)} ms over ${chartRaw.length} samples (CPU p50 ${cpuP50('chartRaw').toFixed(1)} ms)`);
  // A patient's first hourly chart builds the closed hours from the readings (kept after): every
  // patient once, in turn; the warm-up is a raw read, so every timed sample is a first look.
  const firstChart = await timed(ids.length, async (i) => {
    ok('first chart', await clinician.get(i < 0 ? `${HC}/patients/${ids[0]}/vitals?${week}` : chartPath(ids[i]!)));
  }, 'chartFirst');
  log(`first hourly chart (builds the hours): p95 ${figure('', firstChart, 0).valueMs.toFixed(1)} ms over ${firstChart.length} patients (CPU p50 ${cpuP50('chartFirst').toFixed(1)} ms)`);
  await sameCounts(clinician, ids[0]!, week, chartPath(ids[0]!));
  const chart = await timed(o.samples, async (i) => {
    const id = ids[(i + ids.length) % ids.length]!;
    ok('chart', await clinician.get(chartPath(id)));
  }, 'chart');
  log(`chart: p95 ${figure('', chart, 0).valueMs.toFixed(1)} ms over ${chart.length} samples (CPU p50 ${cpuP50('chart').toFixed(1)} ms)`);
  const wardBoard = await timed(o.samples, async () => ok('ward board', await clinician.get(`${HC}/patients`)), 'board');
  log(`ward board: p95 ${figure('', wardBoard, 0).valueMs.toFixed(1)} ms over ${wardBoard.length} samples (CPU p50 ${cpuP50('board').toFixed(1)} ms)`);
  // A month of a whole town is the heaviest request: fewer samples keep the run bounded.
  let kWh = 0;
  const energy = await timed(Math.min(o.samples, 10), async () => {
    const r = await operator.get(`${LIGHTING}/energy?by=group&period=month&from=${to - 30 * DAY_MS}&to=${to}`);
    ok('energy', r);
    kWh = (r.body as { total: { kWh: number } }).total.kWh;
  }, 'energy');
  // A total of zero would mean the report skipped the history as gaps: the figure would be wrong.
  log(`energy: p95 ${figure('', energy, 0).valueMs.toFixed(1)} ms over ${energy.length} samples, CPU p50 ${cpuP50('energy').toFixed(1)} ms (${Math.round(kWh).toLocaleString('en')} kWh in the month)`);
  return [
    figure('7-day chart of one patient (all vitals)', chart, TARGETS.chart),
    figure('  reference: same 7 days, every reading', chartRaw, TARGETS.chart),
    figure("  a patient's first hourly chart (builds)", firstChart, TARGETS.chart),
    figure(`ward board (${ids.length} patients)`, wardBoard, TARGETS.board),
    figure(`monthly energy (${o.lamps} lamps)`, energy, TARGETS.energy),
  ];
}

/** The hourly answer counts every reading the raw one holds (per vital): a chart that answered
 *  fast by leaving readings out would make the figure meaningless. */
async function sameCounts(client: Awaited<ReturnType<Harness['as']>>, id: string, week: string, hourly: string) {
  const raw = await client.get(`${HC}/patients/${id}/vitals?${week}`);
  const hour = await client.get(hourly);
  const rawSeries = (raw.body as { series: Record<string, unknown[]> }).series;
  const hourSeries = (hour.body as { resolution?: string; series: Record<string, { n: number }[]> }).series;
  if ((hour.body as { resolution?: string }).resolution !== 'hour') throw new Error('the 7-day chart did not answer per hour');
  for (const [k, points] of Object.entries(hourSeries)) {
    const n = points.reduce((sum, p) => sum + p.n, 0);
    if (n !== rawSeries[k]?.length) throw new Error(`hourly ${k} counts ${n} readings, raw has ${rawSeries[k]?.length}`);
  }
}
