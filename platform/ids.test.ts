import { describe, expect, it } from 'vitest';
import { asDeviceId, asSubjectId, asTenantId, uuidv7 } from './ids.ts';

describe('uuidv7 (RFC 9562)', () => {
  it('has the version and variant bits and the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 2000 }, () => uuidv7(1_700_000_000_000))).size).toBe(2000);
  });

  it('keeps the layout and stays unique across many refills of its random pool', () => {
    const at = 1_700_000_000_000;
    const ids = Array.from({ length: 20_000 }, () => uuidv7(at));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^018bcfe5-6800-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The random part is not stuck: every hex digit shows up in the last group's first place.
    expect(new Set(ids.map((id) => id[24])).size).toBe(16);
  });

  it('writes the largest 48-bit time and the epoch exactly', () => {
    expect(uuidv7(2 ** 48 - 1).slice(0, 13)).toBe('ffffffff-ffff');
    expect(uuidv7(0).slice(0, 13)).toBe('00000000-0000');
  });
});

describe('branded ids are made only from valid strings', () => {
  it.each([
    ['tenant', asTenantId, ['city-a', 'tenant-t', 'ab'], ['', 'A', '1abc', '../x', 'a/b', '_platform', 'x'.repeat(41), 'a']],
    ['device', asDeviceId, ['lamp-001', '0ab', 'oxi-3f2a'], ['', 'ab', 'Lamp-1', 'a/b', '-ab', 'city-a/lamp-1', 'x'.repeat(65)]],
    ['subject', asSubjectId, ['p1', '0193b2c4-7e1a-7000-8000-000000000001', 'pt_7.a'], ['', '-p', 'a|b', 'a/b', 'a b', 'x'.repeat(129)]],
  ] as const)('%s ids', (_what, make, good, bad) => {
    for (const g of good) expect(make(g)).toBe(g);
    for (const b of bad) expect(() => make(b), b).toThrow(/invalid/);
    expect(() => make(42)).toThrow(/invalid/);
  });
});
