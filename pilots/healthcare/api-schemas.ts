// zod schemas of the pilot's REST answers, for the API contract (platform/api/openapi.ts): they
// mirror the contract types (contract.ts, summary.ts) the routes send, and the contract test
// validates real answers against the document built from them.
import { z } from 'zod';
import { CONDITIONS, SEXES } from './model.ts';

const consentEntry = z.object({ status: z.enum(['given', 'withdrawn']), at: z.number(), recordedBy: z.string(), note: z.string(), purposes: z.array(z.string()).optional() });
export const consentAnswer = z.object({ patientId: z.string(), status: z.enum(['given', 'withdrawn', 'none']), current: consentEntry.nullable(), history: z.array(consentEntry) });

export const patientSummarySchema = z.object({
  id: z.string(),
  displayName: z.string(),
  age: z.number().int(),
  sex: z.enum(SEXES),
  conditions: z.array(z.enum(CONDITIONS)),
  scale: z.union([z.literal(1), z.literal(2)]),
  latestNews2: z.object({ total: z.number().int(), band: z.string(), partial: z.boolean(), at: z.number() }).nullable(),
  lastVitals: z.record(z.string(), z.number().nullable()),
  consent: z.enum(['given', 'withdrawn', 'none']),
  activeAlarms: z.number().int(),
  devices: z.array(z.object({ id: z.string(), kind: z.string(), online: z.boolean(), battery: z.number().optional() })),
});
