// docs/attestation.md: devices pinned to the platform's key and an allow-list of measurements
// send to an attested platform, again after an unchanged restart, and refuse — every simulated
// device, before any connects — once a file of the measured code tree is altered. The platform
// measures a copy of its code tree (never the repository itself); the copy is what gets altered.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PUBLIC_KEY_FILE } from '../../platform/audit/signer.ts';
import { copyCodeTree, REPO_ROOT } from '../support/code-copy.ts';
import { TEST_PASSWORD, type Harness } from '../support/harness.ts';
import type { Scenario, ScenarioContext } from '../types.ts';

type Pilot = 'healthcare' | 'lighting';
interface SimRun {
  pilot: Pilot;
  code: number | null;
  /** The simulator's own line saying why it refused, if it did. */
  refusal: string | null;
}

function runSimulator(ctx: ScenarioContext, pilot: Pilot, args: string[]): Promise<SimRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'simulators', pilot, 'cli.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CUSTODIA_PASSWORD: TEST_PASSWORD },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  ctx.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let refusal: string | null = null;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.includes('refused:')) refusal = line.slice(0, 300);
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ pilot, code, refusal })));
}

/** Counts device connections the broker accepted while `fn` ran. */
async function connectionsDuring<T>(h: Harness, fn: () => Promise<T>): Promise<{ result: T; connections: number }> {
  let connections = 0;
  const onClient = () => void connections++;
  h.platform.ingest.broker.aedes.on('client', onClient);
  try {
    return { result: await fn(), connections };
  } finally {
    h.platform.ingest.broker.aedes.off('client', onClient);
  }
}

export const attestationDeviceRefusal: Scenario = {
  id: 'attestation.device-refusal',
  title: 'Devices refuse a platform whose code tree was altered; an unchanged restart is accepted',
  requirement: 'docs/attestation.md (platform attestation checked by devices); EUCS PSS; ETSI EN 303 645 5.7-2 (an unauthorised change detected: no connection; here applied to the platform the device talks to)',
  indicator: 'device connections to the altered platform; simulators accepting the unchanged restart',
  criterion: 'both simulators send after the first start and after an unchanged restart; after one file of the tree changes, both exit 3 naming the reason and 0 devices connect',
  profile: 'full',
  needs: ['healthcare', 'lighting'],
  timeoutMs: 240_000,
  async run(ctx) {
    const root = copyCodeTree(ctx.tmpDir('attest-code'));
    const fleets = ctx.tmpDir('attest-fleets');
    const boot = (dataDir?: string) =>
      ctx.boot({ pilots: ['healthcare', 'lighting'], attestationRoot: root, apiRateLimitPerMinute: 0, ...(dataDir ? { dataDir, provision: false } : {}) });

    const first = await boot();
    const dataDir = first.config.dataDir;
    const allowed = first.platform.attestation.envelope.statement.measurement;
    const attest = (h: Harness) => ['--attest-url', h.url, '--attest-key', join(dataDir, PUBLIC_KEY_FILE), '--attest-allow', allowed];
    const common = (h: Harness) => ['--mqtt', `mqtt://127.0.0.1:${h.platform.mqttPort}`, '--duration', '2', '--quiet', ...attest(h)];
    const fleetFile = (p: Pilot) => join(fleets, `${p}.json`);
    const admin = first.tenants.a.users['tenant-admin'];

    const phase = async (h: Harness, args: (p: Pilot) => string[]) =>
      connectionsDuring(h, () => Promise.all((['healthcare', 'lighting'] as const).map((p) => runSimulator(ctx, p, [...args(p), ...common(h)]))));

    ctx.log(`first start: measurement ${allowed}`);
    const provisioned = await phase(first, (p) => ['--api', first.url, '--user', admin, '--out', fleetFile(p), ...(p === 'healthcare' ? ['--patients', '3'] : ['--lamps', '6'])]);
    await first.close({ keepData: true });

    const unchanged = await boot(dataDir);
    const sameMeasurement = unchanged.platform.attestation.envelope.statement.measurement;
    ctx.log(`unchanged restart: measurement ${sameMeasurement}`);
    const accepted = await phase(unchanged, (p) => ['--fleet', fleetFile(p)]);
    await unchanged.close({ keepData: true });

    appendFileSync(join(root, 'platform', 'server.ts'), '\n// altered after the measurement was allowed\n');
    const altered = await boot(dataDir);
    const alteredMeasurement = altered.platform.attestation.envelope.statement.measurement;
    ctx.log(`altered tree: measurement ${alteredMeasurement}`);
    const refused = await phase(altered, (p) => ['--fleet', fleetFile(p)]);

    const ok = (r: SimRun[]) => r.every((x) => x.code === 0);
    const allRefused = refused.result.every((x) => x.code === 3 && x.refusal?.includes('(not-allowed)'));
    return {
      measured: refused.connections,
      unit: 'device connections to the altered platform',
      pass:
        ok(provisioned.result) && provisioned.connections > 0 &&
        sameMeasurement === allowed && ok(accepted.result) && accepted.connections > 0 &&
        alteredMeasurement !== allowed && allRefused && refused.connections === 0,
      evidence: {
        measurements: { allowed, afterUnchangedRestart: sameMeasurement, afterAlteration: alteredMeasurement },
        firstStart: { connections: provisioned.connections, exitCodes: provisioned.result.map((r) => [r.pilot, r.code]) },
        unchangedRestart: { connections: accepted.connections, exitCodes: accepted.result.map((r) => [r.pilot, r.code]) },
        alteredRestart: { connections: refused.connections, exitCodes: refused.result.map((r) => [r.pilot, r.code]), reasons: refused.result.map((r) => r.refusal) },
      },
    };
  },
};
