// The pilots' own simulators, run as separate processes exactly as an operator runs them
// (`npm run sim:healthcare` / `npm run sim:lighting`, provisioning their fleets through the API):
// a home-monitoring fleet with one patient deteriorating, and a lighting installation, both
// reporting at 60× speed. Every reading the broker acknowledged must be in the store, every
// device must report, the simulators must drop nothing and be refused nothing, and the simulated
// deterioration must reach the clinician's board as a NEWS2 high-band alarm.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { TEST_PASSWORD } from '../support/harness.ts';
import type { Scenario, ScenarioContext } from '../types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SECONDS = 25;

interface SimRun {
  code: number | null;
  /** The last status line ("stopped: devices 55 · online 55 · sent …"), as numbers. */
  status: Record<string, number>;
}

/** Parses a simulator status line: `k v · k v …` (simulators/common/cli.ts statusLine). */
export function parseStatusLine(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of line.split(' · ')) {
    const m = /^([a-z][a-zA-Z]*) (-?\d+(\.\d+)?)$/.exec(part.trim());
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

function runSimulator(ctx: ScenarioContext, pilot: 'healthcare' | 'lighting', args: string[]): Promise<SimRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'simulators', pilot, 'cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, CUSTODIA_PASSWORD: TEST_PASSWORD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  ctx.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let status: Record<string, number> = {};
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^\[sim:[a-z]+\] stopped: (.*)$/.exec(line);
    if (m) status = parseStatusLine(m[1]!);
    else if (/^\[sim:[a-z]+\] .* · /.test(line)) ctx.log(line);
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, status })));
}

export const pilotFleets: Scenario = {
  id: 'pilots.simulator-fleets',
  title: 'The pilots’ simulators as separate processes: every acknowledged reading stored, deterioration alarmed',
  requirement: 'docs/architecture.md "Simulators, dashboard, validation" and promise 3; healthcare and lighting pilots end to end',
  indicator: 'readings acknowledged by the broker but not stored; silent devices; readings dropped or refused',
  criterion: `over ${SECONDS} s at 60× speed: 0 missing, 0 silent devices, 0 dropped, 0 refused; the deteriorating patient gets a NEWS2 high-band alarm`,
  profile: 'full',
  needs: ['healthcare', 'lighting'],
  timeoutMs: 120_000,
  async run(ctx) {
    const h = await ctx.boot({ pilots: ['healthcare', 'lighting'], apiRateLimitPerMinute: 0, pilotOptions: { healthcare: {}, lighting: { commsLossIntervals: 0 } } });
    const dir = ctx.tmpDir('fleets');
    const common = ['--api', h.url, '--user', h.tenants.a.users['tenant-admin'], '--mqtt', `mqtt://127.0.0.1:${h.platform.mqttPort}`, '--speed', '60', '--duration', String(SECONDS), '--seed', '42'];
    const [hc, lt] = await Promise.all([
      runSimulator(ctx, 'healthcare', [...common, '--patients', '8', '--out', join(dir, 'hc.json'), '--deterioration-minutes', '10', '--scenario', 'deterioration:0']),
      runSimulator(ctx, 'lighting', [...common, '--lamps', '40', '--out', join(dir, 'lt.json')]),
    ]);
    const s = h.platform.services;
    const broker = h.platform.ingest.broker.stats();
    const store = await s.scopes.store('tenant-a');
    const devices = await runInTenant(systemContext('validation', asTenantId('tenant-a')), () => s.devices.list());
    const silent: string[] = [];
    for (const d of devices) if ((await store.countPoints(d.id)) === 0) silent.push(d.id);
    const stored = await store.countPoints();
    const missing = broker.accepted - stored;
    const alarms = await runInTenant(systemContext('validation', asTenantId('tenant-a')), () => s.alarms.list({ limit: 1000 }));
    const high = alarms.filter((a) => a.type === 'news2' && (a.detail as { band?: string } | undefined)?.band === 'high');
    const dropped = (hc.status['dropped'] ?? 0) + (lt.status['dropped'] ?? 0);
    const refused = (hc.status['errors'] ?? 0) + (lt.status['errors'] ?? 0);
    return {
      measured: `${missing} missing · ${silent.length} silent`,
      pass: hc.code === 0 && lt.code === 0 && missing === 0 && silent.length === 0 && dropped === 0 && refused === 0 && high.length >= 1 && stored > 0,
      evidence: {
        simulatorExitCodes: { healthcare: hc.code, lighting: lt.code },
        healthcareSimulator: hc.status,
        lightingSimulator: lt.status,
        devices: devices.length,
        readingsAcceptedByBroker: broker.accepted,
        readingsStored: stored,
        silentDevices: silent.slice(0, 20),
        commitFailures: broker.commitFailures,
        news2HighAlarms: high.length,
      },
    };
  },
};
