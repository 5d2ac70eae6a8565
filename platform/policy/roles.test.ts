import { describe, expect, it } from 'vitest';
import { can, permissionsOf } from './roles.ts';
import { ROLES } from '../tenancy/context.ts';

describe('role permissions (ASVS 4.1.3 least privilege)', () => {
  it.each([
    ['platform-admin', 'tenants:manage', true],
    ['platform-admin', 'data:read', false],
    ['platform-admin', 'users:manage', false],
    ['tenant-admin', 'users:manage', true],
    ['tenant-admin', 'data:read', false],
    ['operator', 'data:read', true],
    ['operator', 'alarms:ack', true],
    ['operator', 'users:manage', false],
    ['operator', 'audit:read', false],
    ['auditor', 'audit:read', true],
    ['auditor', 'data:read', false],
    ['auditor', 'compliance:read', true],
    ['evaluator', 'compliance:read', true],
    ['operator', 'compliance:read', false],
    ['tenant-admin', 'compliance:read', false],
    ['evaluator', 'validation:run', true],
    ['evaluator', 'data:read', false],
    ['evaluator', 'alarms:read', false],
    // Signing agreements is the DPO's, apart from administration (ASVS 1.4.1, 4.1.3; GDPR art. 28, 37-39).
    ['dpo', 'agreements:sign', true],
    ['dpo', 'agreements:manage', false],
    ['dpo', 'users:manage', false],
    ['dpo', 'data:read', false],
    ['tenant-admin', 'agreements:sign', false],
    ['auditor', 'processing:read', true],
    ['operator', 'processing:read', false],
  ] as const)('%s → %s is %s', (role, perm, expected) => {
    expect(can(role, perm)).toBe(expected);
  });

  it('no role but the operator may read tenant data', () => {
    const readers = ROLES.filter((r) => permissionsOf(r).includes('data:read'));
    expect(readers).toEqual(['operator']);
  });

  it('an unauthenticated principal may do nothing', () => {
    expect(can(undefined, 'alarms:read')).toBe(false);
  });
});
