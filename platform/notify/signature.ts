// The webhook signature: HMAC-SHA256 under the subscription's secret over "<timestamp>.<body>",
// sent as `X-Custodia-Signature: sha256=<hex>` beside `X-Custodia-Timestamp` (Unix seconds). The
// timestamp inside the MAC lets a receiver refuse replays older than its tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-custodia-signature';
export const TIMESTAMP_HEADER = 'x-custodia-timestamp';

export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (docs/integration.md shows the same in a few lines). */
export function verifySignature(secret: string, timestamp: string, body: string, signature: string, now: number, toleranceS = 300): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(now / 1000 - ts) > toleranceS) return false;
  const expected = Buffer.from(signBody(secret, ts, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
