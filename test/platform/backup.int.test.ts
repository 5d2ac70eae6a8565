// The restore drill (docs/backup.md): readings, alarms, commands and audit entries are written;
// a k = 2 backup to four directory targets is taken while devices keep publishing; more is
// written; the data directory is destroyed, one target deleted and another corrupted; the
// master key is in escrow with five custodians; the restore, from three of their shares,
// rebuilds everything up to the backup point, every value opens, every audit chain
// verifies, and the report names the two bad targets.
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, expect, it, vi } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { main as backupMain } from '../../scripts/backup.ts';
import { verifyAll } from '../../scripts/audit-verify.ts';
import { main as escrowMain } from '../../scripts/keys-escrow.ts';
import { main as restoreMain } from '../../scripts/restore.ts';
import { bootHarness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';

const inTenant = <T>(tenantId: string, fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId(tenantId)), fn);
const scratch = await mkdtemp(join(tmpdir(), 'custodia-drill-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Runs a CLI's main() and returns its exit status and everything it printed. */
async function run(main: (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>, argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
  try {
    const env = { ...process.env };
    delete env.CUSTODIA_MASTER_KEY;
    delete env.MONGODB_URI;
    delete env.CUSTODIA_DATA_DIR;
    return { code: await main(argv, env), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

it('restore drill: k = 2 of 4 targets, taken during ingest, one target lost and one corrupted (ASVS 8.1.5, ETSI EN 303 645 5.9-1)', { timeout: 120_000 }, async () => {
  // A checkpoint every 2 entries, so the chains carry signed checkpoints to verify.
  const h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'], config: { audit: { checkpointEvery: 2 } } });
  const dataDir = h.config.dataDir;
  const admin = await h.as(h.tenants.a.users['tenant-admin']);
  expect((await admin.post('/api/v1/devices', { id: 'drill-1', kind: 'probe-sensor' })).status).toBe(201);
  const dev = await admin.post('/api/v1/devices', { id: 'drill-2', kind: 'probe-sensor' });
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, { clientId: 'tenant-a/drill-2', username: 'tenant-a/drill-2', password: dev.body.secret, reconnectPeriod: 0 });
  const topic = 'tenants/tenant-a/devices/drill-2/telemetry';
  const t0 = 1_700_000_000_000;

  // Before the backup: readings over MQTT (values over 100 raise alarms), a command, tenant-b data.
  for (let i = 0; i < 150; i++) await client.publishAsync(topic, JSON.stringify({ ts: t0 + i, value: i % 50 === 0 ? 150 + i : i }), { qos: 1 });
  const command = await inTenant('tenant-a', () => h.platform.services.commands.create({ deviceId: 'drill-1', name: 'dim', payload: { level: 40 }, ttlMs: 3_600_000 }));
  await inTenant('tenant-b', () =>
    h.platform.services.series.append(Array.from({ length: 40 }, (_, i) => ({ series: 'b-probe', id: `b-${i}`, ts: t0 + i, subject: null, data: { value: i } }))),
  );
  await expect.poll(() => inTenant('tenant-a', () => h.platform.services.alarms.list()).then((a) => a.length), { timeout: 5000 }).toBe(1);
  const alarmsBefore = await inTenant('tenant-a', () => h.platform.services.alarms.list());

  // The backup, while the device keeps publishing.
  const targets = ['t1', 't2', 't3', 't4'].map((t) => join(scratch, t));
  let publishing = true;
  let published = 150;
  const ingest = (async () => {
    while (publishing) await client.publishAsync(topic, JSON.stringify({ ts: t0 + published, value: published++ % 100 }), { qos: 1 });
  })();
  await new Promise((r) => setTimeout(r, 50));
  const beforeBackup = published;
  const backup = await run(backupMain, ['--to', ...targets, '--k', '2', '--data-dir', dataDir]);
  const afterBackup = published;
  publishing = false;
  await ingest;
  expect(backup.out).toMatch(/written and read back/);
  expect(backup.code).toBe(0);
  expect(afterBackup).toBeGreaterThan(beforeBackup); // ingest really ran during the backup

  // After the backup: more readings and a second command, which the restore must not contain.
  for (let i = 0; i < 20; i++) await client.publishAsync(topic, JSON.stringify({ ts: t0 + 100_000 + i, value: 1 }), { qos: 1 });
  const late = await inTenant('tenant-a', () => h.platform.services.commands.create({ deviceId: 'drill-1', name: 'late', payload: {}, ttlMs: 3_600_000 }));
  client.end(true);

  // The master key in escrow: five custodians, any three rebuild it.
  const sharesDir = join(scratch, 'shares');
  const escrow = await run(escrowMain, ['--shares', '5', '--threshold', '3', '--out', sharesDir, '--data-dir', dataDir]);
  expect(escrow.code).toBe(0);
  const shares = (await readdir(sharesDir)).map((f) => join(sharesDir, f));
  const keyCopy = join(scratch, 'master.key.custodian');
  await copyFile(join(dataDir, 'master.key'), keyCopy);

  // Disaster: nothing of the data directory survives.
  await h.close();
  const [id] = await readdir(targets[0]!);
  await rm(targets[1]!, { recursive: true, force: true });
  const shardFile = join(targets[2]!, id!, 'shard-2.bin');
  const shard = await readFile(shardFile);
  shard[Math.floor(shard.length / 2)]! ^= 0xff;
  await writeFile(shardFile, shard);

  const restored = await run(restoreMain, ['--from', ...targets, '--to-data-dir', dataDir, '--shares', shares[4]!, shares[1]!, shares[2]!]);
  expect(restored.out).toMatch(/master key from 3 custodian shares/);
  expect(restored.out).toMatch(new RegExp(`BAD\\s+${escape(targets[1]!)}\\s+no shard: shard missing`));
  expect(restored.out).toMatch(new RegExp(`BAD\\s+${escape(targets[2]!)}\\s+shard 2: shard 2 altered \\(hash differs\\)`));
  expect(restored.out).toMatch(/restore verified\./);
  expect(restored.out).not.toMatch(/MISMATCH/);
  expect(restored.code).toBe(0);
  expect(restored.out).toMatch(/tenant-a · signed checkpoints\s+expected [1-9]/);

  // The audit chains verify with the published key, as `npm run audit:verify` would.
  const chains = await verifyAll(dataDir);
  expect(chains.map((c) => c.scope).sort()).toEqual(['_platform', 'tenant-a', 'tenant-b']);
  expect(chains.every((c) => c.ok)).toBe(true);
  const chainA = chains.find((c) => c.scope === 'tenant-a');
  expect(chainA?.ok && chainA.checkpoints).toBeGreaterThan(0);

  // Every item up to the backup point is there and opens; nothing written after it is.
  const again = await bootHarness({ pilots: [probePilot], dataDir, provision: false });
  try {
    const points = await inTenant('tenant-a', () => again.platform.services.series.range<{ value: number }>('drill-2', { limit: 100_000 }));
    const times = new Set(points.map((p) => p.ts));
    for (let i = 0; i < beforeBackup; i++) expect(times.has(t0 + i)).toBe(true);
    expect(points.length).toBeLessThanOrEqual(afterBackup);
    expect(points.some((p) => p.ts >= t0 + 100_000)).toBe(false);
    expect(points.find((p) => p.ts === t0 + 50)?.data.value).toBe(200);
    const alarms = await inTenant('tenant-a', () => again.platform.services.alarms.list());
    expect(alarms.map((a) => a.id)).toEqual(alarmsBefore.map((a) => a.id));
    expect((await inTenant('tenant-a', () => again.platform.services.commands.get(command.id)))?.payload).toEqual({ level: 40 });
    expect(await inTenant('tenant-a', () => again.platform.services.commands.get(late.id))).toBeNull();
    expect(await inTenant('tenant-b', () => again.platform.services.series.count('b-probe'))).toBe(40);
    expect((await again.as(h.tenants.a.users.operator)).token).toBeTruthy(); // users came back too
  } finally {
    await again.close({ keepData: true });
  }

  // Fewer than k good shards: one clear error naming what is missing, and nothing restored.
  await rm(targets[3]!, { recursive: true, force: true });
  const empty = join(scratch, 'empty');
  const failed = await run(restoreMain, ['--from', ...targets, '--to-data-dir', empty, '--master-key-file', keyCopy]);
  expect(failed.code).toBe(1);
  expect(failed.out).toMatch(/cannot be restored: 1 intact shard\(s\), 2 needed; shards missing or damaged: 1, 2, 3/);
  expect(failed.out).toContain(targets[3]!);
  await rm(dataDir, { recursive: true, force: true });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
