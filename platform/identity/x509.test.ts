import { webcrypto } from 'node:crypto';
// @peculiar/x509's dependency-injection container (tsyringe) needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDeviceCert, createTenantCa, csrPublicKey, deviceUri, exportCa, generateDeviceKey, importCa, issueDeviceCert, newSerial, type TenantCa } from './x509.ts';

const NOW = Date.UTC(2026, 0, 15);
const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

let ca: TenantCa;
let otherCa: TenantCa;
let sameNameCa: TenantCa;
let deviceKey: CryptoKey;

beforeAll(async () => {
  ca = await createTenantCa('tenant-a', NOW);
  otherCa = await createTenantCa('tenant-b', NOW);
  sameNameCa = await createTenantCa('tenant-a', NOW);
  deviceKey = (await generateDeviceKey()).publicKey;
});

const der = async (issuer: TenantCa, tenant: string, device: string, validityDays = 7, at = NOW) =>
  new Uint8Array(new x509.X509Certificate((await issueDeviceCert(issuer, tenant, device, deviceKey, at, validityDays)).certPem).rawData);

describe('device certificate checks (ETSI 5.1-1, ASVS 9.2.1)', () => {
  it.each([
    ['its own certificate', () => der(ca, 'tenant-a', 'lamp-1'), NOW, null],
    ['another device of the tenant', () => der(ca, 'tenant-a', 'lamp-2'), NOW, 'wrong-device'],
    ['the same device id in another tenant, signed by this CA', () => der(ca, 'tenant-b', 'lamp-1'), NOW, 'wrong-device'],
    ["another tenant's CA", () => der(otherCa, 'tenant-a', 'lamp-1'), NOW, 'unknown-ca'],
    ["a CA copying this CA's name", () => der(sameNameCa, 'tenant-a', 'lamp-1'), NOW, 'unknown-ca'],
    ['past its validity', () => der(ca, 'tenant-a', 'lamp-1', 1), NOW + 2 * DAY, 'expired'],
    ['before its validity', () => der(ca, 'tenant-a', 'lamp-1', 1, NOW + DAY), NOW, 'expired'],
    ['not a certificate', async () => new Uint8Array([48, 3, 1, 1, 0]), NOW, 'bad-certificate'],
  ] as const)('%s', async (_name, make, at, reason) => {
    const verdict = await checkDeviceCert(await make(), ca.cert, 'tenant-a', 'lamp-1', at);
    if (reason === null) expect(verdict).toMatchObject({ ok: true, serial: expect.stringMatching(/^[0-9a-f]+$/) });
    else expect(verdict).toEqual({ ok: false, reason });
  });

  it('a certificate names the device (CN), the tenant (O) and both in a SAN URI, for client auth only', async () => {
    const c = new x509.X509Certificate(await der(ca, 'tenant-a', 'lamp-1'));
    expect(c.subject).toBe('CN=lamp-1, O=tenant-a');
    expect(c.getExtension(x509.SubjectAlternativeNameExtension)!.names.items.map((n) => n.value)).toEqual([deviceUri('tenant-a', 'lamp-1')]);
    expect(c.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(false);
    expect(c.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
  });

  it('serials are positive, random and 16 bytes', () => {
    const serials = new Set(Array.from({ length: 200 }, newSerial));
    expect(serials.size).toBe(200);
    for (const s of serials) expect(s).toMatch(/^[0-7][0-9a-f]{31}$/);
  });

  it('the CA survives export and import (what is sealed) and still signs verifiable certificates', async () => {
    const back = await importCa(await exportCa(ca));
    const d = new Uint8Array(new x509.X509Certificate((await issueDeviceCert(back, 'tenant-a', 'lamp-1', deviceKey, NOW, 1)).certPem).rawData);
    expect((await checkDeviceCert(d, ca.cert, 'tenant-a', 'lamp-1', NOW)).ok).toBe(true);
  });

  it('a CSR must be PKCS#10, EC P-256 and signed by its own key', async () => {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=whatever', keys, signingAlgorithm: ALG });
    expect((await csrPublicKey(csr.toString('pem'))).algorithm.name).toBe('ECDSA');
    await expect(csrPublicKey('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----')).rejects.toThrow(/PKCS#10/);
    const p384 = { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' } as const;
    const k384 = (await webcrypto.subtle.generateKey(p384, true, ['sign', 'verify'])) as CryptoKeyPair;
    const csr384 = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=x', keys: k384, signingAlgorithm: p384 });
    await expect(csrPublicKey(csr384.toString('pem'))).rejects.toThrow(/P-256/);
    // A request whose signature does not match its key (signed by another key).
    const other = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const forged = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=x', keys: { publicKey: keys.publicKey, privateKey: other.privateKey }, signingAlgorithm: ALG });
    await expect(csrPublicKey(forged.toString('pem'))).rejects.toThrow(/own key/);
  });
});
