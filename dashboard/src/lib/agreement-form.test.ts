import { describe, expect, it } from 'vitest';
import type { T } from '../i18n/index.tsx';
import { translate } from '../i18n/translate.ts';
import { dayOf, emptyDraft, proposalOf, startOfDay, type AgreementDraft } from './agreement-form.ts';

const NOW = new Date(2026, 2, 10, 15, 30).getTime();
const draft = (over: Partial<AgreementDraft> = {}): AgreementDraft => ({
  ...emptyDraft(NOW),
  consumerTenant: 'uni-research',
  title: 'COPD study',
  categories: ['healthcare.vitals'],
  ...over,
});

describe('startOfDay / dayOf', () => {
  it.each([
    ['2026-03-10', new Date(2026, 2, 10).getTime()],
    ['2026-02-29', null],
    ['2026-3-10', null],
    ['', null],
  ])('%s', (day, want) => {
    expect(startOfDay(day)).toBe(want);
  });
  it('round-trips a day', () => {
    expect(dayOf(startOfDay('2026-10-25')!)).toBe('2026-10-25');
  });
});

const en: T = (key, params) => translate('en', key, params);
const it_: T = (key, params) => translate('it', key, params);

describe('proposalOf', () => {
  it('starts from the safe defaults: aggregates only, groups of five, consent required, a year from today', () => {
    const d = emptyDraft(NOW);
    expect(d).toMatchObject({ operations: ['aggregate'], aggregationOnly: true, minGroupSize: '5', requireConsent: true, validFrom: '2026-03-10', validUntil: '2027-03-10' });
  });

  it('makes the request the API takes, valid from the first day to the end of the last', () => {
    const r = proposalOf(draft({ validFrom: '2026-03-10', validUntil: '2026-03-12' }), en);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input).toMatchObject({ consumerTenant: 'uni-research', purpose: 'research', categories: ['healthcare.vitals'], operations: ['aggregate'] });
    expect(r.input.obligations).toEqual({ aggregationOnly: true, minGroupSize: 5, retentionDays: 30, requireConsent: true });
    expect(r.input.validFrom).toBe(new Date(2026, 2, 10).getTime());
    expect(r.input.validUntil).toBe(new Date(2026, 2, 13).getTime() - 1);
  });

  it('drops record reads while aggregation only is ticked instead of failing on them', () => {
    const r = proposalOf(draft({ operations: ['aggregate', 'read'] }), en);
    expect(r.ok && r.input.operations).toEqual(['aggregate']);
  });

  it.each<[string, Partial<AgreementDraft>, RegExp]>([
    ['no recipient', { consumerTenant: '' }, /^Recipient tenant:/],
    ['a recipient id with capitals', { consumerTenant: 'Uni' }, /^Recipient tenant:/],
    ['a title too short', { title: 'x' }, /^Title:/],
    ['no category', { categories: [] }, /^Data categories:/],
    ['no operation', { operations: [], aggregationOnly: false }, /^Operations:/],
    ['a group size that is not a whole number', { minGroupSize: '2.5' }, /^Obligations \(smallest group\):/],
    ['a retention of zero days', { retentionDays: '0' }, /^Obligations \(delete after days\):/],
    ['an end before the start', { validFrom: '2026-03-12', validUntil: '2026-03-10' }, /^Valid until:/],
    ['no start date', { validFrom: '' }, /^Valid from: choose a date/],
    ['record reads without aggregation only… allowed', { operations: ['read'], aggregationOnly: false }, /^$/],
  ])('%s', (_name, over, want) => {
    const r = proposalOf(draft(over), en);
    expect(r.ok ? '' : r.error).toMatch(want);
  });

  it.each<[string, Partial<AgreementDraft>, RegExp]>([
    ['no start date', { validFrom: '' }, /^Valido dal: scegli una data\.$/],
    ['a retention of zero days', { retentionDays: '0' }, /^Obblighi \(giorni prima della cancellazione\): /],
    ['an end before the start, the schema’s own message translated', { validFrom: '2026-03-12', validUntil: '2026-03-10' }, /^Valido fino al: la fine della validità deve seguire l'inizio$/],
  ])('in Italian: %s', (_name, over, want) => {
    const r = proposalOf(draft(over), it_);
    expect(r.ok ? '' : r.error).toMatch(want);
  });
});
