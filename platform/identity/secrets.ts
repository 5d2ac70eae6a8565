// Device secrets and session tokens are 256-bit random values, so a fast keyed hash is enough
// to store them (ASVS 2.9 / ETSI EN 303 645 5.1-2): no dictionary to resist, and the broker can
// check 1,000 reconnecting devices without scrypt's cost. Only the hash is ever stored.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function hashSecret(secret: string, salt: string): string {
  return createHmac('sha256', Buffer.from(salt, 'base64url')).update(secret).digest('base64url');
}

export function verifySecret(secret: string, salt: string, expected: string): boolean {
  const got = Buffer.from(hashSecret(secret, salt));
  const want = Buffer.from(expected);
  return got.length === want.length && timingSafeEqual(got, want);
}
