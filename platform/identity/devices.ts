// The device registry: every device belongs to one tenant, has a kind, and a secret shown once
// (at creation or rotation) and stored only as a salted HMAC (ETSI EN 303 645 5.1-1: unique
// per-device credentials, no universal default). Kept in the platform store so the broker can
// authenticate a device before it knows the tenant.
//
// Device ids are scoped to their tenant (ASVS 4.2.1): two tenants may both have a `lamp-1`, and
// creating one answers the same whether or not another tenant has it. Every device is stored under
// `<tenant>/<device>`, which is also its MQTT identity (username and client id) and the only form
// the broker accepts, so nothing a tenant can observe depends on another tenant's ids. Records
// stored under a bare id by older versions are still found and move to the qualified key on their
// next write; a bare id never authenticates (docs/security.md).
import { deviceIdSchema, deviceKindSchema } from './schemas.ts';
import { isSafeLabel } from '../safe-text.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { SealedRecords } from '../services/records.ts';
import type { IdentityEvents } from '../events.ts';
import { TENANT_ID_PATTERN } from '../storage/port.ts';
import { asDeviceId, asTenantId, type DeviceId, type TenantId } from '../ids.ts';
import { currentTenant, requireAdmin } from '../tenancy/context.ts';
import { mqttIdentity } from '../broker/topics.ts';
import { hashSecret, newSecret, verifySecret } from './secrets.ts';
import type { Device, PublicDevice, DeviceIdentity, DeviceWithSubject } from '../contract.ts';
// The wire types live in the pure contract module (the dashboard reads them without Node types).
export type { Device, PublicDevice, DeviceIdentity, DeviceWithSubject } from '../contract.ts';

export { deviceIdSchema, deviceKindSchema } from './schemas.ts';

export const publicDevice = ({ secretSalt: _s, secretHash: _h, ...rest }: Device): PublicDevice => rest;

/** The one mapping from a registry record to the identity. */
export const deviceIdentity = (d: Pick<Device, 'tenantId' | 'id' | 'kind'>): DeviceIdentity => ({ tenantId: d.tenantId, deviceId: d.id, kind: d.kind });

const KIND = 'device';
const tenantInContext = (what: string) => currentTenant(what).tenantId;
const UNSAFE_LABEL = 'label must not contain control, bidi or unpaired surrogate characters';

export { mqttIdentity };

/** `<tenant>/<device>`; null for anything else, a bare device id included. */
export function parseMqttIdentity(username: string): { tenantId: TenantId; deviceId: DeviceId } | null {
  const parts = username.split('/');
  if (parts.length !== 2 || !TENANT_ID_PATTERN.test(parts[0]!) || !deviceIdSchema.safeParse(parts[1]).success) return null;
  return { tenantId: asTenantId(parts[0]), deviceId: asDeviceId(parts[1]) };
}

/** Any form a device has ever been named by on MQTT, the bare id included: operator tools'
 *  client ids stay outside all of them (docs/security.md "Client ids"). */
export const isDeviceName = (name: string): boolean =>
  deviceIdSchema.safeParse(name).success || parseMqttIdentity(name) !== null;

function newDevice(input: { id: string; tenantId: string; kind: string; label?: string; subject?: string | null; attributes?: Device['attributes'] }): { device: Device; secret: string } {
  const secret = newSecret();
  const salt = newSecret(16);
  const now = Date.now();
  const device: Device = {
    id: input.id,
    tenantId: input.tenantId,
    kind: input.kind,
    label: input.label ?? input.id,
    subject: input.subject ?? null,
    attributes: input.attributes ?? {},
    status: 'active',
    secretSalt: salt,
    secretHash: hashSecret(secret, salt),
    createdAt: now,
    rotatedAt: now,
  };
  return { device, secret };
}

export class Devices {
  private cache = new Map<string, Device>();
  constructor(
    private readonly records: SealedRecords,
    /** Told of revocations and rotations, so live connections under the old secret end. */
    private readonly events?: IdentityEvents,
  ) {}

  async register(input: {
    id: string;
    tenantId: TenantId;
    kind: string;
    label?: string;
    subject?: string | null;
    attributes?: Device['attributes'];
  }): Promise<{ device: Device; secret: string }> {
    const id = deviceIdSchema.parse(input.id);
    deviceKindSchema.parse(input.kind);
    // Pilots register devices too: the registry checks labels itself (ASVS 5.1.4).
    if (input.label !== undefined && !isSafeLabel(input.label)) throw badRequest(UNSAFE_LABEL);
    // Only the caller's own tenant decides whether the id is taken.
    if (await this.locate(input.tenantId, id)) throw conflict(`device ${id} already exists`);
    const { device, secret } = newDevice({ ...input, id });
    await this.save(null, device);
    return { device, secret };
  }

  /** Registers many devices of the tenant in context in one atomic commit of the registry's store:
   *  all are created or none. The caller checked the rows (platform/identity/bulk.ts); ids already
   *  taken are refused here as well. */
  async registerMany(inputs: Omit<Parameters<Devices['register']>[0], 'tenantId'>[]): Promise<{ device: Device; secret: string }[]> {
    const tenantId = tenantInContext('devices.registerMany');
    const made: { device: Device; secret: string }[] = [];
    for (const input of inputs) {
      const id = deviceIdSchema.parse(input.id);
      deviceKindSchema.parse(input.kind);
      if (input.label !== undefined && !isSafeLabel(input.label)) throw badRequest(UNSAFE_LABEL);
      if (await this.locate(tenantId, id)) throw conflict(`device ${id} already exists`);
      made.push(newDevice({ ...input, id, tenantId }));
    }
    const put = [];
    for (const { device } of made) put.push(await this.records.prepare(KIND, mqttIdentity(tenantId, device.id), device, { tags: { tenant: tenantId, kind: device.kind, status: device.status } }));
    await this.records.store.commit({ put });
    for (const { device } of made) this.cache.set(mqttIdentity(tenantId, device.id), device);
    return made;
  }

  /** Which of these ids the tenant in context already has. */
  async taken(ids: string[]): Promise<Set<string>> {
    const tenantId = tenantInContext('devices.taken');
    const out = new Set<string>();
    for (const id of ids) if (await this.locate(tenantId, id)) out.add(id);
    return out;
  }

  /** Writes under the qualified key; a record found under an older bare key moves there. */
  private async save(foundUnder: string | null, device: Device) {
    const key = mqttIdentity(device.tenantId, device.id);
    await this.records.put(KIND, key, device, {
      tags: { tenant: device.tenantId, kind: device.kind, status: device.status },
    });
    this.cache.set(key, device);
    if (foundUnder !== null && foundUnder !== key) {
      await this.records.delete(KIND, foundUnder);
      this.cache.delete(foundUnder);
    }
  }

  /** The record stored under one key, cached. */
  private async byKey(key: string): Promise<Device | null> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rec = await this.records.get<Device>(KIND, key);
    if (rec) this.cache.set(key, rec.data);
    return rec?.data ?? null;
  }

  /** A tenant's device and the key it is stored under (qualified, or bare from an older
   *  version), or null. */
  private async locate(tenantId: string, id: string): Promise<{ key: string; device: Device } | null> {
    const qualified = mqttIdentity(tenantId, id);
    const q = await this.byKey(qualified);
    if (q && q.tenantId === tenantId) return { key: qualified, device: q };
    const bare = await this.byKey(id);
    if (bare && bare.tenantId === tenantId) return { key: id, device: bare };
    return null;
  }

  /** A device of the tenant in context, or null. */
  async get(id: string): Promise<Device | null> {
    return (await this.locate(tenantInContext('devices.get'), id))?.device ?? null;
  }

  /** A device of the tenant in context, or 404 — a device of another tenant is indistinguishable
   *  from none. */
  async require(id: string): Promise<Device> {
    const d = await this.get(id);
    if (!d) throw notFound(`no device ${id}`);
    return d;
  }

  /** A named tenant's device, or null: for the broker, which looks a device up before any tenant
   *  context exists (platform/broker-identity.ts). Refuses a tenant's principal (`requireAdmin`). */
  async getForTenant(tenantId: TenantId, id: DeviceId): Promise<Device | null> {
    requireAdmin(tenantId, 'devices.getForTenant');
    return (await this.locate(tenantId, id))?.device ?? null;
  }

  private async requireLocated(tenantId: string, id: string): Promise<{ key: string; device: Device }> {
    const found = await this.locate(tenantId, id);
    if (!found) throw notFound(`no device ${id}`);
    return found;
  }

  async list(filter: { kind?: string } = {}): Promise<Device[]> {
    const tenantId = tenantInContext('devices.list');
    const rows = await this.records.find<Device>(KIND, {
      tags: { tenant: tenantId, ...(filter.kind ? { kind: filter.kind } : {}) },
    });
    return rows.map((r) => r.data);
  }

  /** How many devices the tenant in context has (its quota). */
  async count(): Promise<number> {
    return this.records.count(KIND, { tenant: tenantInContext('devices.count') });
  }

  /** How many devices a named tenant has: for the platform operator's tenant list. */
  async countForTenant(tenantId: TenantId): Promise<number> {
    requireAdmin(tenantId, 'devices.countForTenant');
    return this.records.count(KIND, { tenant: tenantId });
  }

  async rotate(id: string): Promise<{ device: Device; secret: string }> {
    const tenantId = tenantInContext('devices.rotate');
    const { key, device: d } = await this.requireLocated(tenantId, id);
    const secret = newSecret();
    const salt = newSecret(16);
    const next: Device = { ...d, secretSalt: salt, secretHash: hashSecret(secret, salt), rotatedAt: Date.now(), status: 'active' };
    await this.save(key, next);
    this.events?.publish({ type: 'device.rotated', tenantId, deviceId: id });
    return { device: next, secret };
  }

  async revoke(id: string): Promise<Device> {
    const tenantId = tenantInContext('devices.revoke');
    const { key, device: d } = await this.requireLocated(tenantId, id);
    const next: Device = { ...d, status: 'revoked' };
    await this.save(key, next);
    this.events?.publish({ type: 'device.revoked', tenantId, deviceId: id });
    return next;
  }

  async update(id: string, patch: Partial<Pick<Device, 'label' | 'attributes' | 'subject'>>) {
    const tenantId = tenantInContext('devices.update');
    if (patch.label !== undefined && !isSafeLabel(patch.label)) throw badRequest(UNSAFE_LABEL);
    const { key, device: d } = await this.requireLocated(tenantId, id);
    const next = { ...d, ...patch };
    await this.save(key, next);
    return next;
  }

  async remove(id: string): Promise<void> {
    const tenantId = tenantInContext('devices.remove');
    const { key } = await this.requireLocated(tenantId, id);
    await this.records.delete(KIND, key);
    this.cache.delete(key);
    this.events?.publish({ type: 'device.removed', tenantId, deviceId: id });
  }

  /** For the broker: the device's identity, 'revoked', or null (unknown, wrong secret, or not
   *  named `<tenant>/<device>`: a bare id is refused like an unknown device, whoever holds it). */
  async authenticate(username: string, secret: string): Promise<DeviceIdentity | 'revoked' | null> {
    if (secret.length > 256) return null;
    const parsed = parseMqttIdentity(username);
    if (!parsed) return null;
    const d = (await this.locate(parsed.tenantId, parsed.deviceId))?.device;
    if (!d) return null;
    if (!verifySecret(secret, d.secretSalt, d.secretHash)) return null;
    if (d.status === 'revoked') return 'revoked';
    return deviceIdentity(d);
  }
}
