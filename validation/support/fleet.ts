// Provisioning of probe devices through the real API, and read-back of what a fleet process
// had acknowledged: the two ends of every ingest scenario's evidence.
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { Harness } from './harness.ts';

export interface ProvisionedDevice {
  id: string;
  tenantId: string;
  secret: string;
}

/** Registers `count` probe devices in the tenant through POST /api/v1/devices as its tenant-admin. */
export async function provisionProbes(h: Harness, tenant: 'a' | 'b', prefix: string, count: number): Promise<ProvisionedDevice[]> {
  const t = h.tenants[tenant];
  const admin = await h.as(t.users['tenant-admin']);
  const out: ProvisionedDevice[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${String(i).padStart(3, '0')}`;
    const res = await admin.post('/api/v1/devices', { id, kind: 'probe-sensor' });
    if (res.status !== 201) throw new Error(`could not register ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    out.push({ id, tenantId: t.id, secret: res.body.secret as string });
  }
  return out;
}

/** Values of the readings stored for each device (the probe payload's `value` is its sequence number). */
export async function storedValues(h: Harness, tenantId: string, deviceIds: string[]): Promise<Map<string, Set<number>>> {
  return runInTenant(systemContext('validation', asTenantId(tenantId)), async () => {
    const out = new Map<string, Set<number>>();
    for (const id of deviceIds) {
      const points = await h.platform.services.series.range<{ value: number }>(id, { limit: 10_000_000 });
      out.set(id, new Set(points.map((p) => p.data.value)));
    }
    return out;
  });
}

/** Acknowledged sequence numbers that are not stored, per device. */
export function missing(acked: Record<string, number[]>, stored: Map<string, Set<number>>): { deviceId: string; seq: number }[] {
  const lost: { deviceId: string; seq: number }[] = [];
  for (const [deviceId, seqs] of Object.entries(acked)) {
    const have = stored.get(deviceId) ?? new Set<number>();
    for (const seq of seqs) if (!have.has(seq)) lost.push({ deviceId, seq });
  }
  return lost;
}
