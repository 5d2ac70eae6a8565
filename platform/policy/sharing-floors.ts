// Floors no agreement can lower (docs/security.md): data of personal or health categories leaves a
// tenant only as aggregates, only of subjects who consented to the purpose, only in groups of at
// least the platform's minimum (5, configurable upward), and without free text or identifiers.
// The agreement's obligations can only add to these. Pure functions: the sharing door applies them
// before and after the provider pilot runs, so a lax agreement or a faulty pilot cannot leak.
import type { Obligations, Operation } from './agreements.ts';

/** What a data category is about: personal and health data get the floors. */
export type Sensitivity = 'personal' | 'health' | 'non-personal';

/** The platform's floor of the minimum group size; SHARING_MIN_GROUP_SIZE may only raise it. */
export const MIN_GROUP_FLOOR = 5;

export const isProtected = (s: Sensitivity | undefined) => s !== 'non-personal';

/** The obligations in force: the agreement's, raised to the floors for protected categories. */
export function effectiveObligations(agreed: Obligations, sensitivity: Sensitivity | undefined, minGroupFloor: number): Obligations {
  if (!isProtected(sensitivity)) return agreed;
  return {
    ...agreed,
    aggregationOnly: true,
    requireConsent: true,
    minGroupSize: Math.max(agreed.minGroupSize, minGroupFloor, MIN_GROUP_FLOOR),
  };
}

/** Record-level operations are refused for protected categories whatever the agreement says. */
export const operationAllowed = (operation: Operation, sensitivity: Sensitivity | undefined) =>
  !isProtected(sensitivity) || operation === 'aggregate';

/** A group label: a short code (condition, age band, region), never prose or an identifier. */
const GROUP_CODE = /^[a-z0-9][a-z0-9 ._-]{0,39}$/i;
const UUID_LIKE = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/i;
const LONG_NUMBER = /\d{6,}/;

/** Pure: whether one output row is an aggregate fit to leave a protected category. */
export function isShareableAggregate(row: unknown, minGroupSize: number): boolean {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return false;
  const r = row as Record<string, unknown>;
  if (typeof r.subjects !== 'number' || !Number.isInteger(r.subjects) || r.subjects < minGroupSize) return false;
  for (const [key, value] of Object.entries(r)) {
    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return false;
      continue;
    }
    // The only text allowed is the group's code; nested objects and arrays could carry anything.
    if (key === 'group' && typeof value === 'string' && GROUP_CODE.test(value) && !UUID_LIKE.test(value) && !LONG_NUMBER.test(value)) continue;
    return false;
  }
  return true;
}

/** Keeps the shareable aggregate rows; the others are withheld and counted. */
export function screenAggregates(rows: unknown[], minGroupSize: number): { rows: unknown[]; withheld: number; subjects: number } {
  const kept = rows.filter((r) => isShareableAggregate(r, minGroupSize));
  return {
    rows: kept,
    withheld: rows.length - kept.length,
    subjects: kept.reduce<number>((a, r) => a + (r as { subjects: number }).subjects, 0),
  };
}
