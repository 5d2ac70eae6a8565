// Device client certificates, an alternative to device secrets for MQTT over TLS (ETSI EN 303 645
// 5.1-1, 5.5-1; docs/security.md "Device certificates"). Each tenant has its own CA, created on
// first use; its private key lives only in the tenant's sealed records (sealed with the tenant's
// keys like any other record), never in a file. Every issued serial is recorded, so a revoked one
// is refused at the next connect, and revoking closes the device's live connections at once.
import { badRequest, notFound } from '../errors.ts';
import type { IdentityEvents } from '../events.ts';
import type { DeviceId, TenantId } from '../ids.ts';
import type { Scopes } from '../services/scopes.ts';
import { checkDeviceCert, createTenantCa, csrPublicKey, CsrError, exportCa, generateDeviceKey, importCa, issueDeviceCert, type CertRefusal, type TenantCa } from './x509.ts';

const CA_KIND = 'device-ca';
const CA_ID = 'current';
const CERT_KIND = 'device-cert';

export interface DeviceCertRecord {
  serial: string;
  deviceId: string;
  notBefore: number;
  notAfter: number;
  /** SHA-256 of the certificate's DER, hex. */
  fingerprint: string;
  /** Whether the device sent a CSR or the platform generated the key pair. */
  source: 'csr' | 'generated';
  status: 'active' | 'revoked';
  issuedAt: number;
  revokedAt: number | null;
}

export interface IssueResult {
  record: DeviceCertRecord;
  certificate: string;
  /** Only when the platform generated the key pair: shown once, never stored. */
  privateKey?: string;
  caCertificate: string;
}

export type CertVerdict = { ok: true; serial: string } | { ok: false; reason: CertRefusal | 'unknown-serial' | 'revoked' | 'no-ca' };

export const DEFAULT_VALIDITY_DAYS = 30;
export const MAX_VALIDITY_DAYS = 397;

export class DeviceCertificates {
  private cas = new Map<string, Promise<TenantCa | null>>();
  constructor(
    private readonly scopes: Scopes,
    private readonly events?: IdentityEvents,
    private readonly now: () => number = Date.now,
  ) {}

  private loadCa(tenantId: string): Promise<TenantCa | null> {
    let p = this.cas.get(tenantId);
    if (!p) {
      p = (async () => {
        const rec = await (await this.scopes.records(tenantId)).get<{ certPem: string; keyPem: string }>(CA_KIND, CA_ID);
        return rec ? importCa(rec.data) : null;
      })();
      this.cas.set(tenantId, p);
      // A missing CA is not cached: it may be created by the next issue.
      p.then((ca) => ca ?? this.cas.delete(tenantId), () => this.cas.delete(tenantId));
    }
    return p;
  }

  /** The tenant's CA, created (and sealed) on first use. */
  private async requireCa(tenantId: string): Promise<TenantCa> {
    const existing = await this.loadCa(tenantId);
    if (existing) return existing;
    const creating = (async () => {
      const ca = await createTenantCa(tenantId, this.now());
      await (await this.scopes.records(tenantId)).put(CA_KIND, CA_ID, await exportCa(ca));
      return ca;
    })();
    // Concurrent first issues share one CA.
    this.cas.set(tenantId, creating);
    creating.catch(() => this.cas.delete(tenantId));
    return creating;
  }

  /** The CA certificate (PEM) devices trust the platform's issuance with; null before the first issue. */
  async caCertificate(tenantId: TenantId): Promise<string | null> {
    return (await this.loadCa(tenantId))?.cert.toString('pem') ?? null;
  }

  async issue(
    tenantId: TenantId,
    deviceId: DeviceId,
    input: { csr: string } | { generateKey: true },
    opts: { validityDays?: number; now?: number } = {},
  ): Promise<IssueResult> {
    const ca = await this.requireCa(tenantId);
    const now = opts.now ?? this.now();
    let publicKey: Awaited<ReturnType<typeof csrPublicKey>> | CryptoKey;
    let privateKey: string | undefined;
    if ('csr' in input) {
      try {
        publicKey = await csrPublicKey(input.csr);
      } catch (err) {
        if (err instanceof CsrError) throw badRequest(err.message);
        throw err;
      }
    } else {
      const k = await generateDeviceKey();
      publicKey = k.publicKey;
      privateKey = k.keyPem;
    }
    const cert = await issueDeviceCert(ca, tenantId, deviceId, publicKey, now, opts.validityDays ?? DEFAULT_VALIDITY_DAYS);
    const record: DeviceCertRecord = {
      serial: cert.serial,
      deviceId,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      fingerprint: cert.fingerprint,
      source: 'csr' in input ? 'csr' : 'generated',
      status: 'active',
      issuedAt: now,
      revokedAt: null,
    };
    await this.save(tenantId, record);
    return { record, certificate: cert.certPem, ...(privateKey ? { privateKey } : {}), caCertificate: ca.cert.toString('pem') };
  }

  private async save(tenantId: string, r: DeviceCertRecord): Promise<void> {
    await (await this.scopes.records(tenantId)).put(CERT_KIND, r.serial, r, { tags: { device: r.deviceId, status: r.status } });
  }

  async list(tenantId: TenantId, deviceId: DeviceId): Promise<DeviceCertRecord[]> {
    const rows = await (await this.scopes.records(tenantId)).find<DeviceCertRecord>(CERT_KIND, { tags: { device: deviceId } });
    return rows.map((r) => r.data).sort((a, b) => a.issuedAt - b.issuedAt);
  }

  private async get(tenantId: string, serial: string): Promise<DeviceCertRecord | null> {
    return (await (await this.scopes.records(tenantId)).get<DeviceCertRecord>(CERT_KIND, serial))?.data ?? null;
  }

  /** Revokes one certificate of a device and closes the device's live connections. */
  async revoke(tenantId: TenantId, deviceId: DeviceId, serial: string): Promise<DeviceCertRecord> {
    const r = await this.get(tenantId, serial);
    if (!r || r.deviceId !== deviceId) throw notFound(`no certificate ${serial} for device ${deviceId}`);
    const next: DeviceCertRecord = r.status === 'revoked' ? r : { ...r, status: 'revoked', revokedAt: this.now() };
    if (next !== r) await this.save(tenantId, next);
    this.events?.publish({ type: 'device.certificate-revoked', tenantId, deviceId });
    return next;
  }

  /** What the broker asks at CONNECT: is this DER certificate a valid, unrevoked one of this device? */
  async verify(tenantId: TenantId, deviceId: DeviceId, der: Uint8Array): Promise<CertVerdict> {
    const ca = await this.loadCa(tenantId);
    if (!ca) return { ok: false, reason: 'no-ca' };
    const checked = await checkDeviceCert(der, ca.cert, tenantId, deviceId, this.now());
    if (!checked.ok) return checked;
    const r = await this.get(tenantId, checked.serial);
    if (!r || r.deviceId !== deviceId) return { ok: false, reason: 'unknown-serial' };
    if (r.status !== 'active') return { ok: false, reason: 'revoked' };
    return { ok: true, serial: r.serial };
  }
}
