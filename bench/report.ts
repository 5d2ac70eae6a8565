// Figures, the table and the verdicts against the targets of the "Device connectivity" issue.
// Pure: the orchestrator gathers the numbers, these functions shape and judge them.
import type { AlarmPhase } from './alarm-latency.ts';
import { build, decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { TargetName } from './options.ts';
import type { IngestMetrics } from './metrics.ts';
import type { StoreCheck } from './verify-store.ts';
import { cpuMicrosPerReading } from './cpu-per-reading.ts';
import type { MemoryPerDevice } from './memory-per-device.ts';

export type PhaseName = 'light' | 'fixed' | 'max';

/** What one load process reports for one phase (see load.ts). */
export interface LoadPhaseReport {
  name: string;
  mode: 'rate' | 'saturate';
  clients: number;
  offeredPerS: number | null;
  seconds: number;
  sentInWindow: number;
  ackedInWindow: number;
  ackedTotal: number;
  unacked: number;
  errors: number;
  maxBehind: number;
  disconnects: number;
  cpuSeconds: number;
  latency: string;
  lag: string;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface PhaseFigures {
  phase: PhaseName;
  /** Offered readings/s (fixed phase); null when saturating. */
  offeredPerS: number | null;
  window: number;
  seconds: number;
  sentPerS: number;
  ackedPerS: number;
  /** Publish → PUBACK, milliseconds, messages published inside the measured window. */
  latencyMs: LatencySummary;
  /** Due time → publish (the generator's own lateness), milliseconds. */
  lagMs: LatencySummary;
  /** Most messages held back at once by full per-device windows (rate phase). */
  maxBehind: number;
  /** Still awaiting PUBACK when the drain time ran out. */
  unacked: number;
  errors: number;
  disconnects: number;
  /** CPU of the server process over the measured window, % of one core. */
  serverCpuPct: number | null;
  /** Server CPU per reading acknowledged inside the measured window, µs (see cpu-per-reading.ts). */
  serverCpuUsPerAcked: number | null;
  /** CPU of all load processes together over the measured window, % of one core. */
  loadCpuPct: number;
  /** CPU used by everything else on the machine over the window, % of one core: other
   *  work competing for the same cores makes every figure of the window a lower bound. */
  otherCpuPct: number | null;
  /** Share of the window during which some runnable task waited for a CPU (Linux PSI). */
  cpuStallPct: number | null;
  /** Custodia only: its own counters over the whole phase, warm-up and drain included
   *  (group commit, refusals). */
  ingest?: IngestMetrics;
}

/** What the orchestrator samples from /proc at the edges of a measured window (seconds). */
export interface WindowSample {
  serverCpu: number | null;
  machineBusy: number | null;
  cpuStall: number | null;
}

export interface TargetResult {
  target: TargetName;
  title: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  devices: number;
  connected: number;
  connectMs: number;
  phases: PhaseFigures[];
  peakRssBytes: number | null;
  /** `--idle-devices`: peak RSS per additional connected device (see memory-per-device.ts). */
  memory?: MemoryPerDevice;
  /** Custodia only: alarm latency under load with dashboards connected (alarm-latency.ts). */
  alarm?: AlarmPhase;
  /** Custodia only: the store checked after the run. */
  store?: StoreCheck;
  /** Custodia only: its counters for the whole run. */
  metrics?: IngestMetrics;
  provisionMs?: number;
}

const ms = (us: number) => Math.round(us) / 1000;

export function summarise(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

function merged(encoded: string[]): Histogram {
  const total = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  for (const e of encoded) total.add(decodeFromCompressedBase64(e));
  return total;
}

/** Adds up the reports of all load processes for one phase. */
export function combinePhase(
  phase: PhaseName,
  window: number,
  parts: LoadPhaseReport[],
  from: WindowSample,
  to: WindowSample,
): PhaseFigures {
  // The processes share one start time; their windows differ by a timer tick at most.
  const seconds = Math.max(...parts.map((p) => p.seconds));
  const sum = (f: (p: LoadPhaseReport) => number) => parts.reduce((n, p) => n + f(p), 0);
  const offered = parts.every((p) => p.offeredPerS !== null) ? sum((p) => p.offeredPerS ?? 0) : null;
  const pct = (cpu: number) => Math.round((cpu / seconds) * 1000) / 10;
  const delta = (k: keyof WindowSample) => {
    const a = from[k];
    const b = to[k];
    return a === null || b === null ? null : b - a;
  };
  const serverCpu = delta('serverCpu');
  const busy = delta('machineBusy');
  const loadCpu = sum((p) => p.cpuSeconds);
  const stall = delta('cpuStall');
  return {
    phase,
    offeredPerS: offered,
    window,
    seconds: Math.round(seconds * 1000) / 1000,
    sentPerS: Math.round(sum((p) => p.sentInWindow) / seconds),
    ackedPerS: Math.round(sum((p) => p.ackedInWindow) / seconds),
    latencyMs: summarise(merged(parts.map((p) => p.latency))),
    lagMs: summarise(merged(parts.map((p) => p.lag))),
    maxBehind: sum((p) => p.maxBehind),
    unacked: sum((p) => p.unacked),
    errors: sum((p) => p.errors),
    disconnects: sum((p) => p.disconnects),
    serverCpuPct: serverCpu === null ? null : pct(serverCpu),
    serverCpuUsPerAcked: cpuMicrosPerReading(serverCpu, sum((p) => p.ackedInWindow)),
    loadCpuPct: pct(loadCpu),
    otherCpuPct: busy === null || serverCpu === null ? null : Math.max(0, pct(busy - serverCpu - loadCpu)),
    cpuStallPct: stall === null ? null : Math.min(100, pct(stall)),
  };
}

// ---- the issue's targets ----------------------------------------------------------------------

export interface Goal {
  goal: string;
  measured: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
  note?: string;
}

export const GOALS = {
  throughput: 10_000,
  ratioToBare: 0.5,
  p99Ms: 50,
  p99AtRate: 5000,
  devices: 1000,
} as const;

const phaseOf = (r: TargetResult | undefined, p: PhaseName) =>
  r?.status === 'ok' ? r.phases.find((x) => x.phase === p) : undefined;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A saturation figure the load processes could not push further: the server's ceiling is
 *  at least that, so a ratio against it flatters the numerator. */
const generatorBound = (p: PhaseFigures) => p.offeredPerS === null && p.loadCpuPct >= 90;
const GENERATOR_NOTE = (p: PhaseFigures) =>
  `aedes figure limited by the load generator (load CPU ${p.loadCpuPct.toFixed(0)}%): its ceiling is higher`;

/** Verdicts for the issue's targets; a target not measured in this run is `n/a`, never PASS. */
export function judge(results: TargetResult[]): Goal[] {
  const custodia = results.find((r) => r.target === 'custodia');
  const aedes = results.find((r) => r.target === 'aedes');
  const cMax = phaseOf(custodia, 'max');
  const aMax = phaseOf(aedes, 'max');
  const cFixed = phaseOf(custodia, 'fixed');
  const devicesNote =
    custodia && custodia.connected < GOALS.devices ? `with ${custodia.connected} devices, not ${GOALS.devices}` : undefined;
  const goals: Goal[] = [];
  const verdict = (ok: boolean): Goal['verdict'] => (ok ? 'PASS' : 'MISS');

  goals.push(
    cMax
      ? {
          goal: `Custodia ≥ ${fmt(GOALS.throughput)} readings/s persisted and encrypted`,
          measured: `${fmt(cMax.ackedPerS)}/s`,
          verdict: verdict(cMax.ackedPerS >= GOALS.throughput),
          ...(devicesNote ? { note: devicesNote } : {}),
        }
      : { goal: `Custodia ≥ ${fmt(GOALS.throughput)} readings/s persisted and encrypted`, measured: 'not measured', verdict: 'n/a', note: 'needs the max-rate phase on custodia' },
  );

  goals.push(
    cMax && aMax && aMax.ackedPerS > 0
      ? {
          goal: `Custodia ≥ ${GOALS.ratioToBare * 100}% of bare aedes`,
          measured: `${Math.round((cMax.ackedPerS / aMax.ackedPerS) * 100)}%`,
          verdict: verdict(cMax.ackedPerS >= GOALS.ratioToBare * aMax.ackedPerS),
          ...(generatorBound(aMax) ? { note: GENERATOR_NOTE(aMax) } : {}),
        }
      : { goal: `Custodia ≥ ${GOALS.ratioToBare * 100}% of bare aedes`, measured: 'not measured', verdict: 'n/a', note: 'needs the max-rate phase on aedes and custodia' },
  );

  if (cFixed) {
    // A p99 only counts when the offered rate was actually carried.
    const carried = cFixed.offeredPerS !== null && cFixed.ackedPerS >= 0.98 * cFixed.offeredPerS;
    const notes = [
      cFixed.offeredPerS !== GOALS.p99AtRate ? `measured at ${fmt(cFixed.offeredPerS ?? 0)}/s offered` : '',
      carried ? '' : `carried only ${fmt(cFixed.ackedPerS)}/s`,
      devicesNote ?? '',
    ].filter(Boolean);
    goals.push({
      goal: `Custodia p99 ≤ ${GOALS.p99Ms} ms at ${fmt(GOALS.p99AtRate)} readings/s`,
      measured: `${cFixed.latencyMs.p99} ms`,
      verdict: verdict(carried && cFixed.latencyMs.p99 <= GOALS.p99Ms),
      ...(notes.length ? { note: notes.join('; ') } : {}),
    });
  } else {
    goals.push({ goal: `Custodia p99 ≤ ${GOALS.p99Ms} ms at ${fmt(GOALS.p99AtRate)} readings/s`, measured: 'not measured', verdict: 'n/a' });
  }

  const refused = Object.entries(custodia?.metrics?.rejected ?? {});
  goals.push(
    custodia?.store
      ? {
          goal: 'Readings lost = 0 (acknowledged but not in the store)',
          measured: `${custodia.store.lost} of ${fmt(custodia.store.acked)}`,
          verdict: verdict(custodia.store.lost === 0 && custodia.store.acked > 0),
          // The benchmark's payloads are valid: a refusal (acknowledged, not stored) is a fault.
          ...(refused.length ? { note: `acknowledged but refused by the platform: ${refused.map(([r, n]) => `${n} ${r}`).join(', ')}` } : {}),
        }
      : { goal: 'Readings lost = 0 (acknowledged but not in the store)', measured: 'not measured', verdict: 'n/a' },
  );

  goals.push(
    custodia?.status === 'ok'
      ? {
          goal: `${fmt(GOALS.devices)} devices connected to Custodia`,
          measured: fmt(custodia.connected),
          verdict: verdict(custodia.connected >= GOALS.devices),
        }
      : { goal: `${fmt(GOALS.devices)} devices connected to Custodia`, measured: 'not measured', verdict: 'n/a' },
  );
  return goals;
}

/** Throughput of Custodia against each baseline measured in the same run (max phase). */
export function ratios(results: TargetResult[]): { against: TargetName; custodiaPerS: number; baselinePerS: number; ratio: number }[] {
  const c = phaseOf(results.find((r) => r.target === 'custodia'), 'max');
  if (!c) return [];
  const out: ReturnType<typeof ratios> = [];
  for (const r of results) {
    const b = phaseOf(r, 'max');
    if (r.target === 'custodia' || !b || b.ackedPerS === 0) continue;
    out.push({ against: r.target, custodiaPerS: c.ackedPerS, baselinePerS: b.ackedPerS, ratio: Math.round((c.ackedPerS / b.ackedPerS) * 1000) / 1000 });
  }
  return out;
}

// ---- the table --------------------------------------------------------------------------------

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** Above this much CPU used by unrelated processes, a window's figures are flagged. */
export const BUSY_MACHINE_PCT = 15;

export function renderResults(results: TargetResult[]): string {
  const header = ['target', 'phase', 'devices', 'offered/s', 'acked/s', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'peak RSS MB', 'srv CPU%', 'srv µs/rdg', 'load CPU%', 'other CPU%'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of results) {
    if (r.status !== 'ok') {
      notes.push(`${r.target}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
      continue;
    }
    const rss = r.peakRssBytes === null ? '?' : (r.peakRssBytes / 1024 / 1024).toFixed(0);
    const lost = r.store ? String(r.store.lost) : 'n/a';
    for (const p of r.phases) {
      rows.push([
        r.target,
        p.phase,
        String(r.connected),
        p.offeredPerS === null ? `max (w${p.window})` : fmt(p.offeredPerS),
        fmt(p.ackedPerS),
        p.latencyMs.p50.toFixed(2),
        p.latencyMs.p99.toFixed(2),
        p.latencyMs.max.toFixed(1),
        lost,
        rss,
        p.serverCpuPct === null ? '?' : p.serverCpuPct.toFixed(0),
        p.serverCpuUsPerAcked === null ? '?' : p.serverCpuUsPerAcked.toFixed(1),
        p.loadCpuPct.toFixed(0),
        p.otherCpuPct === null ? '?' : p.otherCpuPct.toFixed(0),
      ]);
      const trouble = [
        p.unacked ? `${p.unacked} unacknowledged after the drain` : '',
        p.errors ? `${p.errors} publish errors` : '',
        p.disconnects ? `${p.disconnects} disconnects` : '',
        p.otherCpuPct !== null && p.otherCpuPct > BUSY_MACHINE_PCT
          ? `other processes used ${p.otherCpuPct.toFixed(0)}% of a core (CPU stall ${p.cpuStallPct ?? '?'}%): a lower bound`
          : '',
      ].filter(Boolean);
      if (trouble.length) notes.push(`${r.target} ${p.phase}: ${trouble.join(', ')}`);
    }
  }
  return [table(header, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])), ...notes].join('\n');
}

export function renderGoals(goals: Goal[]): string {
  return table(
    ['target (issue "Device connectivity")', 'measured', 'verdict', 'note'],
    goals.map((g) => [g.goal, g.measured, g.verdict, g.note ?? '']),
    new Set([1]),
  );
}

/** One line per Custodia phase: what the group commit did (whole phase). */
export function renderIngest(results: TargetResult[]): string[] {
  const c = results.find((r) => r.target === 'custodia' && r.status === 'ok');
  if (!c) return [];
  const lines = c.phases
    .filter((p) => p.ingest)
    .map((p) => {
      const m = p.ingest!;
      const refused = Object.entries(m.rejected).map(([r, n]) => `${n} ${r}`);
      return (
        `custodia ${p.phase}: ${fmt(m.commits)} commits, mean batch ${m.meanBatchSize ?? '?'} readings, ` +
        `mean commit ${m.meanCommitMs ?? '?'} ms` +
        (m.commitFailures ? `, ${m.commitFailures} failed commits` : '') +
        (refused.length ? `, refused: ${refused.join(', ')}` : '')
      );
    });
  return lines;
}
