// The processes around a local cluster (docs/scaling.md): redis-server and HAProxy from Debian's
// packages, each on a loopback port with its configuration in a 0600 file, plus the checks that
// name a missing package. Used by `npm run cluster`, the cluster failure tests, the validation
// scenarios and `npm run bench -- --nodes N`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { haproxyConfig, type HaproxyConfigInput } from './haproxy-config.ts';

/** A binary on PATH, or in the sbin directories Debian installs daemons to. */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Debian package of each binary the cluster needs. */
export const CLUSTER_PACKAGES: Record<string, string> = { 'redis-server': 'redis-server', haproxy: 'haproxy' };

/** The packages whose binaries are missing, e.g. ['haproxy']. */
export function missingClusterPackages(): string[] {
  return Object.entries(CLUSTER_PACKAGES)
    .filter(([bin]) => !findBinary(bin))
    .map(([, pkg]) => pkg);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls a node's /readyz until it answers 200. */
export async function waitReady(httpPort: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node on port ${httpPort} not ready after ${timeoutMs} ms (${last.slice(0, 200)})`);
}

export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

function writeSecret(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export interface RedisServer {
  url: string;
  port: number;
  pid(): number | undefined;
  /** SIGKILL: nothing is saved (the server runs without persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same password. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Spawn options of the servers: `ownGroup` puts the server in a process group of its own, so a
 *  Ctrl-C at the terminal reaches only the caller, which stops the nodes before their Redis. */
export interface ServerSpawn {
  ownGroup?: boolean;
}

/** redis-server on a loopback port with a generated password (in a 0600 config file, never on a
 *  command line), no persistence: the cluster keeps nothing in Redis it cannot lose. */
export async function startRedisServer(dir: string, port?: number, spawnOpts: ServerSpawn = {}): Promise<RedisServer> {
  const bin = findBinary('redis-server');
  if (!bin) throw new Error('redis-server is missing: install the Debian package redis-server');
  const p = port ?? (await freePort());
  const password = randomBytes(18).toString('base64url');
  const conf = join(dir, 'redis.conf');
  writeSecret(conf, [`port ${p}`, 'bind 127.0.0.1', `requirepass ${password}`, 'save ""', 'appendonly no', 'protected-mode yes', ''].join('\n'));
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn(bin, [conf], { stdio: ['ignore', 'pipe', 'pipe'], detached: spawnOpts.ownGroup === true });
    child = c;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out.slice(-300)}`)), 10_000);
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out.slice(-300)}`));
      });
    });
    c.stdout!.resume();
    c.stderr!.resume();
  };
  await start();
  const kill = async () => {
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  };
  return { url: `redis://:${password}@127.0.0.1:${p}`, port: p, pid: () => child?.pid, kill, start, stop: kill };
}

export interface HaproxyFront {
  httpPort: number;
  mqttPort: number;
  configFile: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** HAProxy in the foreground (-db) with the generated configuration (./haproxy-config.ts). */
export async function startHaproxy(
  dir: string,
  input: Omit<HaproxyConfigInput, 'httpPort' | 'mqttPort'> & { httpPort?: number; mqttPort?: number },
  spawnOpts: ServerSpawn = {},
): Promise<HaproxyFront> {
  const bin = findBinary('haproxy');
  if (!bin) throw new Error('haproxy is missing: install the Debian package haproxy');
  const httpPort = input.httpPort ?? (await freePort());
  const mqttPort = input.mqttPort ?? (await freePort());
  const configFile = join(dir, 'haproxy.cfg');
  writeSecret(configFile, haproxyConfig({ ...input, httpPort, mqttPort }));
  const child = spawn(bin, ['-db', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'], detached: spawnOpts.ownGroup === true });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
    // Servers going down or up: what an operator (and a failing test) needs to see.
    if (process.env['HAPROXY_VERBOSE'] === '1') process.stderr.write(`haproxy: ${d.toString()}`);
  });
  const died = exited(child).then(() => {
    throw new Error(`haproxy exited: ${err.slice(-500)}`);
  });
  await Promise.race([Promise.all([waitForPort(httpPort, 10_000), waitForPort(mqttPort, 10_000)]), died]);
  died.catch(() => undefined);
  return { httpPort, mqttPort, configFile, pid: child.pid, stop: () => stopChild(child, 2000) };
}
