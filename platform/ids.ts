// Time-ordered identifiers (UUID version 7, RFC 9562 §5.7): 48-bit Unix milliseconds, then 74
// random bits. Readings get these ids so that inserts land at the end of the store's unique
// index instead of all over it (halves the group-commit time at 15k readings/s). The time in an
// id is the receive time, which the store already keeps in clear.
import { z } from 'zod';
import { pooledRandomBytes } from './crypto/random-pool.ts';
import { deviceIdSchema } from './identity/schemas.ts';
import { TENANT_ID_PATTERN } from './storage/port.ts';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(now: number = Date.now()): string {
  // The 74 random bits come from the CSPRNG's pool: one call per id cost a tenth of ingest CPU.
  const rnd = pooledRandomBytes(10);
  let s = '';
  // 48-bit Unix milliseconds, big-endian, as 12 hex digits.
  const hi = Math.floor(now / 0x1000000);
  const lo = now % 0x1000000;
  s += HEX[(hi >>> 16) & 0xff]! + HEX[(hi >>> 8) & 0xff]! + HEX[hi & 0xff]! + HEX[(lo >>> 16) & 0xff]! + '-';
  s += HEX[(lo >>> 8) & 0xff]! + HEX[lo & 0xff]! + '-';
  s += HEX[(rnd[0]! & 0x0f) | 0x70]! + HEX[rnd[1]!]! + '-'; // version 7
  s += HEX[(rnd[2]! & 0x3f) | 0x80]! + HEX[rnd[3]!]! + '-'; // variant 10xx
  for (let i = 4; i < 10; i++) s += HEX[rnd[i]!]!;
  return s;
}

// ---- Branded identifiers ----
// A tenant, device or data-subject id is a string that was checked where it entered the platform
// (a REST parameter, an MQTT identity, the configuration). The brand makes the three
// distinguishable to the type checker, so a device id cannot be passed where a tenant id is due;
// they are made only by the functions below, at the edges.
declare const brand: unique symbol;
type Branded<B extends string> = string & { readonly [brand]: B };
export type TenantId = Branded<'TenantId'>;
export type DeviceId = Branded<'DeviceId'>;
export type SubjectId = Branded<'SubjectId'>;

/** Tenant ids become store names (platform/storage/port.ts); device ids are what registration
 *  accepts (platform/identity/schemas.ts). */
const TENANT_ID = TENANT_ID_PATTERN;
const DEVICE_ID = { test: (s: string) => deviceIdSchema.safeParse(s).success };
/** Subject ids are bound into key scopes and sealed values' AAD: no separators, no controls. */
const SUBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function make<T extends string>(what: string, pattern: { test(s: string): boolean }, raw: unknown): T {
  if (typeof raw !== 'string' || !pattern.test(raw)) throw new TypeError(`invalid ${what}: ${JSON.stringify(raw)}`);
  return raw as T;
}

export const asTenantId = (raw: unknown): TenantId => make<TenantId>('tenant id', TENANT_ID, raw);
export const asDeviceId = (raw: unknown): DeviceId => make<DeviceId>('device id', DEVICE_ID, raw);
export const asSubjectId = (raw: unknown): SubjectId => make<SubjectId>('subject id', SUBJECT_ID, raw);

/** The same checks as zod schemas, for request parameters and bodies: parsed and branded in one
 *  step, with the field named in the problem report. */
export const tenantIdSchema = z
  .string()
  .regex(TENANT_ID, 'lowercase letters, digits and dashes, 2–40 characters, starting with a letter')
  .transform((s) => s as TenantId);
export const deviceIdParamSchema = deviceIdSchema.transform((s) => s as DeviceId);
