import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/translate.ts';
import { alarmCodeText, alarmHref, callsForAlert, countOpen, escalationOf, filterAlarms, lampOf, mergeAlarm, summarizeOpen, titleWithCount } from './alarms.ts';
import type { Alarm } from './types.ts';

const alarm = (over: Partial<Alarm>): Alarm => ({
  id: 'a1',
  source: 'patient:p1',
  type: 'news2',
  category: 'clinical',
  severity: 'major',
  state: 'active-unacknowledged',
  title: 'NEWS2 5 (medium)',
  detail: {},
  subject: 'p1',
  raisedAt: 1_000,
  updatedAt: 1_000,
  ...over,
});

describe('merging live alarm events', () => {
  it('adds an unknown alarm at the top', () => {
    const list = mergeAlarm([alarm({ id: 'old' })], alarm({ id: 'new' }));
    expect(list.map((a) => a.id)).toEqual(['new', 'old']);
  });

  it('replaces an alarm with its newer version', () => {
    const list = mergeAlarm([alarm({})], alarm({ state: 'active-acknowledged', updatedAt: 2_000, note: 'called patient' }));
    expect(list).toHaveLength(1);
    expect(list[0]!.state).toBe('active-acknowledged');
  });

  it('ignores an event older than what the list already shows', () => {
    const list = mergeAlarm([alarm({ state: 'cleared', updatedAt: 5_000 })], alarm({ updatedAt: 4_000 }));
    expect(list[0]!.state).toBe('cleared');
  });
});

describe('inbox filters and order', () => {
  const list = [
    alarm({ id: 'acked', state: 'active-acknowledged', severity: 'critical' }),
    alarm({ id: 'minor', severity: 'minor', raisedAt: 9_000 }),
    alarm({ id: 'critical', severity: 'critical', raisedAt: 2_000 }),
    alarm({ id: 'escalated', severity: 'major', escalatedAt: 3_000 }),
    alarm({ id: 'cleared', state: 'cleared' }),
  ];

  it('shows open alarms, escalated and unacknowledged first, then by severity', () => {
    expect(filterAlarms(list, 'open').map((a) => a.id)).toEqual(['escalated', 'critical', 'minor', 'acked']);
  });

  it.each([
    { f: 'unacknowledged', ids: ['escalated', 'critical', 'minor'] },
    { f: 'resolved', ids: ['cleared'] },
    { f: 'acknowledged', ids: ['acked'] },
  ] as const)('filter $f keeps $ids', ({ f, ids }) => {
    expect(filterAlarms(list, f).map((a) => a.id)).toEqual(ids);
  });

  it('counts unacknowledged and critical unacknowledged alarms', () => {
    expect(countOpen(list)).toEqual({ unacknowledged: 3, critical: 1 });
  });
});

describe('escalation state', () => {
  it.each([
    { over: { escalatedAt: 5 }, kind: 'escalated' },
    { over: { escalateAt: 9 }, kind: 'due' },
    { over: { escalateAt: 9, state: 'active-acknowledged' as const }, kind: 'none' },
    { over: {}, kind: 'none' },
  ])('$over is $kind', ({ over, kind }) => {
    expect(escalationOf(alarm(over)).kind).toBe(kind);
  });
});

describe('the top-bar summary', () => {
  it('counts open alarms by severity and names the newest unacknowledged critical one', () => {
    const list = [
      alarm({ id: 'c-old', severity: 'critical', raisedAt: 1 }),
      alarm({ id: 'c-acked', severity: 'critical', state: 'active-acknowledged', raisedAt: 9 }),
      alarm({ id: 'c-new', severity: 'critical', raisedAt: 5 }),
      alarm({ id: 'maj', severity: 'major' }),
      alarm({ id: 'gone', severity: 'critical', state: 'cleared', raisedAt: 99 }),
    ];
    const s = summarizeOpen(list);
    expect(s.open).toBe(4);
    expect(s.bySeverity).toEqual({ critical: 3, major: 1, minor: 0, info: 0 });
    expect(s.newestCritical?.id).toBe('c-new');
    expect(summarizeOpen([alarm({ severity: 'critical', state: 'active-acknowledged' })]).newestCritical?.state).toBe('active-acknowledged');
    expect(summarizeOpen([]).newestCritical).toBeNull();
  });

  it('puts the count in front of the tab title only when something is open', () => {
    expect(titleWithCount('Alarm inbox · Custodia', 3)).toBe('(3) Alarm inbox · Custodia');
    expect(titleWithCount('Alarm inbox · Custodia', 0)).toBe('Alarm inbox · Custodia');
  });
});

describe('alerts', () => {
  it.each([
    { prev: undefined, next: alarm({ severity: 'critical' }), alert: true },
    { prev: alarm({ severity: 'major' }), next: alarm({ severity: 'critical' }), alert: true },
    { prev: alarm({ severity: 'critical' }), next: alarm({ severity: 'critical', updatedAt: 2 }), alert: false },
    { prev: alarm({ severity: 'critical', state: 'active-acknowledged' }), next: alarm({ severity: 'critical' }), alert: true },
    { prev: undefined, next: alarm({ severity: 'major' }), alert: false },
    { prev: alarm({ severity: 'critical' }), next: alarm({ severity: 'critical', state: 'active-acknowledged' }), alert: false },
    { prev: undefined, next: alarm({ severity: 'critical', state: 'cleared' }), alert: false },
  ])('$prev.severity/$prev.state → $next.severity/$next.state alerts: $alert', ({ prev, next, alert }) => {
    expect(callsForAlert(prev, next)).toBe(alert);
  });
});

describe('where an alarm leads', () => {
  const runs = { care: true, lighting: true };
  it('to its patient, its lamp, or the inbox', () => {
    expect(alarmHref(alarm({ subject: 'p 1' }), runs)).toBe('/care/patients/p%201');
    expect(alarmHref(alarm({ subject: null, source: 'lamp:L-7', pilot: 'lighting' }), runs)).toBe('/lighting/lamps/L-7');
    expect(alarmHref(alarm({ subject: null, source: 'cabinet:c1', detail: { lampId: 'L-2' } }), runs)).toBe('/lighting/lamps/L-2');
    expect(alarmHref(alarm({ subject: 'p1' }), { care: false, lighting: true })).toBe('/alarms');
    expect(alarmHref(alarm({ subject: null, source: 'device:d1' }), runs)).toBe('/alarms');
    expect(lampOf(alarm({ source: 'device:d1' }))).toBeNull();
  });
});

describe('an alarm\'s category and type, for people', () => {
  it.each([
    { code: 'lamp-failure', en: 'Lamp failure', it: 'Lampada guasta' },
    { code: 'clinical', en: 'Clinical', it: 'Clinico' },
    { code: 'threshold-spo2', en: 'Oxygen saturation outside personal limit', it: 'Saturazione di ossigeno fuori dal limite personale' },
    // A code the dictionaries lack still shows, as words.
    { code: 'door-closed', en: 'Door closed', it: 'Door closed' },
    { code: 'threshold-unknownVital', en: 'Threshold unknown vital', it: 'Threshold unknown vital' },
  ])('$code reads "$it" in Italian', ({ code, en, it: italian }) => {
    expect(alarmCodeText((k, p) => translate('en', k, p), code)).toBe(en);
    expect(alarmCodeText((k, p) => translate('it', k, p), code)).toBe(italian);
  });
});
