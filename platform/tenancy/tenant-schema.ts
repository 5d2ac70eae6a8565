// What a tenant is, as the API takes and answers it: the input schema and the record. Pure (zod
// only), so the dashboard validates its tenant form with the same schema and its tsconfig (no Node
// types) checks it; the registry (tenants.ts) re-exports these names.
import { z } from 'zod';
import { labelSchema } from '../safe-text.ts';
import { TENANT_ID_PATTERN } from '../storage/tenant-id.ts';

/** A tenant id: the name of its store (a SQLite file, a PostgreSQL schema, a MongoDB database),
 *  so lowercase letters, digits and dashes only: the storage port's own pattern. */
export const TENANT_ID = TENANT_ID_PATTERN;

export const quotasSchema = z
  .object({
    maxDevices: z.number().int().positive().max(1_000_000).default(10_000),
    maxUsers: z.number().int().positive().max(100_000).default(200),
    /** Sustained readings per second accepted from this tenant's devices. */
    ingestPerSecond: z.number().int().positive().max(1_000_000).default(20_000),
  })
  .strict();

export const retentionDaysSchema = z.number().int().min(1).max(36_500);

export const tenantInputSchema = z
  .object({
    id: z.string().regex(TENANT_ID, 'lowercase letters, digits and dashes, 2–40 characters, starting with a letter'),
    name: labelSchema(2, 120),
    /** Where the tenant's data resides (disclosed to the tenant; EU by default). */
    region: z.enum(['eu-west', 'eu-central', 'eu-south', 'eu-north']).default('eu-west'),
    quotas: quotasSchema.default({ maxDevices: 10_000, maxUsers: 200, ingestPerSecond: 20_000 }),
    /** Pilots (applications) this tenant runs, e.g. ["healthcare"]. */
    pilots: z.array(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/)).max(20).default([]),
    /** Readings older than this many days are deleted by the retention job (unset: kept). */
    readingsRetentionDays: retentionDaysSchema.optional(),
  })
  .strict();

export type TenantInput = z.input<typeof tenantInputSchema>;

export interface Tenant {
  id: string;
  name: string;
  region: string;
  quotas: z.infer<typeof quotasSchema>;
  pilots: string[];
  status: 'active' | 'suspended';
  createdAt: number;
  readingsRetentionDays?: number;
}
