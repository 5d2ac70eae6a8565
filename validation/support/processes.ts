// Separate processes the scenarios drive: the platform itself (so that it can be killed with
// SIGKILL, ./platform-child.ts) and device fleets (./load-sim.ts). Every process
// started here is registered for clean-up with the scenario that started it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ScenarioContext } from '../types.ts';
import type { LoadSimConfig, LoadSimReport } from './load-sim.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function nodeTs(file: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, file)], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });

async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

export interface Progress {
  issued: number;
  acked: number;
  failed: number;
  inFlight: number;
}

export interface LoadSimHandle {
  pid: number | undefined;
  ready: Promise<void>;
  progress(): Progress;
  /** Resolves once a progress line satisfies `pred`; rejects after `timeoutMs`. */
  until(pred: (p: Progress) => boolean, timeoutMs: number): Promise<Progress>;
  done: Promise<LoadSimReport>;
  /** Stops issuing; the report follows once in-flight readings are acknowledged. */
  stop(): void;
}

/** Starts a device fleet process; its config (with the devices' secrets) goes over stdin. */
export function spawnLoadSim(ctx: Pick<ScenarioContext, 'defer'>, config: LoadSimConfig): LoadSimHandle {
  const child = nodeTs('validation/support/load-sim.ts');
  ctx.defer(() => stopChild(child));
  let last: Progress = { issued: 0, acked: 0, failed: 0, inFlight: 0 };
  const waiters = new Set<{ pred: (p: Progress) => boolean; resolve: (p: Progress) => void }>();
  let markReady!: () => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<LoadSimReport>((resolve, reject) => {
    fail = reject;
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      let msg: { type?: string } & Record<string, unknown>;
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      if (msg.type === 'ready') markReady();
      else if (msg.type === 'progress') {
        last = msg as unknown as Progress;
        for (const w of [...waiters]) {
          if (w.pred(last)) {
            waiters.delete(w);
            w.resolve(last);
          }
        }
      } else if (msg.type === 'done') resolve(msg as unknown as LoadSimReport);
      else if (msg.type === 'error') reject(new Error(`device fleet failed: ${String(msg['message'])}`));
    });
    child.once('exit', (code, signal) => reject(new Error(`device fleet exited (${code ?? signal}) without a report`)));
  });
  // Failing before "ready" must surface to whoever waits on ready.
  const readyOrFail = Promise.race([ready, done.then(() => undefined)]);
  done.catch(() => undefined);
  child.stdin!.write(JSON.stringify(config) + '\n');
  child.once('error', (err) => fail(err));
  return {
    pid: child.pid,
    ready: readyOrFail,
    progress: () => last,
    until(pred, timeoutMs) {
      if (pred(last)) return Promise.resolve(last);
      return new Promise<Progress>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`device fleet did not reach the expected progress within ${timeoutMs} ms (at ${JSON.stringify(last)})`));
        }, timeoutMs);
        const w = {
          pred,
          resolve: (p: Progress) => {
            clearTimeout(timer);
            resolve(p);
          },
        };
        waiters.add(w);
        const gone = (err: Error) => {
          clearTimeout(timer);
          if (waiters.delete(w)) reject(err);
        };
        done.then(
          () => gone(new Error(`device fleet finished before reaching the expected progress (at ${JSON.stringify(last)})`)),
          (err: unknown) => gone(err as Error),
        );
      });
    },
    done,
    stop() {
      if (child.stdin?.writable) child.stdin.end('stop\n');
    },
  };
}

export interface PlatformChildInfo {
  httpPort: number;
  mqttPort: number;
  deviceId: string;
  tenantId: string;
  secret: string;
}

export interface PlatformChild {
  info: PlatformChildInfo;
  pid: number | undefined;
  /** kill -9: no clean-up code of the platform runs. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** The platform as a separate process on free ports, on `dataDir` (one tenant, one probe device). */
export async function spawnPlatform(ctx: Pick<ScenarioContext, 'defer'>, dataDir: string, env: Record<string, string> = {}): Promise<PlatformChild> {
  const child = nodeTs('validation/support/platform-child.ts', {
    ...process.env,
    CUSTODIA_DATA_DIR: dataDir,
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    LOG_LEVEL: 'error',
    CUSTODIA_DEMO: '0',
    ...env,
  });
  child.stdin!.end();
  ctx.defer(() => stopChild(child));
  const info = await new Promise<PlatformChildInfo>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('platform process did not start within 30 s')), 30_000);
    rl.on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as PlatformChildInfo);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform process exited early (${code})`));
    });
  });
  return {
    info,
    pid: child.pid,
    async kill9() {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: () => stopChild(child, 10_000),
  };
}
