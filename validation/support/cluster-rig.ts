// A real local cluster for the failure tests and scenarios: redis-server, a fresh PostgreSQL
// database, N platform nodes each in its own process (./cluster-node.ts) and HAProxy in front
// (scripts/cluster/rig.ts), plus a device fleet process (./cluster-fleet.ts). Every process is a
// child of the caller and goes when `close` runs; a node can be killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { exited, findBinary, freePort, missingClusterPackages, startHaproxy, startRedisServer, stopChild, waitReady, type HaproxyFront, type RedisServer } from '../../scripts/cluster/rig.ts';
import { ApiClient } from './api-client.ts';
import type { ClusterFleetConfig, ClusterFleetProgress, ClusterFleetReport } from './cluster-fleet.ts';
import { PG_SKIP_NOTICE, createTestDatabase, findPostgres, type TestDatabase } from './postgres.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Why the cluster cannot run here ('' when it can): a missing package or no PostgreSQL. */
export async function clusterSkipReason(): Promise<string> {
  const missing = missingClusterPackages();
  if (missing.length) return `skipped: ${missing.join(' and ')} not installed (Debian package${missing.length > 1 ? 's' : ''} ${missing.join(', ')})`;
  if (!(await findPostgres())) return PG_SKIP_NOTICE;
  return '';
}

function nodeTs(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, file)], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** One node process and its control channel. */
export class NodeProcess {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<void>;
  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly httpPort: number,
    readonly mqttPort: number,
  ) {
    this.exited = exited(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: { reply?: number; error?: string } & Record<string, unknown>;
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      if (typeof msg.reply !== 'number') return;
      const w = this.waiting.get(msg.reply);
      if (!w) return;
      this.waiting.delete(msg.reply);
      if (msg.error) w.reject(new Error(`${name}: ${msg.error}`));
      else w.resolve(msg);
    });
    void this.exited.then(() => {
      for (const w of this.waiting.values()) w.reject(new Error(`${name} exited`));
      this.waiting.clear();
    });
  }
  get pid() {
    return this.child.pid;
  }
  get alive() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  call<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: ${op} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.stdin!.write(JSON.stringify({ id, op, ...args }) + '\n');
    });
  }
  /** kill -9: no clean-up code of the node runs. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
  stop(): Promise<void> {
    return stopChild(this.child, 10_000);
  }
}

export interface ClusterRigOptions {
  nodes: number;
  /** Store URL for the nodes (e.g. through a TCP relay); default: the fresh database itself. */
  storeUrl?: (dbUrl: string) => Promise<string> | string;
  /** Shortened lease and heartbeat for tests. */
  leaseTtlMs?: number;
  env?: Record<string, string>;
}

export interface ClusterRig {
  dir: string;
  db: TestDatabase;
  redis: RedisServer;
  haproxy: HaproxyFront;
  nodes: NodeProcess[];
  masterKeyHex: string;
  close(): Promise<void>;
}

export async function startClusterRig(opts: ClusterRigOptions): Promise<ClusterRig> {
  const adminUrl = await findPostgres();
  if (!adminUrl) throw new Error(PG_SKIP_NOTICE);
  if (!findBinary('haproxy') || !findBinary('redis-server')) throw new Error(await clusterSkipReason());
  const dir = mkdtempSync(join(tmpdir(), 'custodia-cluster-'));
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redis = await startRedisServer(dir);
    cleanups.push(() => redis.stop());
    const db = await createTestDatabase(adminUrl);
    cleanups.push(() => db.drop());
    const storeUrl = opts.storeUrl ? await opts.storeUrl(db.url) : db.url;
    const masterKeyHex = randomBytes(32).toString('hex');
    const nodes: NodeProcess[] = [];
    cleanups.push(async () => {
      await Promise.all(nodes.filter(Boolean).map((n) => n.stop()));
    });
    // The first node creates the schema; the others then start side by side.
    const startNode = async (i: number) => {
      const name = `node-${i}`;
      const [httpPort, mqttPort] = [await freePort(), await freePort()];
      const dataDir = join(dir, name);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const child = nodeTs('validation/support/cluster-node.ts', {
        ...process.env,
        CUSTODIA_DATA_DIR: dataDir,
        CUSTODIA_STORE_URL: storeUrl,
        MONGODB_URI: '',
        CUSTODIA_REDIS_URL: redis.url,
        CUSTODIA_NODE_ID: name,
        CUSTODIA_MASTER_KEY: masterKeyHex,
        HTTP_PORT: String(httpPort),
        MQTT_PORT: String(mqttPort),
        LOG_LEVEL: process.env['CLUSTER_LOG_LEVEL'] ?? 'error',
        CUSTODIA_DEMO: '0',
        TRUST_PROXY: 'loopback',
        ...(opts.leaseTtlMs ? { CLUSTER_LEASE_TTL_MS: String(opts.leaseTtlMs), CLUSTER_HEARTBEAT_MS: String(Math.max(200, Math.floor(opts.leaseTtlMs / 5))), CLUSTER_TICK_MS: '100' } : {}),
        ...opts.env,
      });
      const node = new NodeProcess(name, child, httpPort, mqttPort);
      nodes[i - 1] = node;
      await Promise.race([
        waitReady(httpPort, 120_000),
        node.exited.then(() => {
          throw new Error(`${name} exited before it was ready`);
        }),
      ]);
    };
    await startNode(1);
    await Promise.all(Array.from({ length: opts.nodes - 1 }, (_, k) => startNode(k + 2)));
    const haproxy = await startHaproxy(dir, {
      nodes: nodes.map((n) => ({ name: n.name, host: '127.0.0.1', httpPort: n.httpPort, mqttPort: n.mqttPort })),
      checkIntervalMs: 500,
      fall: 3,
      rise: 2,
    });
    cleanups.push(() => haproxy.stop());
    return { dir, db, redis, haproxy, nodes, masterKeyHex, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface FleetHandle {
  ready: Promise<void>;
  progress(): ClusterFleetProgress;
  until(pred: (p: ClusterFleetProgress) => boolean, timeoutMs: number): Promise<ClusterFleetProgress>;
  /** Stops issuing; resolves with the report once in-flight readings are settled. */
  finish(): Promise<ClusterFleetReport>;
  kill(): Promise<void>;
}

export function spawnClusterFleet(config: ClusterFleetConfig): FleetHandle {
  const child = nodeTs('validation/support/cluster-fleet.ts', process.env);
  let last: ClusterFleetProgress = { type: 'progress', issued: 0, acked: 0, connected: 0, disconnects: 0, commandsReceived: 0 };
  const waiters = new Set<(p: ClusterFleetProgress) => void>();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<ClusterFleetReport>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: { type?: string } & Record<string, unknown>;
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      if (msg.type === 'ready') markReady();
      else if (msg.type === 'progress') {
        last = msg as unknown as ClusterFleetProgress;
        for (const w of [...waiters]) w(last);
      } else if (msg.type === 'done') resolve(msg as unknown as ClusterFleetReport);
      else if (msg.type === 'error') reject(new Error(`device fleet failed: ${String(msg['message'])}`));
    });
    child.once('exit', (code, signal) => reject(new Error(`device fleet exited (${code ?? signal}) without a report`)));
  });
  done.catch(() => undefined);
  child.stdin!.write(JSON.stringify(config) + '\n');
  return {
    ready: Promise.race([ready, done.then(() => undefined)]),
    progress: () => last,
    until(pred, timeoutMs) {
      if (pred(last)) return Promise.resolve(last);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`device fleet did not reach the expected progress within ${timeoutMs} ms (at ${JSON.stringify(last)})`));
        }, timeoutMs);
        const w = (p: ClusterFleetProgress) => {
          if (!pred(p)) return;
          waiters.delete(w);
          clearTimeout(timer);
          resolve(p);
        };
        waiters.add(w);
      });
    },
    finish() {
      if (child.stdin?.writable) child.stdin.end('stop\n');
      return done;
    },
    kill: () => stopChild(child, 2000),
  };
}

/** Acknowledged sequence numbers missing from the store (`device#seq`), read through `node`. */
export async function lostReadings(node: NodeProcess, tenantId: string, report: ClusterFleetReport): Promise<{ acked: number; lost: string[] }> {
  const ids = Object.keys(report.ackedSeqs);
  const { stored } = await node.call<{ stored: Record<string, number[]> }>('stored', { tenantId, deviceIds: ids }, 120_000);
  const lost: string[] = [];
  let acked = 0;
  for (const id of ids) {
    const have = new Set(stored[id] ?? []);
    for (const seq of report.ackedSeqs[id]!) {
      acked++;
      if (!have.has(seq)) lost.push(`${id}#${seq}`);
    }
  }
  return { acked, lost };
}

/** Which live node holds each device's MQTT connection. */
export async function devicesByNode(nodes: NodeProcess[], tenantId: string, ids: string[]): Promise<Map<string, NodeProcess>> {
  const where = new Map<string, NodeProcess>();
  for (const n of nodes.filter((x) => x.alive)) {
    const { online } = await n.call<{ online: string[] }>('online', { tenantId, deviceIds: ids });
    for (const d of online) where.set(d, n);
  }
  return where;
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

export interface Watcher {
  sock: Socket;
  /** Arrival time of every reading pushed to the socket. */
  readings: number[];
  alarms: string[];
  disconnected(): boolean;
}

/** A dashboard socket (WebSocket transport) opened on one node, subscribed to `rooms`. */
export async function watchNode(node: NodeProcess, user: { username: string; password: string }, rooms: string[]): Promise<Watcher> {
  const session = await new ApiClient(`http://127.0.0.1:${node.httpPort}`).login(user.username, user.password);
  const sock: Socket = io(`http://127.0.0.1:${node.httpPort}`, { auth: { token: session.token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    sock.once('hello', () => resolve());
    sock.once('connect_error', reject);
  });
  for (const room of rooms) {
    const ack = (await sock.emitWithAck('subscribe', { room })) as { ok: boolean; error?: string };
    if (!ack.ok) throw new Error(`subscription to ${room} refused: ${ack.error}`);
  }
  const w = { sock, readings: [] as number[], alarms: [] as string[], disconnected: () => disconnected };
  let disconnected = false;
  sock.on('reading', (items: unknown[]) => w.readings.push(...items.map(() => Date.now())));
  sock.on('alarm', (a: { title: string }) => w.alarms.push(a.title));
  sock.on('disconnect', () => (disconnected = true));
  return w;
}
