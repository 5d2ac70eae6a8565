// Command-line flags of `npm run bench`, validated with zod at the boundary. Pure: parses an
// argv array and returns the options, or a one-line error naming the flag.
import { z } from 'zod';
import { datedReportPath, parseFlags, type ParsedFlags } from '../scripts/flags.ts';

export const TARGETS = ['aedes', 'mosquitto', 'custodia'] as const;
/** Custodia on PostgreSQL (one node), and N nodes on PostgreSQL and Redis behind HAProxy. */
export const VARIANTS = ['custodia-pg', 'custodia-cluster'] as const;
export type TargetName = (typeof TARGETS)[number] | (typeof VARIANTS)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const optionsSchema = z.object({
  devices: int(1, 10_000).default(1000),
  /** Offered rate of the fixed-rate phase, readings per second over all devices. */
  rate: int(1, 200_000).default(5000),
  /** Measured window of each phase, after the warm-up. */
  seconds: int(1, 600).default(10),
  warmup: int(0, 120).default(3),
  /** Offered rate of the light-load phase (latency when the platform is nearly idle); 0 skips it. */
  lightRate: int(0, 200_000).default(200),
  /** Devices for the memory-per-device run (peak RSS at this many minus at --devices); 0 skips it. */
  idleDevices: int(0, 50_000).default(0),
  /** Run the saturation phase (the sustained maximum). */
  maxRate: z.boolean().default(true),
  /** Alarm phase (Custodia, after the saturation phase): alarms raised while the load runs at
   *  80 % of the measured maximum; 0 skips it. */
  alarmProbes: int(0, 500).default(40),
  /** Share of the measured maximum the load offers during the alarm phase, in % (the target is
   *  judged at 80; a lower share shows the latency of a server that keeps up). */
  alarmLoad: int(10, 100).default(80),
  /** Dashboard sockets connected during the alarm phase (each must hear every alarm). */
  dashboards: int(1, 200).default(20),
  /** QoS 1 messages one device may have awaiting PUBACK (the saturation phase's depth). */
  window: int(1, 1000).default(16),
  /** Load-generator processes; they share the machine's cores with the server. */
  loadProcs: int(1, 8).default(1),
  json: z.string().min(1).optional(),
  only: z.enum([...TARGETS, ...VARIANTS]).optional(),
  /** Nodes of the custodia-cluster target; 2 or more runs it beside one node on PostgreSQL. */
  nodes: int(1, 8).default(1),
  keep: z.boolean().default(false),
  /** Custodia's store: the embedded SQLite, or a fresh PostgreSQL database (dropped after). */
  store: z.enum(['sqlite', 'postgres']).default('sqlite'),
  /** Write a V8 CPU profile of the Custodia server child (it then stops with SIGTERM). */
  profile: z.boolean().default(false),
  help: z.boolean().default(false),
});

export type BenchOptions = z.infer<typeof optionsSchema>;

export const USAGE = `Usage: npm run bench -- [flags]

Measures QoS 1 ingest side by side: (a) a bare aedes broker (the ceiling on this machine),
(b) Custodia's full ingest path, (c) mosquitto when it is on PATH. Each server runs in its own
process, driven by real mqtt.js clients in separate load-generator processes.

  --devices N       connected devices (default 1000)
  --rate N          offered readings/s of the fixed-rate phase, all devices together (default 5000)
  --seconds N       measured window of each phase, after the warm-up (default 10)
  --warmup N        warm-up seconds before each measured window (default 3)
  --light-rate N    offered readings/s of the light-load phase, run first (default 200; 0 skips it)
  --idle-devices N  after the phases, a fresh server per target (aedes, custodia) for memory per
                    connected device: peak RSS with N devices minus with --devices, at the
                    light rate, ÷ the difference (default 0: skipped; the performance target uses 5000)
  --alarm-probes N  after the saturation phase, alarms raised one by one while the load runs at
                    80 % of the measured maximum: publish → dashboard socket latency (default 40;
                    0 skips it; Custodia on one node only)
  --alarm-load P    the alarm phase's load, % of the measured maximum (default 80, the target's;
                    lower shows the alarm latency of a server that keeps up with its load)
  --dashboards N    dashboard sockets connected during the alarm phase (default 20)
  --max-rate        run the saturation phase for the sustained maximum (default on)
  --no-max-rate     fixed-rate phase only
  --window N        QoS 1 messages in flight per device, the saturation depth (default 16)
  --load-procs N    load-generator processes (default 1: the server keeps the other core)
  --json FILE       where to write the JSON report (default reports/bench-<date>.json)
  --only NAME       one target: aedes | custodia | mosquitto | custodia-pg | custodia-cluster
  --store NAME      sqlite (default) | postgres: Custodia on a fresh PostgreSQL database (on the
                    server named by CUSTODIA_TEST_PG_URL, or the local test role; dropped after)
                    beside Custodia on SQLite, in one run
  --nodes N         2 or more: N Custodia nodes on PostgreSQL and Redis behind HAProxy beside one
                    node on PostgreSQL, in one run (needs redis-server and haproxy)
  --keep            keep the temporary data directory (prints its path)
  --profile         CPU-profile the Custodia server (.cpuprofile under reports/profiles/)
  --help            this text

The platform child takes INGEST_BATCH_SIZE and INGEST_BATCH_MS from the environment.`;

export type ParsedOptions = ParsedFlags<BenchOptions>;

export const parseOptions = (argv: string[]): ParsedOptions =>
  parseFlags(argv, {
    devices: 'string',
    rate: 'string',
    seconds: 'string',
    warmup: 'string',
    'light-rate': 'string',
    'idle-devices': 'string',
    'max-rate': 'boolean',
    'no-max-rate': 'boolean',
    window: 'string',
    'alarm-probes': 'string',
    'alarm-load': 'string',
    dashboards: 'string',
    'load-procs': 'string',
    json: 'string',
    only: 'string',
    keep: 'boolean',
    store: 'string',
    nodes: 'string',
    profile: 'boolean',
  }, optionsSchema);

/** The targets of one run: --only, or the comparison --nodes / --store postgres asks for, or
 *  the three brokers. */
export function benchTargets(o: Pick<BenchOptions, 'only' | 'nodes' | 'store'>): TargetName[] {
  if (o.only) return [o.only];
  if (o.nodes > 1) return ['custodia-pg', 'custodia-cluster'];
  if (o.store === 'postgres') return ['custodia', 'custodia-pg'];
  return [...TARGETS];
}

/** `reports/bench-2025-01-31T10-20-30.json`: sortable, and valid on every file system. */
export const defaultReportPath = (at: Date): string => datedReportPath('bench', at);
