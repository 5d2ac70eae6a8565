// The tenant-admin's device list (GET /api/v1/devices): a search over id and label, filters by
// status and online state, and one page of the result in a stable order (kind, then id), with
// the total so the console can page. Online state and last seen come from the broker's presence.
import { z } from 'zod';
import { deviceKindSchema } from '../identity/schemas.ts';

export const deviceListQuery = z
  .object({
    kind: deviceKindSchema.optional(),
    q: z.string().max(64).optional(),
    status: z.enum(['active', 'revoked']).optional(),
    online: z.enum(['true', 'false']).optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
export type DeviceListQuery = z.infer<typeof deviceListQuery>;

interface Listable {
  id: string;
  kind: string;
  label: string;
  status: 'active' | 'revoked';
}

export type WithPresence<D> = D & { online: boolean; lastSeen: number | null };

export function listDevices<D extends Listable>(
  devices: readonly D[],
  q: Omit<DeviceListQuery, 'kind'>,
  presence: (id: string) => { online: boolean; lastSeen: number | null },
): { items: WithPresence<D>[]; total: number } {
  const needle = q.q?.trim().toLowerCase() ?? '';
  const matched = devices
    .map((d) => ({ ...d, ...presence(d.id) }))
    .filter((d) => !needle || d.id.toLowerCase().includes(needle) || d.label.toLowerCase().includes(needle))
    .filter((d) => !q.status || d.status === q.status)
    .filter((d) => q.online === undefined || d.online === (q.online === 'true'))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  const offset = q.offset ?? 0;
  return { items: q.limit === undefined ? matched.slice(offset) : matched.slice(offset, offset + q.limit), total: matched.length };
}
