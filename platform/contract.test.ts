// platform/contract.ts declares what the API answers apart from the server modules (so the
// dashboard reads it without Node types); the type checker holds the two equal where a stored
// shape is declared elsewhere.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './contract.ts';
import type { StoredAuditEntry } from './storage/port.ts';

/** true when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const checks = { auditEntry: true satisfies Same<AuditEntry, StoredAuditEntry> };

describe('the platform contract', () => {
  it('lists audit entries as the store holds them (checked by the type checker)', () => {
    expect(Object.values(checks).every(Boolean)).toBe(true);
  });
});
