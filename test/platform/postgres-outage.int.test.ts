// PUBACK after commit when the PostgreSQL store becomes unreachable: the platform runs on
// PostgreSQL through a TCP relay; with the relay cut, a QoS1 reading gets no PUBACK and /readyz
// says the store is down; once the relay is back, the device's retry is stored exactly once.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { bootHarness, testPostgresDatabase, type Harness } from '../../validation/support/harness.ts';
import { PG_SKIP_NOTICE, findPostgres, type TestDatabase } from '../../validation/support/postgres.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { startTcpRelay, viaRelay, type TcpRelay } from '../support/tcp-relay.ts';
import { mqttIdentity } from '../../platform/broker/topics.ts';
import { asTenantId } from '../../platform/ids.ts';

const reachable = (await findPostgres()) !== null;
if (!reachable) console.warn(PG_SKIP_NOTICE);

const TENANT = 'tenant-a';
const ctx = systemContext('test', asTenantId(TENANT));

(reachable ? describe : describe.skip)(`PostgreSQL outage under QoS1 ingest${reachable ? '' : ` — ${PG_SKIP_NOTICE}`}`, () => {
  let db: TestDatabase;
  let relay: TcpRelay;
  let h: Harness;

  beforeAll(async () => {
    db = await testPostgresDatabase();
    const target = new URL(db.url);
    relay = await startTcpRelay(target.hostname, Number(target.port || 5432));
    h = await bootHarness({
      pilots: [probePilot],
      tenantPilots: ['probe'],
      store: 'postgres',
      config: { storeUrl: viaRelay(db.url, relay) },
    });
  });

  afterAll(async () => {
    if (relay && !relay.listening) await relay.restore();
    await h?.close();
    if (relay?.listening) await relay.cut();
    await db?.drop();
  });

  it('withholds the PUBACK while the database is unreachable and stores the retry once it is back', async () => {
    expect(h.platform.services.storage.kind).toBe('postgres');
    const { secret } = await runInTenant(ctx, () =>
      h.platform.services.devices.register({ id: 'probe-1', tenantId: asTenantId(TENANT), kind: 'probe-sensor' }),
    );
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
      clientId: mqttIdentity(TENANT, 'probe-1'),
      username: mqttIdentity(TENANT, 'probe-1'),
      password: secret,
      reconnectPeriod: 300,
    });
    client.on('error', () => undefined);
    const topic = `tenants/${TENANT}/devices/probe-1/telemetry`;
    try {
      await client.publishAsync(topic, JSON.stringify({ ts: 1_700_000_000_001, value: 1 }), { qos: 1 });
      expect((await h.anonymous().get('/readyz')).status).toBe(200);

      await relay.cut();
      let acked = false;
      const published = client.publishAsync(topic, JSON.stringify({ ts: 1_700_000_000_002, value: 2 }), { qos: 1 }).then(() => {
        acked = true;
      });
      const ready = await h.anonymous().get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.parts.storage).toBe(false);
      await new Promise((r) => setTimeout(r, 1500));
      expect(acked).toBe(false);

      await relay.restore();
      await published;
      expect(acked).toBe(true);
      await expect.poll(async () => (await h.anonymous().get('/readyz')).status, { timeout: 10_000 }).toBe(200);
      const values = await runInTenant(ctx, async () =>
        (await h.platform.services.series.range<{ value: number }>('probe-1', { limit: 100 })).map((p) => p.data.value),
      );
      expect(values).toEqual([1, 2]);
    } finally {
      client.end(true);
    }
  }, 60_000);
});
