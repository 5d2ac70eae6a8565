import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, checkpointPayload, entryHash, type AuditEntryFields } from './hash.ts';

describe('canonicalJson', () => {
  it.each([
    ['keys are sorted at every depth', { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}'],
    ['no whitespace is emitted', { list: [1, 2], text: 'a b' }, '{"list":[1,2],"text":"a b"}'],
    ['undefined members are left out', { kept: true, dropped: undefined }, '{"kept":true}'],
    ['undefined array items become null', [1, undefined, 2], '[1,null,2]'],
    ['negative zero is written as zero', { n: -0 }, '{"n":0}'],
    ['dates use their ISO form', { at: new Date(Date.UTC(2024, 0, 2)) }, '{"at":"2024-01-02T00:00:00.000Z"}'],
    ['control characters are escaped', { s: 'a\u0000b\n' }, '{"s":"a\\u0000b\\n"}'],
    ['an empty object is {}', {}, '{}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same text whatever order the keys were inserted in', () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(canonicalJson({ y: { q: 2, p: 1 }, x: 1 }));
  });

  it.each([
    ['NaN', { n: Number.NaN }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['a bigint', { n: 1n }],
    ['a function', { f: () => 1 }],
  ])('refuses %s rather than change it silently', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('refuses a cyclic structure', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { id: 'd-1' };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"id":"d-1"},"b":{"id":"d-1"}}');
  });
});

describe('entryHash', () => {
  const base: AuditEntryFields = {
    seq: 1,
    ts: 1_700_000_000_000,
    actor: 'user:u-0001',
    action: 'record.read',
    target: 'records/r-0001',
    outcome: 'success',
    details: '{"count":1}',
  };

  it('is 64 lowercase hex characters and deterministic', () => {
    const h = entryHash(GENESIS_HASH, base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(GENESIS_HASH, { ...base })).toBe(h);
  });

  it.each<[string, Partial<AuditEntryFields>]>([
    ['seq', { seq: 2 }],
    ['ts', { ts: base.ts + 1 }],
    ['actor', { actor: 'user:u-0002' }],
    ['action', { action: 'record.write' }],
    ['target', { target: 'records/r-0002' }],
    ['outcome', { outcome: 'denied' }],
    ['details', { details: '{"count":2}' }],
  ])('changes when %s changes', (_field, change) => {
    expect(entryHash(GENESIS_HASH, { ...base, ...change })).not.toBe(entryHash(GENESIS_HASH, base));
  });

  it('changes when the previous hash changes', () => {
    expect(entryHash('f'.repeat(64), base)).not.toBe(entryHash(GENESIS_HASH, base));
  });

  it('cannot be forged by shifting text between adjacent fields', () => {
    const a = entryHash(GENESIS_HASH, { ...base, actor: 'user:u', action: '-1.read' });
    const b = entryHash(GENESIS_HASH, { ...base, actor: 'user:u-1', action: '.read' });
    expect(a).not.toBe(b);
  });
});

describe('checkpointPayload', () => {
  it('binds the scope, so the same head in another chain signs different bytes', () => {
    const head = 'a'.repeat(64);
    expect(checkpointPayload('acme', 10, head, 5).equals(checkpointPayload('globex', 10, head, 5))).toBe(false);
  });

  it.each([
    ['seq', checkpointPayload('acme', 11, 'a'.repeat(64), 5)],
    ['head hash', checkpointPayload('acme', 10, 'b'.repeat(64), 5)],
    ['ts', checkpointPayload('acme', 10, 'a'.repeat(64), 6)],
  ])('changes with the %s', (_field, other) => {
    expect(checkpointPayload('acme', 10, 'a'.repeat(64), 5).equals(other)).toBe(false);
  });

  it('never equals an entry hash input (domain separated)', () => {
    expect(checkpointPayload('acme', 1, GENESIS_HASH, 0).toString('utf8')).toMatch(/^custodia\/audit-checkpoint\/v1\0/);
  });
});
