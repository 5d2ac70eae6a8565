import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import { hashSecret, newSecret, verifySecret } from './secrets.ts';

describe('password storage (ASVS 2.4.1, 2.4.2)', () => {
  it('stores a salted scrypt hash that verifies the right password only', async () => {
    const a = await hashPassword('correct-horse-battery-staple');
    const b = await hashPassword('correct-horse-battery-staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b); // per-user salt
    expect(a).not.toContain('correct-horse');
    expect(await verifyPassword('correct-horse-battery-staple', a)).toBe(true);
    expect(await verifyPassword('correct-horse-battery-stapl3', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('generated demo passwords are 20 characters from an unambiguous alphabet and never repeat (ASVS 2.1.1)', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
  });
});

describe('device secrets (ETSI EN 303 645 5.1-1)', () => {
  it('are 256-bit random values stored only as a salted HMAC', () => {
    const secret = newSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const salt = newSecret(16);
    const stored = hashSecret(secret, salt);
    expect(stored).not.toContain(secret);
    expect(verifySecret(secret, salt, stored)).toBe(true);
    expect(verifySecret(newSecret(), salt, stored)).toBe(false);
    expect(verifySecret(secret, newSecret(16), stored)).toBe(false);
  });
});
