// Demo fleets: on first start each pilot provisions its demo devices in its demo tenant (device
// secrets go to a 0600 fleet file in the data directory, never to the console), then each
// pilot's simulator runs as a separate process speaking MQTT over TCP like real devices.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_TENANTS } from '../platform/demo.ts';
import { PUBLIC_KEY_FILE } from '../platform/audit/signer.ts';
import type { Platform } from '../platform/server.ts';
import type { DemoProvision } from '../platform/pilot.ts';
import { backfillOnce } from '../platform/demo-history.ts';
import type { DemoSpeed } from '../platform/demo-speed.ts';

export interface Fleets {
  describe(): string[];
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..');
export const fleetFile = (dataDir: string, tenantId: string, pilotId: string) => join(dataDir, 'fleets', `${tenantId}.${pilotId}.json`);

const DEMO_SIZE: Record<string, number> = { healthcare: 12, lighting: 120 };

export async function startDemoFleets(platform: Platform, speed?: DemoSpeed): Promise<Fleets> {
  const { config } = platform;
  const children: { name: string; child: ChildProcess }[] = [];
  const described: string[] = [];
  await mkdir(join(config.dataDir, 'fleets'), { recursive: true, mode: 0o700 });
  for (const pilot of platform.pilots) {
    const tenant = DEMO_TENANTS.find((t) => t.pilots.includes(pilot.id));
    const instance = platform.pilotInstance(pilot.id);
    if (!tenant || !instance.seedDemo) continue;
    const file = fleetFile(config.dataDir, tenant.id, pilot.id);
    const ctx = platform.pilotContext(pilot.id);
    let provision: DemoProvision;
    if (!existsSync(file)) {
      provision = await ctx.inTenant(tenant.id, () => instance.seedDemo!({ seed: 42, size: DEMO_SIZE[pilot.id] ?? 10 }));
      await writeFile(file, JSON.stringify({ tenantId: tenant.id, pilot: pilot.id, ...provision }, null, 2), { mode: 0o600 });
      await chmod(file, 0o600);
    } else {
      provision = JSON.parse(await readFile(file, 'utf8')) as DemoProvision;
    }
    // Days of history before the simulators' first live reading, so charts start full.
    const history = await backfillOnce(platform.services, { pilotId: pilot.id, tenantId: tenant.id, instance, ctx, provision }, { days: config.demo.historyDays, seed: 42, now: Date.now() });
    if (history) described.push(`  demo history        ${pilot.id}: ${config.demo.historyDays} days, ${history.readings} readings, ${history.alarms} alarms, ${history.commands} commands (${(history.ms / 1000).toFixed(1)} s)`);
    const cli = join(root, 'simulators', pilot.id, 'cli.ts');
    if (!existsSync(cli)) continue;
    const mqttUrl = config.demo.mqttUrl ?? `mqtt://${config.mqtt.host === '0.0.0.0' ? '127.0.0.1' : config.mqtt.host}:${platform.mqttPort}`;
    // CUSTODIA_DEMO_ATTEST_ALLOW: the simulators pin the platform's public key and the operator's
    // allow-list, and refuse this platform if its statement does not match (docs/attestation.md).
    const httpHost = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    const attest = config.demo.attestAllow
      ? ['--attest-url', `${config.https ? 'https' : 'http'}://${httpHost}:${platform.httpPort}`, '--attest-key', join(config.dataDir, PUBLIC_KEY_FILE), ...config.demo.attestAllow.flatMap((m) => ['--attest-allow', m])]
      : [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, '--fleet', file, '--mqtt', mqttUrl, '--speed', String(speed?.state().speed ?? config.demo.speed), '--quiet', ...attest],
      // Standard input carries `speed N` when the dashboard changes the speed.
      { stdio: ['pipe', 'inherit', 'inherit'], cwd: root },
    );
    children.push({ name: pilot.id, child });
    described.push(`  simulator           ${pilot.id} fleet of ${tenant.id} (pid ${child.pid})`);
  }
  speed?.attach(async (n) => {
    for (const { child } of children) if (child.stdin?.writable) child.stdin.write(`speed ${n}\n`);
  });
  return {
    describe: () => (described.length ? described : ['  simulators          none']),
    async stop() {
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 3000).unref();
            }),
        ),
      );
    },
  };
}
