import { describe, expect, it } from 'vitest';
import { TENANT_ID_PATTERN } from '../storage/port.ts';
import { TENANT_ID, tenantInputSchema } from './tenant-schema.ts';

describe('the tenant schema', () => {
  it("uses the storage port's tenant id pattern", () => {
    expect(TENANT_ID.source).toBe(TENANT_ID_PATTERN.source);
    expect(TENANT_ID.flags).toBe(TENANT_ID_PATTERN.flags);
  });

  it.each([['city-a', true], ['Care', false], ['a', false], ['x'.repeat(41), false]])('id %s valid: %s', (id, ok) => {
    expect(tenantInputSchema.safeParse({ id, name: 'A tenant' }).success).toBe(ok);
  });
});
