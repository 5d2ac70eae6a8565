// The one normalisation of a username: creation (uniqueness), look-up (the blind index applies
// the same function, platform/crypto/keyring.ts), lock-out counting and rate-limit keys all use
// it, so "Alice", " alice " and "ａｌｉｃｅ" are one account with one failure counter (ASVS 2.2.1).
import { normaliseForIndex } from '../crypto/keyring.ts';

export function canonicalUsername(username: string): string {
  return normaliseForIndex(username);
}
