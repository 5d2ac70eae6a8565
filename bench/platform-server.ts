// Target (b): the real platform in its own process, configured from the environment like
// `npm start` (data directory, ports, INGEST_BATCH_SIZE / INGEST_BATCH_MS), with the probe pilot
// (device kind `probe-sensor`, telemetry `{ ts, value }`). Provisions one tenant and
// BENCH_DEVICES devices, writes their one-time secrets to BENCH_CREDS_FILE (0600), and prints
// one JSON line with the ports once MQTT is listening.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../platform/config.ts';
import { startPlatform } from '../platform/server.ts';
import { runInTenant, systemContext } from '../platform/tenancy/context.ts';
import { probePilot } from '../validation/support/probe-pilot.ts';
import { BENCH_TENANT, benchAlarmDeviceId, benchDeviceId, type Credentials } from './credentials.ts';
import { asTenantId } from '../platform/ids.ts';
import { answerHeapProbes } from './heap-probe.ts';

const env = z
  .object({
    BENCH_DEVICES: z.coerce.number().int().positive(),
    BENCH_CREDS_FILE: z.string().min(1),
    /** Devices of the alarm phase (0: no alarm phase, no dashboard user). */
    BENCH_ALARM_DEVICES: z.coerce.number().int().min(0).max(1000).default(0),
  })
  .parse(process.env);

const config = loadConfig();
const platform = await startPlatform(config, { pilots: [probePilot] });
const s = platform.services;

const started = performance.now();
// Cluster nodes after the first (BENCH_PROVISION=0) find the tenant and devices in the shared store.
if (process.env['BENCH_PROVISION'] !== '0') await provision();

async function provision(): Promise<void> {
  // The tenant's ingest quota (readings per second, over which readings are acknowledged but
  // refused) is set to its ceiling: the benchmark measures the ingest path, not the quota.
  await s.tenants.create({
    id: BENCH_TENANT,
    name: 'Ingest benchmark',
    pilots: [probePilot.id],
    quotas: { maxDevices: Math.max(10_000, env.BENCH_DEVICES), ingestPerSecond: 1_000_000 },
  });
  const devices: Credentials['devices'] = [];
  await runInTenant(systemContext('bench', asTenantId(BENCH_TENANT)), async () => {
    for (let i = 0; i < env.BENCH_DEVICES; i++) {
      const id = benchDeviceId(i);
      const { secret } = await s.devices.register({ id, tenantId: asTenantId(BENCH_TENANT), kind: 'probe-sensor' });
      devices.push({ id, secret });
    }
  });
  const creds: Credentials = { tenantId: BENCH_TENANT, devices };
  if (env.BENCH_ALARM_DEVICES > 0) {
    const alarmDevices: Credentials['devices'] = [];
    await runInTenant(systemContext('bench', asTenantId(BENCH_TENANT)), async () => {
      for (let i = 0; i < env.BENCH_ALARM_DEVICES; i++) {
        const id = benchAlarmDeviceId(i);
        const { secret } = await s.devices.register({ id, tenantId: asTenantId(BENCH_TENANT), kind: 'probe-sensor' });
        alarmDevices.push({ id, secret });
      }
    });
    // A clinician's role: reads data and hears alarms. No default password: a random one per run.
    const username = 'bench-dashboard';
    const password = randomBytes(24).toString('base64url');
    await s.users.create({ username, password, role: 'operator', tenantId: asTenantId(BENCH_TENANT) });
    creds.alarm = { devices: alarmDevices, username, password };
  }
  writeFileSync(env.BENCH_CREDS_FILE, JSON.stringify(creds), { mode: 0o600 });
}

process.stdout.write(
  JSON.stringify({
    ready: true,
    mqttPort: platform.mqttPort,
    httpPort: platform.httpPort,
    provisionMs: Math.round(performance.now() - started),
  }) + '\n',
);

// Orphaned (the orchestrator was killed before it could stop us): stdin closes, and we go.
process.stdin.on('end', () => process.exit(0)).resume();
answerHeapProbes();
process.once('SIGTERM', () => void platform.stop().then(() => process.exit(0)));
