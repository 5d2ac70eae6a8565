// Forms check what they send with the API's own zod schemas (imported from pure modules of the
// platform and the pilots) and word a failure exactly as the API would (platform/api/validate.ts),
// so a person reads the same message whether the browser or the server caught it.
import type { ZodType } from 'zod';
import { scheduleSchema } from '../../../pilots/lighting/domain/schedule.ts';
import { zodDetail } from '../../../platform/api/zod-detail.ts';

/** Throws the API's "invalid body: …" error when `value` does not satisfy `schema`. */
export function checkBody(schema: ZodType, value: unknown): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`invalid body: ${zodDetail(r.error)}`);
}

/** POST and PUT /pilots/lighting/schedules bodies (pilots/lighting/handlers.ts scheduleInput). */
export const scheduleInput = scheduleSchema.omit({ id: true });
