// Payload checks, one per topic family a device publishes (the aedes style of one handler per
// message type). Pure: they decide, the broker acts. A refused payload is a bad message, not a
// bad connection: the broker acknowledges it, drops it, counts it and tells the device why.
import { z, type ZodError, type ZodType } from 'zod';
import type { ClockBounds, CommandAckStatus } from './types.ts';

export type RejectReason = 'oversize' | 'malformed-json' | 'schema' | 'unknown-kind';
export const REJECT_REASONS: readonly RejectReason[] = ['oversize', 'malformed-json', 'schema', 'unknown-kind'];

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; detail: string };

const DETAIL_MAX = 200;

const reject = (reason: RejectReason, detail: string): Checked<never> => ({
  ok: false,
  reason,
  detail: detail.length > DETAIL_MAX ? `${detail.slice(0, DETAIL_MAX - 1)}…` : detail,
});

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where and what, never the offending value: the detail goes back to the device and into the
 *  audit log, neither of which may hold personal data. */
export function describeIssues(error: ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid payload';
  const where = first.path.length ? first.path.map(String).join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return `${where}: ${first.message}${more}`;
}

function parseJsonObject(payload: Buffer): Checked<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return reject('malformed-json', 'payload is not valid JSON');
  }
  if (!isPlainObject(value)) return reject('schema', 'payload must be a JSON object');
  return { ok: true, value };
}

/** Telemetry and events: size, then kind, then JSON, then the pilot's schema for the kind. */
export function checkReading(
  payload: Buffer,
  maxPayload: number,
  schema: ZodType | undefined,
): Checked<Record<string, unknown>> {
  if (payload.length > maxPayload) return reject('oversize', `payload of ${payload.length} bytes exceeds ${maxPayload}`);
  if (!schema) return reject('unknown-kind', 'no schema is declared for this device kind');
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) return reject('schema', describeIssues(parsed.error));
  if (!isPlainObject(parsed.data)) return reject('schema', 'schema did not produce an object');
  return { ok: true, value: parsed.data };
}

const ackSchema = z.strictObject({
  status: z.enum(['accepted', 'done', 'failed']),
  detail: z.string().max(500).optional(),
});

/** `…/commands/{id}/ack`: `{ status: 'accepted' | 'done' | 'failed', detail? }`. */
export function checkCommandAck(
  payload: Buffer,
  maxPayload: number,
): Checked<{ status: CommandAckStatus; detail?: string }> {
  if (payload.length > maxPayload) return reject('oversize', `payload of ${payload.length} bytes exceeds ${maxPayload}`);
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const parsed = ackSchema.safeParse(json.value);
  if (!parsed.success) return reject('schema', describeIssues(parsed.error));
  const { status, detail } = parsed.data;
  return { ok: true, value: detail === undefined ? { status } : { status, detail } };
}

/** `…/status` (retained, also the last will): the text `online` or `offline`. */
export function checkStatus(payload: Buffer): Checked<'online' | 'offline'> {
  if (payload.length > 16) return reject('oversize', 'status payload is longer than 16 bytes');
  const text = payload.toString('utf8').trim();
  if (text === 'online' || text === 'offline') return { ok: true, value: text };
  return reject('schema', 'status must be "online" or "offline"');
}

/** When the reading was taken: the payload's `ts` (epoch ms or ISO 8601) when usable, else the
 *  time it was received. */
export function readingTime(data: Record<string, unknown>, receivedAt: number): number {
  const ts = data['ts'];
  if (typeof ts === 'number' && Number.isFinite(ts) && ts > 0) return Math.trunc(ts);
  if (typeof ts === 'string') {
    const parsed = Date.parse(ts);
    if (Number.isFinite(parsed)) return parsed;
  }
  if (ts instanceof Date && Number.isFinite(ts.getTime())) return ts.getTime();
  return receivedAt;
}

export type ClockVerdict = 'ahead' | 'too-old';

export type StampedTime =
  | { ts: number; trusted: true }
  | { ts: number; trusted: false; verdict: ClockVerdict; deviceTs: number };

/** The time a reading is stored and scored at. The platform stamps every reading with its
 *  receive time; the device's own time is kept when it lies within the bounds, otherwise the
 *  receive time replaces it and the verdict says why. One far-future reading would otherwise
 *  become every window's "newest" and hide all real readings after it. */
export function stampReading(data: Record<string, unknown>, receivedAt: number, bounds: ClockBounds): StampedTime {
  const deviceTs = readingTime(data, receivedAt);
  if (deviceTs > receivedAt + bounds.maxSkewMs) return { ts: receivedAt, trusted: false, verdict: 'ahead', deviceTs };
  if (deviceTs < receivedAt - bounds.maxAgeMs) return { ts: receivedAt, trusted: false, verdict: 'too-old', deviceTs };
  return { ts: deviceTs, trusted: true };
}
