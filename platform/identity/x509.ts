// X.509 for devices, pure: a tenant's CA, a device certificate issued from a CSR or a fresh key
// pair, and the check of a certificate a device presents at TLS connect. EC P-256 with SHA-256,
// through Node's WebCrypto (docs/security.md "Device certificates"). No storage, no clock of its
// own: ./device-certs.ts keeps the CA sealed and the serials recorded.
import { webcrypto } from 'node:crypto';
// @peculiar/x509's dependency-injection container (tsyringe) needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** The SAN URI that binds a certificate to one device of one tenant. */
export const deviceUri = (tenantId: string, deviceId: string) => `urn:custodia:${tenantId}:${deviceId}`;

export interface TenantCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

/** 16 random bytes, first bit clear: a positive serial (RFC 5280 4.1.2.2), unguessable. */
export function newSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f | 0x01;
  return Buffer.from(b).toString('hex');
}

export async function createTenantCa(tenantId: string, now: number, validityDays = 3650): Promise<TenantCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: `CN=Custodia device CA ${tenantId}, O=${tenantId}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validityDays * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey };
}

/** The CA as stored (sealed by the caller): its certificate and PKCS#8 key, both PEM. */
export async function exportCa(ca: TenantCa): Promise<{ certPem: string; keyPem: string }> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', ca.key);
  return { certPem: ca.cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

export async function importCa(stored: { certPem: string; keyPem: string }): Promise<TenantCa> {
  const der = x509.PemConverter.decodeFirst(stored.keyPem);
  const key = await webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
  return { cert: new x509.X509Certificate(stored.certPem), key };
}

export class CsrError extends Error {}

/** The public key of a CSR whose self-signature holds; the subject it asks for is ignored
 *  (the platform names the device). */
export async function csrPublicKey(csrPem: string): Promise<x509.PublicKey> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new CsrError('not a PEM certificate signing request (PKCS#10)');
  }
  if (csr.publicKey.algorithm.name !== 'ECDSA' || (csr.publicKey.algorithm as EcKeyAlgorithm).namedCurve !== 'P-256') {
    throw new CsrError('the request must carry an EC P-256 key');
  }
  if (!(await csr.verify())) throw new CsrError('the request is not signed by its own key');
  return csr.publicKey;
}

export async function generateDeviceKey(): Promise<{ publicKey: CryptoKey; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { publicKey: keys.publicKey, keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

export interface IssuedCert {
  serial: string;
  certPem: string;
  notBefore: number;
  notAfter: number;
  /** SHA-256 of the DER, hex. */
  fingerprint: string;
}

/** A client certificate for one device: CN = device id, O = tenant, SAN URI binding both. */
export async function issueDeviceCert(
  ca: TenantCa,
  tenantId: string,
  deviceId: string,
  publicKey: CryptoKey | x509.PublicKey,
  now: number,
  validityDays: number,
): Promise<IssuedCert> {
  const serial = newSerial();
  const notBefore = now - 60_000;
  const notAfter = now + validityDays * DAY_MS;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `CN=${deviceId}, O=${tenantId}`,
    issuer: ca.cert.subject,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: deviceUri(tenantId, deviceId) }]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { serial, certPem: cert.toString('pem'), notBefore: cert.notBefore.getTime(), notAfter: cert.notAfter.getTime(), fingerprint: await fingerprintOf(cert) };
}

export async function fingerprintOf(cert: x509.X509Certificate): Promise<string> {
  return Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex');
}

export type CertRefusal = 'bad-certificate' | 'unknown-ca' | 'expired' | 'wrong-device';

/** Checks a presented certificate against the tenant's CA, the clock and the claimed identity.
 *  The serial (recorded, not revoked) is the caller's to check. */
export async function checkDeviceCert(
  der: Uint8Array,
  ca: x509.X509Certificate,
  tenantId: string,
  deviceId: string,
  now: number,
): Promise<{ ok: true; serial: string } | { ok: false; reason: CertRefusal }> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(new Uint8Array(der));
  } catch {
    return { ok: false, reason: 'bad-certificate' };
  }
  // The signature first: nothing of a certificate another CA signed is looked at further.
  const signed = cert.issuer === ca.subject && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }).catch(() => false));
  if (!signed) return { ok: false, reason: 'unknown-ca' };
  if (now < cert.notBefore.getTime() || now > cert.notAfter.getTime()) return { ok: false, reason: 'expired' };
  const cn = cert.subjectName.getField('CN');
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const uris = san?.names.items.filter((n) => n.type === 'url').map((n) => n.value) ?? [];
  if (cn.length !== 1 || cn[0] !== deviceId || uris.length !== 1 || uris[0] !== deviceUri(tenantId, deviceId)) {
    return { ok: false, reason: 'wrong-device' };
  }
  return { ok: true, serial: cert.serialNumber.toLowerCase() };
}
