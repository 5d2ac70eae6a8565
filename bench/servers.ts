// The servers under test of `npm run bench` (./ingest.bench.ts): bare aedes, mosquitto, the
// platform on SQLite or PostgreSQL, and a cluster of nodes behind HAProxy; each one a child
// process on free loopback ports, with what it needs to be stopped and checked afterwards.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { writePlaceholderCredentials } from './credentials.ts';
import type { BenchOptions, TargetName } from './options.ts';
import { freePort, spawnChild, waitForPort, type Child } from './procs.ts';
import { startHaproxy, startRedisServer } from '../scripts/cluster/rig.ts';
import { PLATFORM_NODE_FLAGS } from '../scripts/node-flags.ts';
import { PG_SKIP_NOTICE, createTestDatabase, type TestDatabase } from '../validation/support/postgres.ts';

export const root = resolve(import.meta.dirname, '..');
export const node = process.execPath;
export const tsx = ['--import', 'tsx'];
/** /metrics needs a scrape token; the bench's platform child gets this one. */
export const BENCH_METRICS_TOKEN = randomBytes(24).toString('base64url');
export const CONNECT_TIMEOUT_MS = 180_000;

export interface Server {
  child: Child;
  /** Every process of the server under test (a cluster's nodes), for its CPU figures. */
  pids: number[];
  /** The store the data directory's platform uses (PostgreSQL targets). */
  storeUrl?: string;
  /** Stops what else the server needed (a cluster's other nodes, HAProxy, Redis, its database). */
  cleanup?: () => Promise<void>;
  port: number;
  /** Custodia's HTTP port, for its /metrics. */
  httpPort?: number;
  credsFile: string;
  dataDir?: string;
  provisionMs?: number;
}

// ---- servers ---------------------------------------------------------------------------------

export function findOnPath(command: string): string | null {
  // Debian installs mosquitto in /usr/sbin, which is not on every user's PATH.
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return null;
}

/** The options plus the PostgreSQL server's admin URL for the PostgreSQL targets. */
export type RunOptions = BenchOptions & { pgAdminUrl?: string; databases: TestDatabase[] };

export async function startServer(target: TargetName, opts: RunOptions, runDir: string): Promise<Server | { skipped: string }> {
  const credsFile = join(runDir, `${target}-credentials.json`);
  if (target === 'aedes') {
    writePlaceholderCredentials(credsFile, opts.devices);
    const child = spawnChild('aedes', node, [...tsx, join(root, 'bench/bare-aedes.ts')], {
      cwd: root,
      env: { ...process.env, MQTT_PORT: '0' },
    });
    const ready = await child.next<{ mqttPort: number }>((m) => m['ready'] === true, 60_000);
    return { child, pids: [child.pid], port: ready.mqttPort, credsFile };
  }
  if (target === 'mosquitto') {
    const bin = findOnPath('mosquitto');
    if (!bin) return { skipped: 'mosquitto is not installed (apt-get install mosquitto)' };
    writePlaceholderCredentials(credsFile, opts.devices);
    const port = await freePort();
    const conf = join(runDir, 'mosquitto.conf');
    // TCP_NODELAY like Node's sockets, so PUBACKs are not held back by Nagle's algorithm.
    writeFileSync(
      conf,
      [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'set_tcp_nodelay true', 'log_dest stderr', 'log_type error', 'log_type warning', ''].join('\n'),
    );
    const child = spawnChild('mosquitto', bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'inherit'] });
    await waitForPort(port, 10_000);
    return { child, pids: [child.pid], port, credsFile };
  }
  if (target === 'custodia-cluster') return startCluster(opts, runDir, credsFile);
  const dataDir = join(runDir, `${target}-data`);
  const storeUrl = target === 'custodia-pg' ? (await newDatabase(opts)).url : undefined;
  const profileDir = resolve(root, 'reports/profiles');
  if (opts.profile) mkdirSync(profileDir, { recursive: true });
  const child = spawnChild(
    'custodia',
    node,
    [...PLATFORM_NODE_FLAGS, ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...tsx, join(root, 'bench/platform-server.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        CUSTODIA_DATA_DIR: dataDir,
        CUSTODIA_STORE_URL: storeUrl ?? 'sqlite:',
        MONGODB_URI: '',
        HTTP_PORT: '0',
        MQTT_PORT: '0',
        LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'error',
        CUSTODIA_DEMO: '0',
        BENCH_DEVICES: String(opts.devices),
        BENCH_CREDS_FILE: credsFile,
        BENCH_ALARM_DEVICES: String(opts.maxRate ? opts.alarmProbes : 0),
        METRICS_TOKEN: BENCH_METRICS_TOKEN,
      },
    },
  );
  const ready = await child.next<{ mqttPort: number; httpPort: number; provisionMs: number }>((m) => m['ready'] === true, 180_000);
  return { child, pids: [child.pid], port: ready.mqttPort, httpPort: ready.httpPort, credsFile, dataDir, provisionMs: ready.provisionMs, ...(storeUrl ? { storeUrl } : {}) };
}

async function newDatabase(opts: RunOptions): Promise<TestDatabase> {
  if (!opts.pgAdminUrl) throw new Error(PG_SKIP_NOTICE);
  const db = await createTestDatabase(opts.pgAdminUrl);
  opts.databases.push(db);
  return db;
}

function platformChild(name: string, env: Record<string, string>): Child {
  return spawnChild(name, node, [...PLATFORM_NODE_FLAGS, ...tsx, join(root, 'bench/platform-server.ts')], {
    cwd: root,
    env: { ...process.env, MONGODB_URI: '', HTTP_PORT: '0', MQTT_PORT: '0', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'error', CUSTODIA_DEMO: '0', ...env },
  });
}

/** --nodes N: N platform processes on one PostgreSQL database and one redis-server, the devices
 *  connected through HAProxy (leastconn), as `npm run cluster` runs them. */
async function startCluster(opts: RunOptions, runDir: string, credsFile: string): Promise<Server> {
  const dir = join(runDir, 'cluster');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = await newDatabase(opts);
  const redis = await startRedisServer(dir);
  const nodes: Child[] = [];
  const ports: { httpPort: number; mqttPort: number }[] = [];
  const cleanup = async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await front?.stop();
    await redis.stop();
  };
  let front: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  try {
    const dataDir = (i: number) => join(dir, `node-${i}`);
    mkdirSync(dataDir(1), { recursive: true, mode: 0o700 });
    const masterKeyFile = join(dataDir(1), 'master.key');
    writeFileSync(masterKeyFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    const start = async (i: number) => {
      const child = platformChild(`custodia-node-${i}`, {
        CUSTODIA_DATA_DIR: dataDir(i),
        CUSTODIA_STORE_URL: db.url,
        CUSTODIA_REDIS_URL: redis.url,
        CUSTODIA_NODE_ID: `bench-node-${i}`,
        CUSTODIA_MASTER_KEY_FILE: masterKeyFile,
        BENCH_PROVISION: i === 1 ? '1' : '0',
        BENCH_DEVICES: String(opts.devices),
        BENCH_CREDS_FILE: credsFile,
        METRICS_TOKEN: BENCH_METRICS_TOKEN,
      });
      nodes[i - 1] = child;
      const ready = await child.next<{ mqttPort: number; httpPort: number; provisionMs: number }>((m) => m['ready'] === true, 180_000);
      ports[i - 1] = ready;
      return ready;
    };
    const first = await start(1);
    await Promise.all(Array.from({ length: opts.nodes - 1 }, (_, k) => start(k + 2)));
    front = await startHaproxy(dir, {
      nodes: ports.map((p, i) => ({ name: `node-${i + 1}`, host: '127.0.0.1', httpPort: p.httpPort, mqttPort: p.mqttPort })),
      checkIntervalMs: 2000,
    });
    return {
      child: nodes[0]!,
      pids: nodes.map((n) => n.pid),
      port: front.mqttPort,
      credsFile,
      dataDir: dataDir(1),
      storeUrl: db.url,
      provisionMs: first.provisionMs,
      cleanup: async () => {
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

// ---- load ------------------------------------------------------------------------------------

