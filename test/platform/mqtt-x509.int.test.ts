// Devices authenticating with X.509 client certificates over MQTT/TLS instead of a secret
// (docs/security.md "Device certificates"): a real TLS client (mqtt.js with key/cert/ca) against
// the real broker of the platform. The server certificate and the device keys and CSRs are made
// with the system's openssl, as an installer would.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantCa, generateDeviceKey, issueDeviceCert } from '../../platform/identity/x509.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { asDeviceId, asTenantId } from '../../platform/ids.ts';

const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));
let h: Harness;
let dir: string;
let serverCa: Buffer;
let tlsPort: number;
let adminA: ApiClient;
let adminB: ApiClient;

const run = (...args: string[]) => execFileSync(openssl!, args, { stdio: ['ignore', 'pipe', 'ignore'] });

/** A fresh EC P-256 key and a CSR for it, as a device (or its installer) makes them. */
function keyAndCsr(name: string): { key: Buffer; csr: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`);
  return { key: readFileSync(key), csr: readFileSync(csr, 'utf8') };
}

const connect = (clientId: string, creds: Pick<IClientOptions, 'key' | 'cert' | 'password' | 'username'>) =>
  mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, { clientId, ca: serverCa, reconnectPeriod: 0, connectTimeout: 5000, ...creds });

async function refusal(clientId: string, creds: Pick<IClientOptions, 'key' | 'cert' | 'password' | 'username'>): Promise<string> {
  const err = await connect(clientId, creds).then(
    async (c) => {
      await c.endAsync();
      return null;
    },
    (e: unknown) => e as Error & { code?: number },
  );
  expect(err, `${clientId} should have been refused`).not.toBeNull();
  return String(err!.code ?? err!.message);
}

async function lastCertAudit(): Promise<Record<string, unknown>> {
  await h.platform.services.audit.admin.checkpoint('_platform').catch(() => undefined);
  const entries = (await h.platform.services.audit.admin.list('_platform', { action: 'mqtt.connect', limit: 1000 })).entries;
  const e = entries.filter((x) => x.outcome === 'failure').at(-1)!;
  return (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!openssl) return;
  dir = mkdtempSync(join(tmpdir(), 'custodia-x509-'));
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
  serverCa = readFileSync(cert);
  const base = (await import('../../platform/config.ts')).testConfig();
  h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'], config: { mqtt: { ...base.mqtt, tls: { cert, key, port: 0 } } } });
  tlsPort = h.platform.ingest.broker.tlsPort!;
  adminA = await h.as(h.tenants.a.users['tenant-admin']);
  adminB = await h.as(h.tenants.b.users['tenant-admin']);
  for (const id of ['cert-1', 'cert-2']) expect((await adminA.post('/api/v1/devices', { id, kind: 'probe-sensor' })).status).toBe(201);
  expect((await adminB.post('/api/v1/devices', { id: 'cert-1', kind: 'probe-sensor' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(!openssl)(`X.509 device certificates over MQTT/TLS${openssl ? '' : ' — skipped: openssl not installed'}`, () => {
  let dev1: { key: Buffer; cert: string; serial: string };

  it('a device certificate issued from a CSR authenticates without a password and its reading is PUBACKed and stored (ETSI 5.1-1, ETSI 5.5-1, ASVS 9.2.1)', async () => {
    const { key, csr } = keyAndCsr('cert-1');
    const res = await adminA.post('/api/v1/devices/cert-1/certificates', { csr, validityDays: 7 });
    expect(res.status).toBe(201);
    expect(res.body.privateKeyPem).toBeUndefined();
    expect(res.body.certificate).toMatchObject({ deviceId: 'cert-1', status: 'active', source: 'csr' });
    expect(res.body.certificate.notAfter - res.body.certificate.notBefore).toBeLessThanOrEqual(7 * 86_400_000 + 60_000);
    // The certificate names the device and binds the tenant.
    const text = execFileSync(openssl!, ['x509', '-noout', '-subject', '-ext', 'subjectAltName', '-serial'], { input: res.body.certificatePem }).toString();
    expect(text).toMatch(/CN\s*=\s*cert-1/);
    expect(text).toMatch(/O\s*=\s*tenant-a/);
    expect(text).toContain('URI:urn:custodia:tenant-a:cert-1');
    expect(text.toLowerCase()).toContain(`serial=${res.body.certificate.serial}`);
    // The CA certificate is public, and is the one the certificate verifies against.
    const ca = await h.anonymous().get('/api/v1/tenants/tenant-a/device-ca.pem');
    expect(ca.status).toBe(200);
    expect(ca.contentType).toContain('application/x-pem-file');
    expect(ca.body).toBe(res.body.caCertificatePem);
    dev1 = { key, cert: res.body.certificatePem, serial: res.body.certificate.serial };
    // The CA's private key is stored sealed with the tenant's keys, never in clear (ASVS 6.4.1).
    const stored = await (await h.platform.services.scopes.store('tenant-a')).get('device-ca', 'current');
    expect(stored).not.toBeNull();
    expect(stored!.body.toString('latin1')).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);

    const c = await connect('tenant-a/cert-1', { key, cert: dev1.cert });
    await c.publishAsync('tenants/tenant-a/devices/cert-1/telemetry', JSON.stringify({ ts: Date.now(), value: 1 }), { qos: 1 });
    await c.endAsync();
    const n = await runInTenant(systemContext('test', asTenantId('tenant-a')), () => h.platform.services.series.count('cert-1'));
    expect(n).toBe(1);
  });

  it('the mqtt CLI of docs/integration.md publishes with the certificate and no username or password (ETSI 5.1-1)', async () => {
    const files = { key: join(dir, 'dev1.key'), cert: join(dir, 'dev1.crt'), ca: join(dir, 'server.pem') };
    writeFileSync(files.key, dev1.key, { mode: 0o600 });
    writeFileSync(files.cert, dev1.cert);
    const cli = join(process.cwd(), 'node_modules', '.bin', 'mqtt');
    // Asynchronously: the broker runs in this process.
    await promisify(execFile)(cli, ['pub', '-C', 'mqtts', '-h', '127.0.0.1', '-p', String(tlsPort), '--ca', files.ca, '--cert', files.cert, '--key', files.key, '-i', 'tenant-a/cert-1', '-q', '1', '-t', 'tenants/tenant-a/devices/cert-1/telemetry', '-m', JSON.stringify({ ts: Date.now(), value: 2 })], { timeout: 20_000 });
    const n = await runInTenant(systemContext('test', asTenantId('tenant-a')), () => h.platform.services.series.count('cert-1'));
    expect(n).toBe(2);
  });

  it('a certificate presented for another device of the same tenant is refused and audited (ETSI 5.1-1, ASVS 4.2.1)', async () => {
    expect(await refusal('tenant-a/cert-2', { key: dev1.key, cert: dev1.cert })).toBe('5');
    expect((await lastCertAudit()).reason).toBe('certificate-wrong-device');
  });

  it("another tenant's certificate, and one from a CA that only copies the tenant CA's name, are refused (ASVS 4.2.1, ASVS 9.2.1)", async () => {
    // tenant-b's own CA, for its own device cert-1: presented as tenant-a/cert-1.
    const other = await adminB.post('/api/v1/devices/cert-1/certificates', { generateKey: true });
    expect(other.status).toBe(201);
    expect(other.body.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(other.body.caCertificatePem).not.toBe(dev1.cert);
    expect(await refusal('tenant-a/cert-1', { key: other.body.privateKeyPem, cert: other.body.certificatePem })).toBe('5');
    expect((await lastCertAudit()).reason).toBe('certificate-unknown-ca');
    // ...while it works for the device it was issued to.
    const b = await connect('tenant-b/cert-1', { key: other.body.privateKeyPem, cert: other.body.certificatePem });
    await b.endAsync();
    // A forged CA with tenant-a's CA name signs a perfect-looking certificate for tenant-a/cert-1.
    const forgedCa = await createTenantCa('tenant-a', Date.now());
    const k = await generateDeviceKey();
    const forged = await issueDeviceCert(forgedCa, 'tenant-a', 'cert-1', k.publicKey, Date.now(), 1);
    expect(await refusal('tenant-a/cert-1', { key: k.keyPem, cert: forged.certPem })).toBe('5');
    expect((await lastCertAudit()).reason).toBe('certificate-unknown-ca');
  });

  it('an expired certificate is refused and audited (ETSI 5.1-1, ASVS 9.2.1)', async () => {
    const k = keyAndCsr('cert-2');
    const old = await h.platform.services.deviceCerts.issue(asTenantId('tenant-a'), asDeviceId('cert-2'), { csr: k.csr }, { now: Date.now() - 10 * 86_400_000, validityDays: 1 });
    expect(await refusal('tenant-a/cert-2', { key: k.key, cert: old.certificate })).toBe('5');
    expect((await lastCertAudit()).reason).toBe('certificate-expired');
  });

  it('revoking a certificate closes the connection at once and the serial is refused at the next connect; secrets keep working (ASVS 3.3.1, ETSI 5.1-1)', async () => {
    const c: MqttClient = await connect('tenant-a/cert-1', { key: dev1.key, cert: dev1.cert });
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    const res = await adminA.post(`/api/v1/devices/cert-1/certificates/${dev1.serial}/revoke`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serial: dev1.serial, status: 'revoked' });
    await closed;
    c.end(true);
    expect(await refusal('tenant-a/cert-1', { key: dev1.key, cert: dev1.cert })).toBe('5');
    expect((await lastCertAudit()).reason).toBe('certificate-revoked');
    const list = await adminA.get('/api/v1/devices/cert-1/certificates');
    expect(list.body.items.find((i: { serial: string }) => i.serial === dev1.serial).status).toBe('revoked');
    // The device's secret still authenticates over the same TLS listener.
    const rotated = await adminA.post('/api/v1/devices/cert-1/rotate');
    const s = await connect('tenant-a/cert-1', { username: 'tenant-a/cert-1', password: rotated.body.secret });
    await s.endAsync();
    // With a password the login is a secret login, whatever certificate comes with it. (After
    // the refusals above: this address's further failures are throttled, answered with 3.)
    const k = keyAndCsr('cert-1b');
    const fresh = await adminA.post('/api/v1/devices/cert-1/certificates', { csr: k.csr });
    expect(await refusal('tenant-a/cert-1', { key: k.key, cert: fresh.body.certificatePem, username: 'tenant-a/cert-1', password: 'not-the-secret' })).toMatch(/^[34]$/);
    expect((await lastCertAudit()).reason).not.toMatch(/^certificate-/);
  });

  it('bad requests get problem+json; another tenant cannot see or revoke the certificates (ASVS 4.2.1, ASVS 5.1.3)', async () => {
    const bad = await adminA.post('/api/v1/devices/cert-2/certificates', { csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    const neither = await adminA.post('/api/v1/devices/cert-2/certificates', { validityDays: 5 });
    expect(neither.status).toBe(400);
    const tooLong = await adminA.post('/api/v1/devices/cert-2/certificates', { generateKey: true, validityDays: 5000 });
    expect(tooLong.status).toBe(400);
    expect((await adminB.get('/api/v1/devices/cert-2/certificates')).status).toBe(404);
    const listA = await adminA.get('/api/v1/devices/cert-1/certificates');
    const someSerial = listA.body.items[0].serial as string;
    expect((await adminB.post(`/api/v1/devices/cert-1/certificates/${someSerial}/revoke`)).status).toBe(404);
    expect((await h.anonymous().get('/api/v1/tenants/no-such-tenant/device-ca.pem')).status).toBe(404);
  });
});
