// The terms of a data sharing agreement as a proposal states them: purposes, operations,
// obligations and validity, with the schema the API checks. Free of node-only code, so the
// dashboard checks a proposal with the same schema before sending it.
import { z } from 'zod';
import { labelSchema } from '../safe-text.ts';

export const PURPOSES = ['research', 'public-statistics', 'care-coordination', 'energy-planning', 'service-improvement'] as const;
export const OPERATIONS = ['aggregate', 'read'] as const;
export type Purpose = (typeof PURPOSES)[number];
export type Operation = (typeof OPERATIONS)[number];

export const obligationsSchema = z
  .object({
    /** Only aggregates leave the provider; individual records never do. */
    aggregationOnly: z.boolean().default(true),
    /** Aggregates over fewer subjects than this are suppressed (k-anonymity threshold). */
    minGroupSize: z.number().int().min(1).max(1000).default(5),
    /** The consumer must delete what it received after this many days. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
    /** Healthcare: only subjects who consented to this purpose are included. */
    requireConsent: z.boolean().default(true),
  })
  .strict();

export const agreementInputSchema = z
  .object({
    consumerTenant: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
    title: labelSchema(3, 120),
    purpose: z.enum(PURPOSES),
    categories: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/)).min(1).max(20),
    operations: z.array(z.enum(OPERATIONS)).min(1),
    obligations: obligationsSchema.default({ aggregationOnly: true, minGroupSize: 5, retentionDays: 30, requireConsent: true }),
    validFrom: z.number().int().positive(),
    validUntil: z.number().int().positive(),
  })
  .strict()
  .refine((a) => a.validUntil > a.validFrom, { message: 'validUntil must be after validFrom', path: ['validUntil'] })
  .refine((a) => !(a.obligations.aggregationOnly && a.operations.includes('read')), {
    message: 'an aggregation-only agreement cannot allow record reads',
    path: ['operations'],
  });

export type AgreementInput = z.infer<typeof agreementInputSchema>;
export type Obligations = z.infer<typeof obligationsSchema>;
