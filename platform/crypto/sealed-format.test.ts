import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertAadRef,
  assertSubjectId,
  decodeSealed,
  encodeSealed,
  formatKeyId,
  parseKeyId,
  sealAad,
  SealedFormatError,
  type SealKeyId,
} from './sealed-format.ts';

const iv = Buffer.alloc(12, 0xaa);
const tag = Buffer.alloc(16, 0xbb);

describe('key ids', () => {
  const cases: [string, SealKeyId][] = [
    ['t1', { kind: 'tenant', version: 1 }],
    ['t42', { kind: 'tenant', version: 42 }],
    ['s1:0b6f3c1e-8d2a-4f4e-9d7a-2f1c5b7e9a10', { kind: 'subject', version: 1, subject: '0b6f3c1e-8d2a-4f4e-9d7a-2f1c5b7e9a10' }],
    ['s7:pt_000123', { kind: 'subject', version: 7, subject: 'pt_000123' }],
    ['s3:urn:sub:9', { kind: 'subject', version: 3, subject: 'urn:sub:9' }],
  ];
  it.each(cases)('%s formats and parses back to the same key', (text, key) => {
    expect(formatKeyId(key)).toBe(text);
    expect(parseKeyId(text)).toEqual(key);
  });

  it.each(['', 't', 't0', 't01', 'x1', 's1', 's1:', 's0:abc', 's1:has space', 'T1', `s1:${'a'.repeat(81)}`])(
    'rejects the malformed key id %j',
    (text) => {
      expect(() => parseKeyId(text)).toThrow(SealedFormatError);
    },
  );
});

describe('subject ids', () => {
  it.each(['0b6f3c1e-8d2a-4f4e-9d7a-2f1c5b7e9a10', 'p1', 'A.b_c:d-e', 'a'.repeat(80)])('accepts opaque id %s', (id) => {
    expect(() => assertSubjectId(id)).not.toThrow();
  });
  it.each(['', 'Jane Doe', 'a/b', 'a|b', 'é', 'a'.repeat(81)])('rejects %j', (id) => {
    expect(() => assertSubjectId(id)).toThrow(/invalid subject id/);
  });
});

describe('sealed value layout', () => {
  it('encodes version, key id length, key id, iv, ciphertext and tag in that order', () => {
    const ciphertext = Buffer.from('0123456789');
    const sealed = encodeSealed('s2:p-9', iv, ciphertext, tag);
    expect(sealed[0]).toBe(1);
    expect(sealed[1]).toBe(6);
    expect(sealed.subarray(2, 8).toString('latin1')).toBe('s2:p-9');
    expect(sealed.subarray(8, 20).equals(iv)).toBe(true);
    expect(sealed.subarray(20, 30).equals(ciphertext)).toBe(true);
    expect(sealed.subarray(30).equals(tag)).toBe(true);

    const parts = decodeSealed(sealed);
    expect(parts.keyId).toBe('s2:p-9');
    expect(parts.key).toEqual({ kind: 'subject', version: 2, subject: 'p-9' });
    expect(parts.iv.equals(iv)).toBe(true);
    expect(parts.ciphertext.equals(ciphertext)).toBe(true);
    expect(parts.tag.equals(tag)).toBe(true);
  });

  it('decodes an empty ciphertext (empty plaintext)', () => {
    const parts = decodeSealed(encodeSealed('t1', iv, Buffer.alloc(0), tag));
    expect(parts.ciphertext.length).toBe(0);
  });

  it('decodes a plain Uint8Array as well as a Buffer', () => {
    const sealed = encodeSealed('t3', iv, Buffer.from('x'), tag);
    const parts = decodeSealed(new Uint8Array(sealed));
    expect(parts.key).toEqual({ kind: 'tenant', version: 3 });
  });

  const valid = encodeSealed('t1', iv, Buffer.from('abc'), tag);
  const malformed: [string, Buffer, RegExp][] = [
    ['an empty buffer', Buffer.alloc(0), /shorter than the header/],
    ['a single byte', Buffer.from([1]), /shorter than the header/],
    ['an unknown format version', Buffer.concat([Buffer.from([2]), valid.subarray(1)]), /unsupported format version 2/],
    ['a zero key id length', Buffer.concat([Buffer.from([1, 0]), randomBytes(40)]), /at least/],
    ['a key id length past the end', Buffer.concat([Buffer.from([1, 200]), randomBytes(40)]), /at least/],
    ['a header and key id with no iv or tag', Buffer.from([1, 2, 0x74, 0x31]), /at least/],
    ['a tag cut short', valid.subarray(0, 2 + 2 + 12 + 15), /at least/],
    ['an unknown key id', Buffer.concat([Buffer.from([1, 2]), Buffer.from('x1'), randomBytes(28)]), /unknown key id/],
    ['noise', Buffer.alloc(64, 0x5a), /malformed sealed value/],
  ];
  it.each(malformed)('rejects %s with a clear error', (_label, bytes, message) => {
    expect(() => decodeSealed(bytes)).toThrow(SealedFormatError);
    expect(() => decodeSealed(bytes)).toThrow(message);
  });

  it('rejects something that is not bytes at all', () => {
    expect(() => decodeSealed('t1' as unknown as Buffer)).toThrow(/expected bytes/);
  });
});

describe('AAD', () => {
  const base = { tenant: 'acme', collection: 'vitals', id: 'r-1' };
  it('differs when tenant, collection, record id or key id differ', () => {
    const variants = [
      sealAad(base, 't1'),
      sealAad({ ...base, tenant: 'globex' }, 't1'),
      sealAad({ ...base, collection: 'lamps' }, 't1'),
      sealAad({ ...base, id: 'r-2' }, 't1'),
      sealAad(base, 't2'),
    ].map((b) => b.toString('utf8'));
    expect(new Set(variants).size).toBe(variants.length);
    expect(variants[0]).toBe('custodia/v1|acme|vitals|r-1|t1');
  });

  it.each([
    ['an invalid tenant id', { ...base, tenant: 'Acme Corp' }, /invalid tenant id/],
    ['a collection containing "|"', { ...base, collection: 'a|b' }, /collection/],
    ['an empty collection', { ...base, collection: '' }, /collection/],
    ['an empty record id', { ...base, id: '' }, /record id/],
  ])('refuses a reference with %s', (_label, ref, message) => {
    expect(() => assertAadRef(ref)).toThrow(message);
  });

  it('accepts the platform scope as tenant', () => {
    expect(() => assertAadRef({ ...base, tenant: '_platform' })).not.toThrow();
  });
});

describe('IV pool', () => {
  it('hands out 12-byte IVs that never repeat across pool refills', async () => {
    const { freshIv } = await import('./aead.ts');
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const iv = freshIv();
      expect(iv.length).toBe(12);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(5000);
  });
});
