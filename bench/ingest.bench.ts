// `npm run bench`: QoS 1 ingest measured side by side, in one run, on this machine:
//   (a) aedes     a bare aedes broker, allow-all, no pipeline: the ceiling of the broker itself
//   (c) mosquitto the C broker, anonymous, no persistence, when it is installed
//   (b) custodia  the full ingest path: device authentication, topic ACL, schema validation,
//                 sealing (AES-256-GCM), group commit to sqlite, PUBACK only after the commit
// Each target runs in its own child process on a free 127.0.0.1 port and is driven by real
// mqtt.js clients in a separate load-generator process (./load.ts), phase by phase:
//   light  an open-loop schedule at --light-rate readings/s: latency on a nearly idle platform
//   fixed  an open-loop schedule at --rate readings/s: latency at a given load
//   max    every device keeps --window messages in flight: the sustained maximum
// For Custodia the server is then killed with SIGKILL and its data directory reopened: every
// acknowledged reading must be in the store (./verify-store.ts).
//
// Cores: the server under test is one Node process, so it uses about one core (sqlite and
// AES-GCM run on its main thread); one load process takes the other. A second load process
// (--load-procs 2) would compete with the server for its core, so the default is one, and the
// table shows both processes' CPU so a figure limited by the generator is visible as such.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { arch, cpus, platform as osPlatform, release, tmpdir, totalmem, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { BENCH_TENANT } from './credentials.ts';
import { USAGE, benchTargets, defaultReportPath, parseOptions, type BenchOptions, type TargetName } from './options.ts';
import {
  cpuPressureNow,
  cpuSeconds,
  cpuStallSeconds,
  machineBusySeconds,
  peakRssBytes,
  spawnChild,
  type Child,
} from './procs.ts';
import {
  combinePhase,
  judge,
  ratios,
  renderGoals,
  renderIngest,
  renderResults,
  type LoadPhaseReport,
  type PhaseFigures,
  type PhaseName,
  type TargetResult,
  type WindowSample,
} from './report.ts';
import { fetchIngestMetrics, metricsBetween } from './metrics.ts';
import { cpuRatios, renderCpuRatios } from './cpu-per-reading.ts';
import { lightLoad, renderLightLoad } from './light-load.ts';
import { connectAlarmProber, renderAlarm, summariseAlarms } from './alarm-latency.ts';
import type { Credentials } from './credentials.ts';
import { renderMemory, runMemory, memoryRatio, type MemoryPerDevice } from './memory-per-device.ts';
import type { HeapAnswer } from './heap-probe.ts';
import { PG_SKIP_NOTICE, findPostgres } from '../validation/support/postgres.ts';
import { verifyStore } from './verify-store.ts';
import { BENCH_METRICS_TOKEN, CONNECT_TIMEOUT_MS, findOnPath, node, root, startServer, tsx, type RunOptions, type Server } from './servers.ts';
import { missingClusterPackages } from '../scripts/cluster/rig.ts';

/** The comparison lines of --nodes and --store postgres: each variant against its baseline. */
function renderVariants(results: TargetResult[], opts: BenchOptions): string[] {
  const pairs: [TargetName, TargetName, string][] = [
    ['custodia-pg', 'custodia', 'PostgreSQL vs SQLite, one node'],
    ['custodia-cluster', 'custodia-pg', `${opts.nodes} nodes through HAProxy vs one node, both on PostgreSQL`],
  ];
  const out: string[] = [];
  for (const [a, b, what] of pairs) {
    const ra = results.find((r) => r.target === a && r.status === 'ok');
    const rb = results.find((r) => r.target === b && r.status === 'ok');
    if (!ra || !rb) continue;
    out.push(`${what}:`);
    for (const phase of ['fixed', 'max'] as PhaseName[]) {
      const pa = ra.phases.find((p) => p.phase === phase);
      const pb = rb.phases.find((p) => p.phase === phase);
      if (!pa || !pb) continue;
      out.push(`  ${phase.padEnd(5)} ${a} ${pa.ackedPerS}/s p99 ${pa.latencyMs.p99} ms   ${b} ${pb.ackedPerS}/s p99 ${pb.latencyMs.p99} ms   ratio ${pb.ackedPerS ? (pa.ackedPerS / pb.ackedPerS).toFixed(2) : '?'}`);
    }
  }
  return out;
}

const TITLES: Record<TargetName, string> = {
  aedes: 'bare aedes 1.x, allow-all, in-memory persistence, no pipeline',
  mosquitto: 'mosquitto, anonymous, QoS 1 without persistence',
  custodia: 'Custodia: auth, ACL, validation, sealing, group commit, PUBACK after commit',
  'custodia-pg': 'Custodia, one node on PostgreSQL',
  'custodia-cluster': 'Custodia cluster: N nodes on PostgreSQL and Redis, devices through HAProxy',
};

/** The targets that run the real platform (and get the SIGKILL-and-count store check). */
const isCustodia = (t: TargetName) => t === 'custodia' || t === 'custodia-pg' || t === 'custodia-cluster';

const DRAIN_MS = 10_000;

function startLoads(target: TargetName, opts: BenchOptions, server: Server): Child[] {
  const perPhaseMs = (opts.warmup + opts.seconds) * 1000 + DRAIN_MS + 5_000;
  const lifetime = CONNECT_TIMEOUT_MS + 3 * perPhaseMs + 120_000;
  const procs = Math.min(opts.loadProcs, opts.devices);
  return Array.from({ length: procs }, (_, i) => {
    const from = Math.floor((opts.devices * i) / procs);
    const to = Math.floor((opts.devices * (i + 1)) / procs);
    const spec = {
      label: `load-${target}-${i}`,
      port: server.port,
      credsFile: server.credsFile,
      from,
      to,
      window: opts.window,
      reportEdges: i === 0,
      maxLifetimeMs: lifetime,
    };
    return spawnChild(spec.label, node, [...tsx, join(root, 'bench/load.ts'), JSON.stringify(spec)], { cwd: root });
  });
}

async function runPhase(
  phase: PhaseName,
  opts: BenchOptions,
  server: Server,
  loads: Child[],
  clients: number[],
): Promise<PhaseFigures> {
  const total = clients.reduce((a, b) => a + b, 0);
  // Custodia's counters are read between phases, not at the window's edges: a scrape inside the
  // window would itself delay the readings being measured.
  const scrape = () => (server.httpPort === undefined ? Promise.resolve(null) : fetchIngestMetrics(server.httpPort, BENCH_METRICS_TOKEN));
  const metricsFrom = await scrape();
  const startAt = Date.now() + 300;
  const warmupMs = opts.warmup * 1000;
  const measureMs = opts.seconds * 1000;
  loads.forEach((l, i) =>
    l.send({
      cmd: 'phase',
      name: phase,
      mode: phase === 'max' ? 'saturate' : 'rate',
      ...(phase === 'max' ? {} : { rate: ((phase === 'light' ? opts.lightRate : opts.rate) * clients[i]!) / total }),
      startAt,
      warmupMs,
      measureMs,
      drainMs: DRAIN_MS,
    }),
  );
  // Server CPU over the same window as the clients' figures (load process 0 reports the edges).
  const edgeWait = warmupMs + measureMs + 30_000;
  const lead = loads[0]!;
  const sample = (): WindowSample => ({
    serverCpu: server.pids.reduce<number | null>((n, pid) => {
      const c = cpuSeconds(pid);
      return n === null || c === null ? null : n + c;
    }, 0),
    machineBusy: machineBusySeconds(),
    cpuStall: cpuStallSeconds(),
  });
  await lead.next((m) => m['type'] === 'edge' && m['edge'] === 'open' && m['phase'] === phase, edgeWait);
  const from = sample();
  await lead.next((m) => m['type'] === 'edge' && m['edge'] === 'close' && m['phase'] === phase, edgeWait);
  const to = sample();
  const parts = await Promise.all(
    loads.map((l) => l.next<LoadPhaseReport>((m) => m['type'] === 'phase' && m['name'] === phase, DRAIN_MS + 30_000)),
  );
  if (!server.child.alive()) throw new Error(`the ${server.child.name} server died during the ${phase} phase`);
  const metricsTo = await scrape();
  const figures = combinePhase(phase, opts.window, parts, from, to);
  if (metricsFrom && metricsTo) figures.ingest = metricsBetween(metricsFrom, metricsTo);
  return figures;
}

/** The alarm phase (./alarm-latency.ts): the fixed-rate machinery at 80 % of the maximum just
 *  measured, with the dashboards connected and the alarm devices publishing inside its window. */
async function runAlarmPhase(opts: RunOptions, server: Server, loads: Child[], clients: number[], maxPerS: number, log: (m: string) => void) {
  const share = opts.alarmLoad / 100;
  const offered = Math.max(1, Math.round(maxPerS * share));
  const creds = JSON.parse(readFileSync(server.credsFile, 'utf8')) as Credentials;
  const prober = await connectAlarmProber(server.httpPort!, server.port, creds, opts.dashboards);
  try {
    log(`alarm phase: ${opts.alarmProbes} alarms, ${opts.dashboards} dashboards, load ${offered}/s (${opts.warmup} s warm-up + ${opts.seconds} s measured)`);
    // runPhase starts the load 300 ms from now; the probes go out inside the measured window.
    const probes = prober.run(300 + opts.warmup * 1000, opts.seconds * 1000);
    const [figures, heard] = await Promise.all([runPhase('fixed', { ...opts, rate: offered }, server, loads, clients), probes]);
    const alarm = summariseAlarms(heard.latencies, heard.missed, {
      loadShare: share,
      offeredPerS: offered,
      ackedPerS: figures.ackedPerS,
      dashboards: opts.dashboards,
      probes: opts.alarmProbes,
      load: {
        pubackMs: { p50: figures.latencyMs.p50, p99: figures.latencyMs.p99 },
        serverCpuPct: figures.serverCpuPct,
        loadCpuPct: figures.loadCpuPct,
        otherCpuPct: figures.otherCpuPct,
        maxBehind: figures.maxBehind,
      },
    });
    log(`alarm: p95 ${alarm.latencyMs.p95} ms, ${alarm.missed} missed, load ${figures.ackedPerS}/s acked`);
    return alarm;
  } finally {
    await prober.close();
  }
}

async function runTarget(target: TargetName, opts: RunOptions, runDir: string): Promise<TargetResult> {
  const base = { target, title: TITLES[target], devices: opts.devices, connected: 0, connectMs: 0, phases: [], peakRssBytes: null };
  const log = (msg: string) => process.stderr.write(`  ${target}: ${msg}\n`);
  log('starting server');
  const server = await startServer(target, opts, runDir);
  if ('skipped' in server) return { ...base, status: 'skipped', reason: server.skipped };
  const loads: Child[] = [];
  try {
    if (server.provisionMs !== undefined) log(`provisioned ${opts.devices} devices in ${server.provisionMs} ms`);
    loads.push(...startLoads(target, opts, server));
    const connected = await Promise.all(
      loads.map((l) => l.next<{ clients: number; failures: number; firstFailures: string[]; ms: number }>((m) => m['type'] === 'connected', CONNECT_TIMEOUT_MS)),
    );
    const clients = connected.map((c) => c.clients);
    const result: TargetResult = {
      ...base,
      status: 'ok',
      connected: clients.reduce((a, b) => a + b, 0),
      connectMs: Math.max(...connected.map((c) => c.ms)),
      phases: [],
      ...(server.provisionMs !== undefined ? { provisionMs: server.provisionMs } : {}),
    };
    log(`${result.connected}/${opts.devices} devices connected in ${result.connectMs} ms`);
    const failures = connected.flatMap((c) => c.firstFailures);
    if (failures.length) log(`connection failures, e.g. ${failures.join('; ')}`);
    if (result.connected === 0) throw new Error('no device could connect');

    const phases: PhaseName[] = [...(opts.lightRate > 0 ? ['light' as const] : []), 'fixed', ...(opts.maxRate ? ['max' as const] : [])];
    for (const phase of phases) {
      log(`${phase} phase (${opts.warmup} s warm-up + ${opts.seconds} s measured)`);
      const figures = await runPhase(phase, opts, server, loads, clients);
      result.phases.push(figures);
      log(`${phase}: ${figures.ackedPerS}/s acked, p99 ${figures.latencyMs.p99} ms`);
    }
    const max = result.phases.find((p) => p.phase === 'max');
    if (max && opts.alarmProbes > 0 && (target === 'custodia' || target === 'custodia-pg') && server.httpPort !== undefined) {
      result.alarm = await runAlarmPhase(opts, server, loads, clients, max.ackedPerS, log);
    }

    const ackedFiles = loads.map((_, i) => join(runDir, `${target}-acked-${i}.json`));
    loads.forEach((l, i) => l.send({ cmd: 'finish', ...(isCustodia(target) ? { ackedFile: ackedFiles[i] } : {}) }));
    await Promise.all(loads.map((l) => l.next((m) => m['type'] === 'done', 30_000)));
    result.peakRssBytes = peakRssBytes(server.child.pid);
    if (server.httpPort !== undefined) {
      const metrics = await fetchIngestMetrics(server.httpPort, BENCH_METRICS_TOKEN);
      if (metrics) result.metrics = metrics;
    }

    if (isCustodia(target) && server.dataDir) {
      // SIGKILL: what is in the store now is what was durably committed, with no drain at exit.
      // A profiled run stops gracefully instead, so that V8 writes the profile.
      await server.child.kill(opts.profile ? 'SIGTERM' : 'SIGKILL');
      await server.cleanup?.();
      log('checking every acknowledged reading in the store');
      result.store = await verifyStore(server.dataDir, BENCH_TENANT, ackedFiles, server.storeUrl);
      log(`store: ${result.store.stored} readings, ${result.store.lost} lost (checked in ${result.store.durationMs} ms)`);
    }
    return result;
  } finally {
    await Promise.all([...loads.map((l) => l.kill()), server.child.kill()]);
    await server.cleanup?.();
  }
}

// ---- memory per connected device (--idle-devices) ------------------------------------------

async function measureMemory(target: TargetName, opts: RunOptions, runDir: string): Promise<MemoryPerDevice | null> {
  const memDir = mkdtempSync(join(runDir, `memory-${target}-`));
  const lightOpts: RunOptions = { ...opts, lightRate: opts.lightRate || 200 };
  return runMemory<Server, Child>(
    {
      start: async (devices) => {
        const s = await startServer(target, { ...opts, devices, profile: false }, memDir);
        if ('skipped' in s) throw new Error(s.skipped);
        return s;
      },
      load: async (server, from, to) => {
        const spec = {
          label: `memory-${target}-${from}`,
          port: server.port,
          credsFile: server.credsFile,
          from,
          to,
          window: opts.window,
          reportEdges: from === 0,
          maxLifetimeMs: 2 * CONNECT_TIMEOUT_MS + 4 * ((opts.warmup + opts.seconds) * 1000 + DRAIN_MS) + 120_000,
        };
        const proc = spawnChild(spec.label, node, [...tsx, join(root, 'bench/load.ts'), JSON.stringify(spec)], { cwd: root });
        const c = await proc.next<{ clients: number }>((m) => m['type'] === 'connected', CONNECT_TIMEOUT_MS);
        return { proc, clients: c.clients };
      },
      // The fixed-rate machinery at the light rate; the phase is named 'light' in the load's report.
      light: (server, loads, clients) => runPhase('light', lightOpts, server, loads, clients),
      peakRss: (server) => peakRssBytes(server.child.pid),
      retainedHeap: async (server) => {
        if (target === 'mosquitto') return null;
        server.child.send({ type: 'heap' });
        const a = await server.child.next<HeapAnswer>((m) => m['type'] === 'heap', 60_000);
        return a.heapUsedBytes;
      },
      stop: async (server, loads) => {
        await Promise.all([...loads.map((l) => l.kill()), server.child.kill()]);
      },
    },
    opts.devices,
    opts.idleDevices,
  );
}

// ---- main ------------------------------------------------------------------------------------

function machine() {
  const c = cpus();
  let mosquittoVersion: string | null = null;
  const bin = findOnPath('mosquitto');
  if (bin) {
    try {
      mosquittoVersion = /version (\S+)/.exec(execFileSync(bin, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[1] ?? null;
    } catch (err) {
      // `mosquitto -h` exits with status 3 after printing its usage.
      const out = String((err as { stdout?: unknown }).stdout ?? '');
      mosquittoVersion = /version (\S+)/.exec(out)?.[1] ?? null;
    }
  }
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return null;
    }
  };
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osPlatform()} ${release()} ${arch()}`,
    node: process.version,
    aedes: pkg('aedes'),
    mqtt: pkg('mqtt'),
    betterSqlite3: pkg('better-sqlite3'),
    mosquitto: mosquittoVersion,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  const options = parsed.options;
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const targets = benchTargets(options);
  let pgAdminUrl: string | null = null;
  if (targets.some((t) => t === 'custodia-pg' || t === 'custodia-cluster')) {
    pgAdminUrl = await findPostgres();
    if (!pgAdminUrl) {
      process.stderr.write(`--store postgres / --nodes: ${PG_SKIP_NOTICE.replace(/^skipped: /, '')}\n`);
      return 2;
    }
  }
  if (targets.includes('custodia-cluster')) {
    const missing = missingClusterPackages();
    if (missing.length) {
      process.stderr.write(`--nodes: needs the Debian package${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} (apt-get install ${missing.join(' ')})\n`);
      return 2;
    }
  }
  const opts: RunOptions = { ...options, ...(pgAdminUrl ? { pgAdminUrl } : {}), databases: [] };
  const startedAt = new Date();
  const jsonPath = resolve(root, opts.json ?? defaultReportPath(startedAt));
  const runDir = mkdtempSync(join(tmpdir(), 'custodia-bench-'));
  const info = machine();
  const batch = {
    INGEST_BATCH_SIZE: process.env['INGEST_BATCH_SIZE'] ?? '(default)',
    INGEST_BATCH_MS: process.env['INGEST_BATCH_MS'] ?? '(default)',
  };
  process.stderr.write(
    `ingest benchmark: ${opts.devices} devices, light ${opts.lightRate}/s, fixed ${opts.rate}/s, ${opts.warmup}+${opts.seconds} s per phase, ` +
      `window ${opts.window}, ${opts.loadProcs} load process(es), targets ${targets.join(', ')}; ${info.cpus} × ${info.cpuModel}, node ${info.node}\n`,
  );

  const pressure = cpuPressureNow();
  if (pressure !== null && pressure > 10) {
    process.stderr.write(
      `warning: the machine is busy (CPU pressure ${pressure}% over the last 10 s): other processes will ` +
        'compete with the servers and the load, and the figures will be lower bounds\n',
    );
  }

  const results: TargetResult[] = [];
  try {
    for (const target of targets) {
      try {
        const result = await runTarget(target, opts, runDir);
        if (opts.idleDevices > 0 && target !== 'mosquitto' && result.status === 'ok') {
          process.stderr.write(`  ${target}: memory run, ${opts.devices} then ${opts.idleDevices} devices\n`);
          // A failed memory run loses its own figure, not the phases already measured.
          const memory = await measureMemory(target, opts, runDir).catch((err: unknown) => {
            process.stderr.write(`  ${target}: memory run failed: ${err instanceof Error ? err.message : String(err)}\n`);
            return null;
          });
          if (memory) result.memory = memory;
        }
        results.push(result);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        process.stderr.write(`  ${target}: failed: ${reason}\n`);
        results.push({ target, title: TITLES[target], status: 'failed', reason, devices: opts.devices, connected: 0, connectMs: 0, phases: [], peakRssBytes: null });
      }
    }
  } finally {
    if (opts.keep) {
      process.stderr.write(`data kept in ${runDir}${opts.databases.length ? ` and PostgreSQL database(s) ${opts.databases.map((d) => d.name).join(', ')}` : ''}\n`);
    } else {
      rmSync(runDir, { recursive: true, force: true });
      for (const db of opts.databases) await db.drop().catch(() => undefined);
    }
  }

  const goals = judge(results);
  const versus = ratios(results);
  const out: string[] = ['', renderResults(results), ''];
  for (const r of versus) {
    const baseline = results.find((x) => x.target === r.against)?.phases.find((p) => p.phase === 'max');
    const bound = baseline && baseline.loadCpuPct >= 90 ? `; ${r.against} limited by the load generator, its ceiling is higher` : '';
    out.push(`custodia / ${r.against}: ${r.ratio.toFixed(2)} (${r.custodiaPerS}/s vs ${r.baselinePerS}/s, max phase${bound})`);
  }
  const cpuPerReading = cpuRatios(results);
  const light = lightLoad(results);
  out.push(...renderCpuRatios(cpuPerReading), ...renderLightLoad(light), ...renderMemory(results));
  for (const r of results) out.push(...renderAlarm(r.alarm).map((l) => (r.target === 'custodia' ? l : l.replace(/^custodia/, r.target))));
  out.push(...renderVariants(results, opts));
  const ingestLines = renderIngest(results);
  if (ingestLines.length) out.push('', ...ingestLines);
  out.push('', renderGoals(goals), '');
  const custodia = results.find((r) => r.target === 'custodia');
  if (custodia?.store) {
    out.push(
      `custodia store after SIGKILL: ${custodia.store.stored} readings stored, ${custodia.store.acked} acknowledged, ` +
        `${custodia.store.lost} lost, ${custodia.store.unacknowledgedButStored} stored without a PUBACK seen`,
    );
  }
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(
    jsonPath,
    JSON.stringify(
      {
        benchmark: 'ingest',
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        // The options as given: the database URL (with its password) stays out of the report.
        parameters: { ...options, targets, json: jsonPath, drainMs: DRAIN_MS, ...batch, qos: 1, mqtt: '3.1.1', host: '127.0.0.1' },
        machine: { ...info, cpuPressureAtStart: pressure },
        targets: results,
        ratios: versus,
        cpuPerReading,
        lightLoad: light,
        memoryPerDeviceRatio: memoryRatio(results),
        retainedHeapPerDeviceRatio: memoryRatio(results, 'retained'),
        goals,
      },
      null,
      2,
    ) + '\n',
  );
  out.push(`JSON written to ${jsonPath}`);
  process.stdout.write(out.join('\n') + '\n');
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

process.exitCode = await main();
