// Child processes of the benchmark: spawning with a registry that kills every child when the
// orchestrator leaves (normally, on error or on Ctrl-C), JSON-line messaging, and what
// /proc says about a process (peak RSS, CPU time). Linux only, like the target machine.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

const children = new Set<ChildProcess>();

function killAll() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  children.clear();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Resolves with the next JSON line that satisfies `match`, or rejects on timeout or exit. */
  next<T = Record<string, unknown>>(match: (msg: Record<string, unknown>) => boolean, timeoutMs: number): Promise<T>;
  send(msg: unknown): void;
  alive(): boolean;
  /** SIGKILL (or the given signal) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns a child whose stdout carries JSON lines; other stdout lines go to our stderr. */
export function spawnChild(name: string, command: string, args: string[], opts: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], ...opts });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  children.add(proc);
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      children.delete(proc);
      resolve();
    });
    proc.once('error', () => resolve());
  });
  const backlog: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }>();
  if (proc.stdout) {
    createInterface({ input: proc.stdout }).on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value !== 'object' || value === null) throw new Error('not an object');
        msg = value as Record<string, unknown>;
      } catch {
        if (line.trim()) process.stderr.write(`[${name}] ${line}\n`);
        return;
      }
      for (const w of waiters) {
        if (w.match(msg)) {
          waiters.delete(w);
          w.resolve(msg);
          return;
        }
      }
      backlog.push(msg);
    });
  }
  return {
    name,
    proc,
    pid: proc.pid,
    next<T>(match: (m: Record<string, unknown>) => boolean, timeoutMs: number): Promise<T> {
      const i = backlog.findIndex(match);
      if (i >= 0) return Promise.resolve(backlog.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (m: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${name}: no answer within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then(() => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${proc.exitCode ?? proc.signalCode})`));
        });
      });
    },
    send(msg) {
      proc.stdin?.write(JSON.stringify(msg) + '\n');
    },
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Peak resident set size (VmHWM) of a live process, in bytes; null once it is gone. */
export function peakRssBytes(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU time of a process in seconds (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine, all cores together (first line of /proc/stat). */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    return Number.isFinite(busy) ? busy / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/** The kernel's 10-second average of CPU pressure (PSI "some avg10", %), or null. */
export function cpuPressureNow(): number | null {
  try {
    const m = /^some avg10=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Seconds during which some runnable task waited for a CPU (PSI, /proc/pressure/cpu). */
export function cpuStallSeconds(): number | null {
  try {
    const m = /^some .*total=(\d+)$/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) / 1e6 : null;
  } catch {
    return null;
  }
}

// USER_HZ is 100 on every mainstream Linux build; node has no sysconf binding to ask.
const CLOCK_TICKS = 100;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts TCP connections on the port (polling, bounded). */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
