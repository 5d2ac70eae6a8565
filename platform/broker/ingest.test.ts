import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { checkCommandAck, checkReading, checkStatus, readingTime, stampReading } from './ingest.ts';

const lampTelemetry = z.object({
  ts: z.number().int().optional(),
  powerState: z.enum(['on', 'off']),
  dimLevel: z.number().min(0).max(100),
});
const buf = (s: string) => Buffer.from(s, 'utf8');

describe('checkReading', () => {
  it.each([
    ['a valid reading', '{"powerState":"on","dimLevel":40}', 1024, lampTelemetry, { ok: true }],
    ['an oversize payload', `{"pad":"${'x'.repeat(200)}"}`, 100, lampTelemetry, { ok: false, reason: 'oversize' }],
    ['oversize wins over unknown kind', 'x'.repeat(200), 100, undefined, { ok: false, reason: 'oversize' }],
    ['a kind without a schema', '{"powerState":"on","dimLevel":40}', 1024, undefined, { ok: false, reason: 'unknown-kind' }],
    ['broken JSON', '{"powerState":', 1024, lampTelemetry, { ok: false, reason: 'malformed-json' }],
    ['binary garbage', '\u0000\u0001\u0002', 1024, lampTelemetry, { ok: false, reason: 'malformed-json' }],
    ['a JSON array', '[1,2,3]', 1024, lampTelemetry, { ok: false, reason: 'schema' }],
    ['a JSON string', '"on"', 1024, lampTelemetry, { ok: false, reason: 'schema' }],
    ['an out-of-range value', '{"powerState":"on","dimLevel":140}', 1024, lampTelemetry, { ok: false, reason: 'schema' }],
    ['a missing field', '{"dimLevel":10}', 1024, lampTelemetry, { ok: false, reason: 'schema' }],
  ] as const)('%s', (_name, payload, max, schema, expected) => {
    expect(checkReading(buf(payload), max, schema)).toMatchObject(expected);
  });

  it('returns the schema output (defaults and transforms applied)', () => {
    const schema = z.object({ v: z.number(), unit: z.string().default('W') });
    expect(checkReading(buf('{"v":3}'), 1024, schema)).toEqual({ ok: true, value: { v: 3, unit: 'W' } });
  });

  it('explains a schema failure by path and rule without echoing the value', () => {
    const r = checkReading(buf('{"powerState":"secret-value","dimLevel":-5}'), 1024, lampTelemetry);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.detail).toMatch(/^powerState: /);
    expect(r.detail).toContain('+1 more');
    expect(r.detail).not.toContain('secret-value');
  });

  it('bounds the detail length', () => {
    const schema = z.object({ ['k'.repeat(400)]: z.number() });
    const r = checkReading(buf('{}'), 1024, schema);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail.length).toBeLessThanOrEqual(200);
  });
});

describe('checkCommandAck', () => {
  it.each([
    ['{"status":"accepted"}', { ok: true, value: { status: 'accepted' } }],
    ['{"status":"done"}', { ok: true, value: { status: 'done' } }],
    ['{"status":"failed","detail":"driver fault"}', { ok: true, value: { status: 'failed', detail: 'driver fault' } }],
    ['{"status":"maybe"}', { ok: false, reason: 'schema' }],
    ['{"status":"done","extra":1}', { ok: false, reason: 'schema' }],
    ['{}', { ok: false, reason: 'schema' }],
    ['done', { ok: false, reason: 'malformed-json' }],
  ] as const)('%s', (payload, expected) => {
    expect(checkCommandAck(buf(payload), 1024)).toMatchObject(expected);
  });
});

describe('checkStatus', () => {
  it.each([
    ['online', { ok: true, value: 'online' }],
    ['offline', { ok: true, value: 'offline' }],
    [' online\n', { ok: true, value: 'online' }],
    ['ONLINE', { ok: false, reason: 'schema' }],
    ['', { ok: false, reason: 'schema' }],
    ['x'.repeat(64), { ok: false, reason: 'oversize' }],
  ] as const)('%j', (payload, expected) => {
    expect(checkStatus(buf(payload))).toMatchObject(expected);
  });
});

describe('readingTime', () => {
  const received = 1_700_000_000_000;
  it.each([
    ['epoch milliseconds', { ts: 1_690_000_000_000 }, 1_690_000_000_000],
    ['an ISO 8601 string', { ts: '2024-03-01T12:00:00Z' }, Date.parse('2024-03-01T12:00:00Z')],
    ['no ts', { v: 1 }, received],
    ['a garbage string', { ts: 'yesterday' }, received],
    ['a negative number', { ts: -5 }, received],
    ['NaN', { ts: Number.NaN }, received],
  ])('%s', (_name, data, expected) => {
    expect(readingTime(data, received)).toBe(expected);
  });
});

describe('stampReading: the device clock is believed only within bounds (ETSI 5.13-1)', () => {
  const received = 1_800_000_000_000;
  const bounds = { maxSkewMs: 5 * 60_000, maxAgeMs: 365 * 86_400_000 };
  it.each([
    ['a device time just behind the receive time', { ts: received - 1_000 }, { ts: received - 1_000, trusted: true }],
    ['exactly the allowed skew ahead', { ts: received + 5 * 60_000 }, { ts: received + 5 * 60_000, trusted: true }],
    ['one ms over the skew', { ts: received + 5 * 60_000 + 1 }, { ts: received, trusted: false, verdict: 'ahead' }],
    ['year 275760 (the largest Date)', { ts: 8.64e15 }, { ts: received, trusted: false, verdict: 'ahead', deviceTs: 8.64e15 }],
    ['microseconds sent as milliseconds', { ts: received * 1000 }, { ts: received, trusted: false, verdict: 'ahead' }],
    ['an ISO string in the far future', { ts: '+275760-09-13T00:00:00.000Z' }, { ts: received, trusted: false, verdict: 'ahead' }],
    ['a clock never set (1970)', { ts: 42_000 }, { ts: received, trusted: false, verdict: 'too-old', deviceTs: 42_000 }],
    ['exactly the oldest allowed', { ts: received - 365 * 86_400_000 }, { ts: received - 365 * 86_400_000, trusted: true }],
    ['no ts at all', { v: 1 }, { ts: received, trusted: true }],
  ])('%s', (_name, data, expected) => {
    expect(stampReading(data, received, bounds)).toMatchObject(expected);
  });
});
