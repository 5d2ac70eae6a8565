// What the series store holds for one reading: the payload its pilot's schema accepted, with the
// platform's stamps beside it (the device kind, the receive time, and, when the device's clock was
// not believed, its claimed time and the verdict: docs/security.md "Device clocks"). Ingest writes
// it with `storedReadingData`; a pilot reading its history back gets the payload alone from
// `storedPayload` and parses it with its own schema. Pure, shared with the pilots through
// platform/pilot.ts.

/** The stamps ingest keeps beside a reading's payload. */
export interface ReadingStamps {
  kind: string;
  receivedAt: number;
}

// A restamped payload carries the device's claim beside the platform's time (broker/handlers/readings.ts).
const CLOCK_FLAGS = ['deviceTs', 'clock'] as const;

/** The stored form of a reading: its payload and the platform's stamps, one flat object. */
export function storedReadingData(payload: Record<string, unknown>, stamps: ReadingStamps): Record<string, unknown> {
  return { ...payload, kind: stamps.kind, receivedAt: stamps.receivedAt };
}

/** A stored reading split back into the platform's stamps and the device's payload. `kind` is
 *  null for data stored without it (written through the series service directly). */
export function storedPayload(data: unknown): { kind: string | null; payload: Record<string, unknown> } | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { kind, receivedAt: _r, ...rest } = data as Record<string, unknown>;
  for (const flag of CLOCK_FLAGS) delete rest[flag];
  return { kind: typeof kind === 'string' ? kind : null, payload: rest };
}
