// Readings read back from the series store, typed again by this pilot's own schemas: the store
// holds sealed JSON, so what comes out is parsed, never cast (docs/architecture.md "Pilots").
import { storedPayload } from '../../platform/pilot.ts';
import { isDeviceKind, parseTelemetry, type TelemetryPayload } from './domain/vitals.ts';

/** The telemetry payload of a stored reading, parsed by its device kind's schema (the kind stored
 *  with it, else `kind`); null for a kind of another pilot or data the schema refuses. */
export function storedTelemetry(data: unknown, kind?: string): TelemetryPayload | null {
  const stored = storedPayload(data);
  const k = stored?.kind ?? kind;
  if (!stored || !isDeviceKind(k)) return null;
  const parsed = parseTelemetry(k, stored.payload);
  return parsed.success ? parsed.data : null;
}

/** Stored rows whose data parses as telemetry, with that data typed. */
export function telemetryRows<R extends { data: unknown }>(rows: readonly R[], kind?: string): (Omit<R, 'data'> & { data: TelemetryPayload })[] {
  const out: (Omit<R, 'data'> & { data: TelemetryPayload })[] = [];
  for (const r of rows) {
    const data = storedTelemetry(r.data, kind);
    if (data) out.push({ ...r, data });
  }
  return out;
}
