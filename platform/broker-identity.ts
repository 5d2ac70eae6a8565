// What the broker needs from identity beyond device secrets, and what identity changes mean for
// it: tool tokens valid only while their user and tenant are; the devices' client-id namespace;
// a keyed hash for peer addresses in audit entries; and live connections closed when a device is
// revoked or rotated, a tenant suspended, or a user's sessions end (docs/security.md).
import { createHmac } from 'node:crypto';
import type { Broker } from './broker/index.ts';
import type { BrokerDeps, ToolIdentity } from './broker/types.ts';
import type { IdentityChange } from './events.ts';
import { isDeviceName, parseMqttIdentity } from './identity/devices.ts';
import { hashToken } from './identity/secrets.ts';
import { can } from './policy/roles.ts';
import type { PlatformServices } from './services/index.ts';
import { PLATFORM_SCOPE } from './storage/port.ts';

export async function brokerIdentityDeps(
  s: PlatformServices,
): Promise<Pick<BrokerDeps, 'authenticateToken' | 'authenticateCertificate' | 'isDeviceId' | 'hashAddress'>> {
  // Derived from the platform's index key, never stored: stable across restarts, so an auditor
  // can see that failures come from one address without the address being recorded.
  const key = Buffer.from(await s.keyring.blindIndex(PLATFORM_SCOPE, 'mqtt-address-key', 'v1'), 'hex');
  return {
    authenticateToken: async (token): Promise<ToolIdentity | null> => {
      const t = await s.toolTokens.resolve(token);
      if (!t) return null;
      // A tool acts for its user: disabled, deleted, moved or stripped of data:read, it stops.
      const user = await s.users.get(t.createdBy);
      if (!user || user.disabled || user.tenantId !== t.tenantId || !can(user.role, 'data:read')) return null;
      const tenant = await s.tenants.get(t.tenantId);
      if (!tenant || tenant.status !== 'active') return null;
      return { tenantId: t.tenantId, label: t.label, topics: t.topics, owner: t.createdBy, tokenId: hashToken(token) };
    },
    // A client certificate stands in for the secret only: the device must exist, be active, and
    // its tenant too; the certificate must be one of its own, from its tenant's CA, unrevoked.
    authenticateCertificate: async (name, certificate) => {
      const id = parseMqttIdentity(name);
      const device = id ? await s.devices.getForTenant(id.tenantId, id.deviceId) : null;
      if (!id || !device) return { refused: 'unknown-device' };
      if (device.status !== 'active') return { refused: 'device-revoked' };
      const tenant = await s.tenants.get(id.tenantId);
      if (!tenant || tenant.status !== 'active') return { refused: 'tenant-inactive' };
      const verdict = await s.deviceCerts.verify(id.tenantId, id.deviceId, certificate);
      if (!verdict.ok) return { refused: verdict.reason };
      return { tenantId: id.tenantId, deviceId: id.deviceId, kind: device.kind };
    },
    // Every form a device was ever named by, `<tenant>/<device>` and the older bare id, is outside
    // the tools' namespace.
    isDeviceId: isDeviceName,
    hashAddress: (address) => createHmac('sha256', key).update(address).digest('base64url').slice(0, 22),
  };
}

/** Closes the broker connections an identity change withdraws; returns the unsubscribe. */
export function closeRevokedConnections(s: PlatformServices, broker: Pick<Broker, 'disconnect'>): () => void {
  return s.identityEvents.subscribe((c: IdentityChange) => {
    if (c.type === 'device.revoked' || c.type === 'device.rotated' || c.type === 'device.removed' || c.type === 'device.certificate-revoked') {
      broker.disconnect({ tenantId: c.tenantId, deviceId: c.deviceId });
    } else if (c.type === 'tenant.suspended') {
      broker.disconnect({ tenantId: c.tenantId });
    } else if (c.type === 'user.sessions-ended') {
      broker.disconnect({ owner: c.userId });
    } else if (c.type === 'tool-token.revoked') {
      broker.disconnect({ tokenId: c.tokenId });
    }
  });
}
