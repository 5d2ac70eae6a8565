// The device registry: every device belongs to one tenant, has a kind, and a secret shown once
// (at creation or rotation) and stored only as a salted HMAC (ETSI EN 303 645 5.1-1: unique
// per-device credentials, no universal default). Kept in the platform store so the broker can
// authenticate a device by id before it knows the tenant.
import { deviceIdSchema, deviceKindSchema } from './schemas.ts';
import { conflict, notFound } from '../errors.ts';
import type { SealedRecords } from '../services/records.ts';
import type { IdentityEvents } from '../events.ts';
import { hashSecret, newSecret, verifySecret } from './secrets.ts';

export { deviceIdSchema, deviceKindSchema } from './schemas.ts';

export interface Device {
  id: string;
  tenantId: string;
  kind: string;
  label: string;
  /** Optional data subject the device measures (e.g. a patient id): readings seal under its key. */
  subject: string | null;
  /** Pilot-defined, non-personal attributes (group, cabinet, model…). */
  attributes: Record<string, string | number | boolean>;
  status: 'active' | 'revoked';
  secretSalt: string;
  secretHash: string;
  createdAt: number;
  rotatedAt: number;
}

export type PublicDevice = Omit<Device, 'secretSalt' | 'secretHash'>;
export const publicDevice = ({ secretSalt: _s, secretHash: _h, ...rest }: Device): PublicDevice => rest;

export interface DeviceIdentity {
  tenantId: string;
  deviceId: string;
  kind: string;
  subject: string | null;
}

const KIND = 'device';

export class Devices {
  private cache = new Map<string, Device>();
  constructor(
    private readonly records: SealedRecords,
    /** Told of revocations and rotations, so live connections under the old secret end. */
    private readonly events?: IdentityEvents,
  ) {}

  async register(input: {
    id: string;
    tenantId: string;
    kind: string;
    label?: string;
    subject?: string | null;
    attributes?: Device['attributes'];
  }): Promise<{ device: Device; secret: string }> {
    const id = deviceIdSchema.parse(input.id);
    deviceKindSchema.parse(input.kind);
    if (await this.records.store.get(KIND, id)) throw conflict(`device ${id} already exists`);
    const secret = newSecret();
    const salt = newSecret(16);
    const now = Date.now();
    const device: Device = {
      id,
      tenantId: input.tenantId,
      kind: input.kind,
      label: input.label ?? id,
      subject: input.subject ?? null,
      attributes: input.attributes ?? {},
      status: 'active',
      secretSalt: salt,
      secretHash: hashSecret(secret, salt),
      createdAt: now,
      rotatedAt: now,
    };
    await this.save(device);
    return { device, secret };
  }

  private async save(device: Device) {
    await this.records.put(KIND, device.id, device, {
      tags: { tenant: device.tenantId, kind: device.kind, status: device.status },
    });
    this.cache.set(device.id, device);
  }

  async get(id: string): Promise<Device | null> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const rec = await this.records.get<Device>(KIND, id);
    if (rec) this.cache.set(id, rec.data);
    return rec?.data ?? null;
  }

  /** A tenant's device, or 404 — a device of another tenant is indistinguishable from none. */
  async requireInTenant(tenantId: string, id: string): Promise<Device> {
    const d = await this.get(id);
    if (!d || d.tenantId !== tenantId) throw notFound(`no device ${id}`);
    return d;
  }

  async list(tenantId: string, filter: { kind?: string } = {}): Promise<Device[]> {
    const rows = await this.records.find<Device>(KIND, {
      tags: { tenant: tenantId, ...(filter.kind ? { kind: filter.kind } : {}) },
    });
    return rows.map((r) => r.data);
  }

  async countFor(tenantId: string): Promise<number> {
    return this.records.count(KIND, { tenant: tenantId });
  }

  async rotate(tenantId: string, id: string): Promise<{ device: Device; secret: string }> {
    const d = await this.requireInTenant(tenantId, id);
    const secret = newSecret();
    const salt = newSecret(16);
    const next: Device = { ...d, secretSalt: salt, secretHash: hashSecret(secret, salt), rotatedAt: Date.now(), status: 'active' };
    await this.save(next);
    this.events?.publish({ type: 'device.rotated', tenantId, deviceId: id });
    return { device: next, secret };
  }

  async revoke(tenantId: string, id: string): Promise<Device> {
    const d = await this.requireInTenant(tenantId, id);
    const next: Device = { ...d, status: 'revoked' };
    await this.save(next);
    this.events?.publish({ type: 'device.revoked', tenantId, deviceId: id });
    return next;
  }

  async update(tenantId: string, id: string, patch: Partial<Pick<Device, 'label' | 'attributes' | 'subject'>>) {
    const d = await this.requireInTenant(tenantId, id);
    const next = { ...d, ...patch };
    await this.save(next);
    return next;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.requireInTenant(tenantId, id);
    await this.records.delete(KIND, id);
    this.cache.delete(id);
    this.events?.publish({ type: 'device.removed', tenantId, deviceId: id });
  }

  /** For the broker: the device's identity, 'revoked', or null (unknown or wrong secret). */
  async authenticate(id: string, secret: string): Promise<DeviceIdentity | 'revoked' | null> {
    if (!deviceIdSchema.safeParse(id).success || secret.length > 256) return null;
    const d = await this.get(id);
    if (!d) return null;
    if (!verifySecret(secret, d.secretSalt, d.secretHash)) return null;
    if (d.status === 'revoked') return 'revoked';
    return { tenantId: d.tenantId, deviceId: d.id, kind: d.kind, subject: d.subject };
  }
}
