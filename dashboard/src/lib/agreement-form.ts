// The proposal form of a data sharing agreement: what the person fills in, turned into the
// request the API takes and checked with the API's own schema first, so a mistake is named
// before anything is sent. Dates are whole days in the viewer's time zone: valid from the start
// of the first day to the end of the last.
import type { T } from '../i18n/index.tsx';
import type { Dict } from '../i18n/types.ts';
import { schemaMessage } from './validate.ts';
import { agreementInputSchema, OPERATIONS, PURPOSES, type AgreementInput, type Operation, type Purpose } from '../../../platform/policy/agreement-terms.ts';

export { OPERATIONS, PURPOSES };

export interface AgreementDraft {
  consumerTenant: string;
  title: string;
  purpose: Purpose;
  categories: string[];
  operations: Operation[];
  aggregationOnly: boolean;
  minGroupSize: string;
  retentionDays: string;
  requireConsent: boolean;
  /** YYYY-MM-DD, inclusive. */
  validFrom: string;
  validUntil: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a YYYY-MM-DD day (null when it is not a calendar day). */
export function startOfDay(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(y, mo - 1, d);
  return at.getFullYear() === y && at.getMonth() === mo - 1 && at.getDate() === d ? at.getTime() : null;
}

/** YYYY-MM-DD of an instant, in the viewer's time zone. */
export function dayOf(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A draft valid from today for a year: aggregates only, groups of five, the safe defaults. */
export function emptyDraft(now: number): AgreementDraft {
  const until = new Date(now);
  until.setFullYear(until.getFullYear() + 1);
  return {
    consumerTenant: '',
    title: '',
    purpose: 'research',
    categories: [],
    operations: ['aggregate'],
    aggregationOnly: true,
    minGroupSize: '5',
    retentionDays: '30',
    requireConsent: true,
    validFrom: dayOf(now),
    validUntil: dayOf(until.getTime()),
  };
}

const whole = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN);

/** The request for a draft, or the first problem in words a person can act on, in the language of
 *  `t` (zod's own messages follow the language the console set, lib/zod-setup.ts). */
export function proposalOf(draft: AgreementDraft, t: T): { ok: true; input: AgreementInput } | { ok: false; error: string } {
  const from = startOfDay(draft.validFrom);
  const lastDay = startOfDay(draft.validUntil);
  if (from === null) return { ok: false, error: t('agreementForm.chooseFrom') };
  if (lastDay === null) return { ok: false, error: t('agreementForm.chooseUntil') };
  const end = new Date(lastDay);
  end.setDate(end.getDate() + 1); // the end of the last day, across a DST change too
  const parsed = agreementInputSchema.safeParse({
    consumerTenant: draft.consumerTenant.trim(),
    title: draft.title,
    purpose: draft.purpose,
    categories: draft.categories,
    operations: draft.aggregationOnly ? draft.operations.filter((o) => o !== 'read') : draft.operations,
    obligations: {
      aggregationOnly: draft.aggregationOnly,
      minGroupSize: whole(draft.minGroupSize),
      retentionDays: whole(draft.retentionDays),
      requireConsent: draft.requireConsent,
    },
    validFrom: from,
    validUntil: end.getTime() - 1,
  });
  if (parsed.success) return { ok: true, input: parsed.data };
  const issue = parsed.error.issues[0]!;
  const [top, part] = [FIELDS.has(String(issue.path[0])) ? String(issue.path[0]) : null, FIELDS.has(String(issue.path[1])) ? String(issue.path[1]) : null];
  const field = t(`agreementForm.field.${(top ?? 'proposal') as Field}`);
  const message = schemaMessage(issue.message, t);
  return { ok: false, error: part ? t('agreementForm.problemIn', { field, part: t(`agreementForm.field.${part as Field}`), message }) : t('agreementForm.problem', { field, message }) };
}

/** The fields a problem is named by (their words: the dictionaries' agreementForm.field). */
const FIELDS = new Set(['consumerTenant', 'title', 'purpose', 'categories', 'operations', 'obligations', 'minGroupSize', 'retentionDays', 'validFrom', 'validUntil'] as const satisfies readonly Field[]) as Set<string>;
type Field = keyof Dict['agreementForm']['field'];
