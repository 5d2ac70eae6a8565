// The platform's HTTP surfaces give nothing away (docs/security.md): metrics behind a token and
// without tenant ids, malformed Origins refused cleanly, unsafe characters refused in labels,
// X-Forwarded-For ignored unless a proxy is trusted, and answers that do not depend on whether
// another tenant exists.
import { Writable } from 'node:stream';
import { connect as netConnect } from 'node:net';
import mqtt, { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devices, type Device } from '../../platform/identity/devices.ts';
import { createLogger } from '../../platform/logger.ts';
import { PLATFORM_SCOPE } from '../../platform/storage/port.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { asDeviceId, asTenantId } from '../../platform/ids.ts';

const METRICS_TOKEN = 'scrape-token-for-the-surface-tests-0123456789';
const logged: string[] = [];
const logSink = new Writable({
  write(chunk, _enc, done) {
    logged.push(String(chunk));
    done();
  },
});

let h: Harness;
beforeAll(async () => {
  h = await bootHarness({
    pilots: [probePilot],
    tenantPilots: ['probe'],
    logger: createLogger('info', logSink),
    config: { metrics: { token: METRICS_TOKEN, tenantLabels: false } },
  });
  const admin = await h.as(h.tenants.a.users['tenant-admin']);
  expect((await admin.post('/api/v1/devices', { id: 'surface-dev-1', kind: 'probe-sensor' })).status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

const scrape = (token?: string) => h.anonymous().request('GET', '/metrics', undefined, token ? { authorization: `Bearer ${token}` } : {});

describe('/metrics', () => {
  it('needs the scrape token and names no tenant by default (ASVS 4.1.1, 4.1.3; ETSI 5.6-2)', async () => {
    // Two tenants' refused readings on the broker's tenant-labelled counter.
    const rejected = h.platform.services.metrics.getSingleMetric('custodia_mqtt_rejected_total') as unknown as { inc(labels: object): void };
    rejected.inc({ tenant: 'tenant-a', reason: 'schema' });
    rejected.inc({ tenant: 'tenant-b', reason: 'schema' });

    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.contentType).toContain('application/problem+json');
    expect((await scrape('wrong-token-wrong-token-wrong-token-00')).status).toBe(401);

    const ok = await scrape(METRICS_TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('custodia_mqtt_rejected_total{reason="schema"} 2');
    expect(ok.body).toContain('process_cpu_user_seconds_total');
    expect(ok.body).not.toMatch(/tenant-a|tenant-b|tenant="/);
  });
});

describe('Origin of cookie-authenticated writes', () => {
  it.each([['null'], ['not a url'], ['http://[::1'], ['file:///etc/passwd']])(
    'Origin %j is refused with 403 problem+json and no stack trace in the log (ASVS 4.2.2, 13.2.3, 7.4.1)',
    async (origin) => {
      const api = await new ApiClient(h.url).loginWithCookie(h.tenants.a.users['tenant-admin'], TEST_PASSWORD);
      const before = logged.length;
      const res = await api.request('POST', '/api/v1/devices', { id: 'origin-dev', kind: 'probe-sensor' }, { origin });
      expect(res.status).toBe(403);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/CSRF|origin/i);
      const since = logged.slice(before).join('');
      expect(since).not.toMatch(/unhandled error|"stack"|TypeError/);
    },
  );
});

describe('labels', () => {
  const hostile = [
    ['NUL', 'lamp\u0000one'],
    ['right-to-left override', 'exe.\u202Etxt'],
    ['lone surrogate', 'lamp\uD800'],
    ['escape sequence', 'lamp\u001b[2J'],
  ] as const;

  it.each(hostile)('a device label with %s is refused with 400 problem+json (ASVS 5.1.3, 5.1.4)', async (_name, label) => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    for (const body of [
      { id: 'label-dev-1', kind: 'probe-sensor', label },
      { id: 'label-dev-1', kind: 'probe-sensor', attributes: { cabinet: label } },
      { id: 'label-dev-1', kind: 'probe-sensor', attributes: { [label]: 'x' } },
    ]) {
      const res = await admin.post('/api/v1/devices', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
    }
    expect((await admin.get('/api/v1/devices/label-dev-1')).status).toBe(404);
  });

  it.each(hostile)('a user display name, tenant name or agreement title with %s is refused with 400 problem+json (ASVS 5.1.3, 5.1.4)', async (_name, label) => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const created = await admin.post('/api/v1/users', { username: 'label-user', password: TEST_PASSWORD, role: 'operator', displayName: label });
    expect(created.status).toBe(400);
    expect(created.contentType).toContain('application/problem+json');
    const someone = (await admin.get('/api/v1/users')).body.items[0].id;
    expect((await admin.patch(`/api/v1/users/${someone}`, { displayName: label })).status).toBe(400);

    const root = await h.as('root-admin');
    expect((await root.post('/api/v1/tenants', { id: 'label-tenant', name: label })).status).toBe(400);
    expect((await root.patch('/api/v1/tenants/tenant-a', { name: label })).status).toBe(400);

    const now = Date.now();
    const agreement = await admin.post('/api/v1/agreements', {
      consumerTenant: 'tenant-b', title: `study ${label}`, purpose: 'research', categories: ['probe.values'], operations: ['aggregate'], validFrom: now, validUntil: now + 60_000,
    });
    expect(agreement.status).toBe(400);
  });

  it('ordinary accents, scripts and emoji stay allowed', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const res = await admin.post('/api/v1/devices', { id: 'label-dev-ok', kind: 'probe-sensor', label: 'Zoë – 東京 – مرحبا 💡' });
    expect(res.status).toBe(201);
    expect(res.body.device.label).toBe('Zoë – 東京 – مرحبا 💡');
  });
});

/** The shape of a JSON value: keys and types, not values. */
const shape = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(shape) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort().map(([k, x]) => [k, shape(x)])) : typeof v;

describe('answers independent of other tenants (ASVS 4.2.1)', () => {
  it('creating a device whose id another tenant uses answers exactly like an unused id; each device connects as <tenant>/<id> and its secret opens only itself (ASVS 4.2.1; ETSI 5.6-2)', async () => {
    const aAdmin = await h.as(h.tenants.a.users['tenant-admin']);
    const bAdmin = await h.as(h.tenants.b.users['tenant-admin']);
    const theirs = await bAdmin.post('/api/v1/devices', { id: 'shared-id-1', kind: 'probe-sensor', label: 'B lamp' });
    expect(theirs.status).toBe(201);

    const unused = await aAdmin.post('/api/v1/devices', { id: 'fresh-id-1', kind: 'probe-sensor', label: 'A lamp' });
    const taken = await aAdmin.post('/api/v1/devices', { id: 'shared-id-1', kind: 'probe-sensor', label: 'A lamp' });
    expect(taken.status).toBe(unused.status);
    expect(taken.status).toBe(201);
    expect(taken.contentType).toBe(unused.contentType);
    expect(shape(taken.body)).toEqual(shape(unused.body));
    expect(taken.body.mqtt.username).toBe('tenant-a/shared-id-1');
    expect(unused.body.mqtt.username).toBe('tenant-a/fresh-id-1');
    // Only the tenant's own devices make an id taken.
    expect((await aAdmin.post('/api/v1/devices', { id: 'shared-id-1', kind: 'probe-sensor' })).status).toBe(409);
    expect((await aAdmin.get('/api/v1/devices/shared-id-1')).body.label).toBe('A lamp');
    expect((await bAdmin.get('/api/v1/devices/shared-id-1')).body.label).toBe('B lamp');

    const url = `mqtt://127.0.0.1:${h.platform.mqttPort}`;
    const connect = (name: string, secret: string) => mqtt.connectAsync(url, { clientId: name, username: name, password: secret, reconnectPeriod: 0, connectTimeout: 5000 });
    // Both devices online at once under their own identities.
    const a = await connect('tenant-a/shared-id-1', taken.body.secret);
    const b = await connect('tenant-b/shared-id-1', theirs.body.secret);
    await a.publishAsync('tenants/tenant-a/devices/shared-id-1/telemetry', JSON.stringify({ ts: Date.now(), value: 1 }), { qos: 1 });
    await b.publishAsync('tenants/tenant-b/devices/shared-id-1/telemetry', JSON.stringify({ ts: Date.now(), value: 2 }), { qos: 1 });
    await a.endAsync();
    await b.endAsync();
    const values = async (tenantId: string) =>
      runInTenant(systemContext('test', asTenantId(tenantId)), async () => (await h.platform.services.series.range<{ value: number }>('shared-id-1', { limit: 10 })).map((p) => p.data.value));
    expect(await values('tenant-a')).toEqual([1]);
    expect(await values('tenant-b')).toEqual([2]);

    // A secret opens only its own device, whichever name is claimed.
    for (const [name, secret] of [['tenant-b/shared-id-1', taken.body.secret], ['shared-id-1', taken.body.secret], ['tenant-a/shared-id-1', theirs.body.secret]] as const) {
      await expect(connect(name, secret)).rejects.toThrow(/Bad username or password|Not authorized/i);
    }
  });

  it('no name form tells a tenant that another tenant had its device id first: the bare id is refused alike for the first and the later device, the qualified forms work (ASVS 4.2.1; ETSI 5.6-2)', async () => {
    const aAdmin = await h.as(h.tenants.a.users['tenant-admin']);
    const bAdmin = await h.as(h.tenants.b.users['tenant-admin']);
    const first = await bAdmin.post('/api/v1/devices', { id: 'oracle-id-1', kind: 'probe-sensor' });
    const later = await aAdmin.post('/api/v1/devices', { id: 'oracle-id-1', kind: 'probe-sensor' });
    expect([first.status, later.status]).toEqual([201, 201]);
    expect(first.body.mqtt).toMatchObject({ username: 'tenant-b/oracle-id-1', clientId: 'tenant-b/oracle-id-1', telemetryTopic: 'tenants/tenant-b/devices/oracle-id-1/telemetry' });
    expect(later.body.mqtt).toMatchObject({ username: 'tenant-a/oracle-id-1', clientId: 'tenant-a/oracle-id-1', telemetryTopic: 'tenants/tenant-a/devices/oracle-id-1/telemetry' });

    /** The CONNACK return code (0: accepted), from a loopback address of its own per device so
     *  that the per-address failure throttle treats both alike. */
    const attemptFrom = (localAddress: string) => (clientId: string, username: string, secret: string) =>
      new Promise<number>((resolve) => {
        const c = new MqttClient(() => netConnect({ host: '127.0.0.1', port: h.platform.mqttPort, localAddress }), {
          clientId, username, password: secret, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4,
        });
        c.once('connect', () => (c.end(true), resolve(0)));
        c.once('error', (err) => (c.end(true), resolve((err as { code?: number }).code ?? -1)));
      });
    for (const [i, dev] of [first, later].entries()) {
      const attempt = attemptFrom(`127.0.0.${61 + i}`);
      const { id, tenantId } = dev.body.device as { id: string; tenantId: string };
      const secret = dev.body.secret as string;
      // The bare id with the device's own secret: refused like an unknown device, for both.
      expect(await attempt(id, id, secret)).toBe(4);
      expect(await attempt(id, `${tenantId}/${id}`, secret)).toBe(2);
      expect(await attempt(`${tenantId}/${id}`, id, secret)).toBe(2);
      expect(await attempt('oracle-id-2', 'oracle-id-2', secret)).toBe(4);
      // The documented form works for both.
      expect(await attempt(dev.body.mqtt.clientId, dev.body.mqtt.username, secret)).toBe(0);
    }
  });

  it('a device record left under its bare id by an older version is found by its own tenant only, connects only as <tenant>/<id>, and moves to that key on its next write (ASVS 4.2.1)', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const made = await admin.post('/api/v1/devices', { id: 'legacy-id-1', kind: 'probe-sensor' });
    expect(made.status).toBe(201);
    // Move the record to the bare key, as the previous version stored it.
    const records = await h.platform.services.scopes.records(PLATFORM_SCOPE);
    const rec = await records.get<Device>('device', 'tenant-a/legacy-id-1');
    await records.put('device', 'legacy-id-1', rec!.data, { tags: { tenant: 'tenant-a', kind: 'probe-sensor', status: 'active' } });
    await records.delete('device', 'tenant-a/legacy-id-1');
    const devices = new Devices(records); // a fresh registry: nothing cached from before the move

    expect(await devices.getForTenant(asTenantId('tenant-b'), asDeviceId('legacy-id-1'))).toBeNull();
    expect(await devices.authenticate('legacy-id-1', made.body.secret)).toBeNull();
    expect(await devices.authenticate('tenant-a/legacy-id-1', made.body.secret)).toMatchObject({ tenantId: 'tenant-a', deviceId: 'legacy-id-1' });
    const { secret } = await runInTenant(systemContext('test', asTenantId('tenant-a')), () => devices.rotate('legacy-id-1'));
    expect(await records.get('device', 'legacy-id-1')).toBeNull();
    expect((await records.get<Device>('device', 'tenant-a/legacy-id-1'))?.data.id).toBe('legacy-id-1');
    expect(await devices.authenticate('tenant-a/legacy-id-1', secret)).toMatchObject({ deviceId: 'legacy-id-1' });
  });

  it('an agreement naming an unknown consumer tenant is answered like one naming a known tenant (ASVS 4.2.1; ETSI 5.6-2)', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const now = Date.now();
    const propose = (consumerTenant: string) =>
      admin.post('/api/v1/agreements', {
        consumerTenant, title: 'probe statistics', purpose: 'research', categories: ['probe.values'], operations: ['aggregate'], validFrom: now, validUntil: now + 60_000,
      });
    const known = await propose('tenant-b');
    const unknown = await propose('no-such-tenant');
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(unknown.body.status).toBe(known.body.status);

    // A tenant created later under that id never sees (nor can sign) the proposal.
    const root = await h.as('root-admin');
    expect((await root.post('/api/v1/tenants', { id: 'no-such-tenant', name: 'Late tenant', admin: { username: 'late-admin', password: TEST_PASSWORD } })).status).toBe(201);
    const late = await h.as('late-admin');
    expect((await late.get('/api/v1/agreements')).body.items).toEqual([]);
    expect((await late.post('/api/v1/users', { username: 'late-dpo', password: TEST_PASSWORD, role: 'dpo' })).status).toBe(201);
    expect((await (await h.as('late-dpo')).post(`/api/v1/agreements/${unknown.body.id}/sign`)).status).toBe(404);
  });
});
