import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './signature.ts';

describe('webhook signature', () => {
  const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQ';
  const body = '{"id":"d-1","event":"alarm.raised"}';
  const now = 1_800_000_000_000;
  const ts = now / 1000;

  it('is HMAC-SHA256 over "<timestamp>.<body>" in hex', () => {
    expect(signBody(secret, ts, body)).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`);
  });

  it.each([
    ['the signed body', body, String(ts), signBody(secret, ts, body), true],
    ['a changed body', body.replace('raised', 'resolved'), String(ts), signBody(secret, ts, body), false],
    ['another timestamp', body, String(ts + 1), signBody(secret, ts, body), false],
    ['a replay older than the tolerance', body, String(ts - 301), signBody(secret, ts - 301, body), false],
    ['another secret', body, String(ts), signBody('other', ts, body), false],
    ['a malformed timestamp', body, 'soon', signBody(secret, ts, body), false],
  ])('verifies %s: %s', (_what, b, t, sig, expected) => {
    expect(verifySignature(secret, t, b, sig, now)).toBe(expected);
  });
});
