// An MQTT QoS1 PUBACK is sent only after the reading is committed (docs/architecture.md).
// The platform runs as a child process; we publish a stream of QoS1 readings, note every
// PUBACK, kill -9 the platform mid-stream, reopen its data directory (and, on PostgreSQL, its
// database): every acknowledged reading is there. Runs on SQLite and, when a server is
// reachable, on PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { bootHarness, testPostgresDatabase, testStores, type TestStore } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { mqttIdentity } from '../../platform/broker/topics.ts';

const root = join(import.meta.dirname, '..', '..');

const stores = await testStores();
for (const store of stores.run) {
  describe(`durability (${store})`, () => {
    it('kill -9 under QoS1 load loses no acknowledged reading', () => killNineLosesNothing(store), 60_000);
  });
}
for (const { store, reason } of stores.skipped) {
  describe.skip(`durability (${store}) — ${reason}`, () => {
    it('kill -9 under QoS1 load loses no acknowledged reading', () => expect.unreachable());
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function startChild(
  dataDir: string,
  storeUrl: string | undefined,
): Promise<{ child: ChildProcess; info: { mqttPort: number; deviceId: string; tenantId: string; secret: string } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'validation/support/platform-child.ts')], {
    cwd: root,
    env: {
      ...process.env,
      // Explicit either way, so a store configured in the caller's environment cannot leak in.
      CUSTODIA_STORE_URL: storeUrl ?? 'sqlite:',
      MONGODB_URI: '',
      CUSTODIA_DATA_DIR: dataDir,
      HTTP_PORT: '0',
      MQTT_PORT: '0',
      LOG_LEVEL: 'error',
      CUSTODIA_DEMO: '0',
      INGEST_BATCH_MS: '2',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      if (line.startsWith('{"ready"')) resolve({ child, info: JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`platform child exited early (${code})`)));
  });
}

async function killNineLosesNothing(store: TestStore): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodia-durable-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const db = store === 'postgres' ? await testPostgresDatabase() : undefined;
  if (db) cleanups.push(db.drop);
  const { child, info } = await startChild(dataDir, db?.url);
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${info.mqttPort}`, {
    clientId: mqttIdentity(info.tenantId, info.deviceId),
    username: mqttIdentity(info.tenantId, info.deviceId),
    password: info.secret,
    reconnectPeriod: 0,
  });
  client.on('error', () => undefined);
  const topic = `tenants/${info.tenantId}/devices/${info.deviceId}/telemetry`;
  const acked = new Set<number>();
  const total = 3000;
  let killed = false;
  await new Promise<void>((resolve) => {
    let settled = 0;
    const done = () => {
      if (++settled === total) resolve();
    };
    for (let i = 1; i <= total; i++) {
      client.publish(topic, JSON.stringify({ ts: 1_700_000_000_000 + i, value: i }), { qos: 1 }, (err) => {
        if (!err) acked.add(i);
        // Kill the platform while hundreds of readings are still in flight.
        if (!killed && acked.size >= 800) {
          killed = true;
          child.kill('SIGKILL');
          setTimeout(() => {
            client.end(true);
            resolve();
          }, 300);
        }
        done();
      });
    }
  });
  await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve())));
  expect(killed).toBe(true);
  expect(acked.size).toBeGreaterThanOrEqual(800);
  expect(acked.size).toBeLessThan(total); // the kill really interrupted the stream

  const h = await bootHarness({
    pilots: [probePilot],
    dataDir,
    provision: false,
    store,
    ...(db ? { config: { storeUrl: db.url } } : {}),
  });
  expect(h.platform.services.storage.kind).toBe(store);
  const stored = await runInTenant(systemContext('test', asTenantId(info.tenantId)), async () => {
    const points = await h.platform.services.series.range<{ value: number }>(info.deviceId, { limit: 100_000 });
    return new Set(points.map((p) => p.data.value));
  });
  await h.close({ keepData: true });
  const lost = [...acked].filter((v) => !stored.has(v));
  expect(lost).toEqual([]);
}
