// MQTT over TLS when a certificate and key are configured (ETSI EN 303 645 5.5-1: communicate
// securely). The certificate is generated for the test with the system's openssl.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';

const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));
let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe.skipIf(!openssl)(`MQTT over TLS${openssl ? '' : ' — skipped: openssl not installed'}`, () => {
  it('a device connects over TLS with a trusted certificate and its reading is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodia-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(openssl!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const base = (await import('../../platform/config.ts')).testConfig();
    h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'], config: { mqtt: { ...base.mqtt, tls: { cert, key, port: 0 } } } });
    const tlsPort = h.platform.ingest.broker.tlsPort;
    expect(tlsPort).toBeGreaterThan(0);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const { body } = await admin.post('/api/v1/devices', { id: 'tls-dev-1', kind: 'probe-sensor' });
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
      clientId: 'tenant-a/tls-dev-1',
      username: 'tenant-a/tls-dev-1',
      password: body.secret,
      ca: readFileSync(cert),
      reconnectPeriod: 0,
    });
    await c.publishAsync('tenants/tenant-a/devices/tls-dev-1/telemetry', JSON.stringify({ ts: Date.now(), value: 1 }), { qos: 1 });
    await c.endAsync();
    const n = await runInTenant(systemContext('test', asTenantId('tenant-a')), () => h!.platform.services.series.count('tls-dev-1'));
    expect(n).toBe(1);
    // a client that does not trust the certificate is refused by its own TLS check
    await expect(
      mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, { clientId: 'tenant-a/tls-dev-1', username: 'tenant-a/tls-dev-1', password: body.secret, reconnectPeriod: 0, connectTimeout: 3000 }),
    ).rejects.toThrow(/self.signed|certificate/i);
  });
});
