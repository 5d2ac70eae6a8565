// Residency (docs/architecture.md "Residency"): with two regions configured as two directories,
// a tenant in eu-south and one in eu-west each get synthetic telemetry, a command and audit
// entries. Then every byte of the eu-west location is scanned for the eu-south tenant's bytes:
// its clear ids (tenant id, series id, audit hashes) and slices of every sealed body, wrapped key
// and checkpoint signature read from its store. The control scan finds them in eu-south, and
// finds the eu-west tenant's own bytes in eu-west.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import mqtt from 'mqtt';
import { sqliteSnapshots } from '../../platform/backup/snapshot.ts';
import { mqttIdentity, telemetryTopic } from '../../platform/broker/topics.ts';
import { TEST_PASSWORD, type Harness } from '../support/harness.ts';
import { listFiles, scanDir } from '../support/scan.ts';
import { syntheticFaker } from '../support/synthetic.ts';
import type { Scenario } from '../types.ts';

const SOUTH_TENANT = 'tenant-south';
const WEST_TENANT = 'tenant-a';
const SLICE = 24;

/** Clear ids and slices of every stored byte string of one tenant store. */
async function storeNeedles(dir: string, tenant: string): Promise<(string | Buffer)[]> {
  const snapshot = await sqliteSnapshots(dir).open(tenant);
  const needles: (string | Buffer)[] = [tenant];
  const slice = (b: Buffer) => (b.length >= SLICE ? [b.subarray(b.length - SLICE)] : []);
  try {
    for (const k of await snapshot.keys()) needles.push(...slice(k.wrapped));
    for await (const page of snapshot.records(500)) for (const r of page) needles.push(...slice(r.body));
    const series = new Set<string>();
    for await (const page of snapshot.points(1000)) {
      for (const p of page) {
        series.add(p.series);
        needles.push(...slice(p.body));
      }
    }
    needles.push(...series);
    for await (const page of snapshot.audit(1000)) for (const e of page) needles.push(e.hash);
    for (const cp of await snapshot.checkpoints()) needles.push(cp.signature);
  } finally {
    await snapshot.close();
  }
  return needles;
}

async function activity(h: Harness, tenant: string, admin: string, operator: string, deviceId: string, values: number[]): Promise<void> {
  const api = await h.as(admin);
  const created = await api.post('/api/v1/devices', { id: deviceId, kind: 'probe-sensor' });
  if (created.status !== 201) throw new Error(`device ${deviceId}: ${created.status} ${JSON.stringify(created.body)}`);
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
    clientId: mqttIdentity(tenant, deviceId),
    username: mqttIdentity(tenant, deviceId),
    password: created.body.secret as string,
    reconnectPeriod: 0,
  });
  try {
    for (const value of values) {
      await client.publishAsync(telemetryTopic(tenant, deviceId), JSON.stringify({ ts: Date.now(), value }), { qos: 1 });
    }
  } finally {
    await client.endAsync(true);
  }
  const cmd = await (await h.as(operator)).post('/api/v1/commands', { deviceId, name: 'note', payload: { text: `level ${values[0]}` } });
  if (cmd.status !== 201 && cmd.status !== 202) throw new Error(`command: ${cmd.status} ${JSON.stringify(cmd.body)}`);
}

export const residencyPlacement: Scenario = {
  id: 'residency.placement',
  title: "No byte of an eu-south tenant exists in the eu-west location",
  requirement: 'docs/architecture.md "Residency" (data placement per region); GDPR art. 44 (transfers), issue #14',
  indicator: "hits of the eu-south tenant's ids, audit hashes and sealed-byte slices in every file of the eu-west location",
  criterion: '0 hits in eu-west (running and after stop); the control scans find the eu-south tenant in eu-south and the eu-west tenant in eu-west',
  profile: 'fast',
  timeoutMs: 60_000,
  async run(ctx) {
    const west = ctx.tmpDir('region-west-');
    const south = ctx.tmpDir('region-south-');
    const regions = { 'eu-west': { dataDir: west, backupTargets: [] }, 'eu-south': { dataDir: south, backupTargets: [] } };
    const h = await ctx.boot({ probe: true, config: { regions } });
    const f = syntheticFaker(20_261_206);
    const root = await h.as('root-admin');
    const created = await root.post('/api/v1/tenants', {
      id: SOUTH_TENANT,
      name: 'South Lighting Operator',
      region: 'eu-south',
      admin: { username: 'south-admin', password: TEST_PASSWORD },
    });
    if (created.status !== 201) throw new Error(`tenant: ${created.status} ${JSON.stringify(created.body)}`);
    const values = () => Array.from({ length: 5 }, () => f.number.float({ min: 100_000, max: 999_999, fractionDigits: 3 }));
    const southAdmin = await h.as('south-admin');
    const op = await southAdmin.post('/api/v1/users', { username: 'south-operator', password: TEST_PASSWORD, role: 'operator' });
    if (op.status !== 201) throw new Error(`operator: ${op.status} ${JSON.stringify(op.body)}`);
    await activity(h, SOUTH_TENANT, 'south-admin', 'south-operator', 'south-probe-1', values());
    const a = h.tenants.a.users;
    await activity(h, WEST_TENANT, a['tenant-admin'], a.operator, 'west-probe-1', values());
    const southDetails = await h.platform.services.audit.admin.checkpoint(SOUTH_TENANT);
    await h.platform.services.audit.admin.checkpoint(WEST_TENANT);
    ctx.log(`south checkpoint at seq ${southDetails?.seq ?? 'none'}`);

    const southNeedles = await storeNeedles(south, SOUTH_TENANT);
    const westNeedles = await storeNeedles(west, WEST_TENANT);
    const running = scanDir(west, southNeedles);
    await h.platform.stop();
    const stopped = scanDir(west, southNeedles);
    const controlSouth = scanDir(south, southNeedles);
    const controlWest = scanDir(west, westNeedles);
    const foundInSouth = new Set(controlSouth.map((x) => x.needle)).size;
    const distinct = new Set(southNeedles.map((n) => (typeof n === 'string' ? n : n.toString('hex')))).size;
    const hits = [...running, ...stopped];
    const files = listFiles(west);
    return {
      measured: hits.length,
      unit: 'hits',
      pass: hits.length === 0 && foundInSouth === distinct && controlWest.length > 0,
      evidence: {
        needles: southNeedles.length,
        distinctNeedles: distinct,
        needleKinds: ['tenant id', 'series ids', 'audit hashes', 'checkpoint signatures', `last ${SLICE} bytes of every sealed body and wrapped key`],
        westFilesScanned: files.map((p) => basename(p)),
        westBytesScanned: files.reduce((n, p) => n + statSync(p).size, 0),
        hits: hits.map((x) => ({ file: basename(x.file) })),
        controlSouthNeedlesFound: foundInSouth,
        controlWestHits: controlWest.length,
      },
    };
  },
};
