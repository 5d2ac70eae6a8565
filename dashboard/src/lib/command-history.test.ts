import { describe, expect, it } from 'vitest';
import type { T } from '../i18n/index.tsx';
import { translate } from '../i18n/translate.ts';
import { actorLabel, appendPage, commonLevel, hubCommandLabel, lampCommandLabel, levelView } from './command-history.ts';
import type { MessageKey, Params } from '../i18n/types.ts';

const en = (key: MessageKey, params?: Params) => translate('en', key, params);
const it_ = (key: MessageKey, params?: Params) => translate('it', key, params);

describe('the level a dimming slider shows', () => {
  it.each([
    // in force, pending, draft → slider, note state, note
    { inForce: 40, pending: undefined, draft: undefined, value: 40, state: 'steady', note: '' },
    { inForce: 100, pending: undefined, draft: undefined, value: 100, state: 'steady', note: '' },
    { inForce: 40, pending: 70, draft: undefined, value: 40, state: 'pending', note: 'In force: 40 % · on its way: 70 %' },
    { inForce: 40, pending: 0, draft: undefined, value: 40, state: 'pending', note: 'In force: 40 % · on its way: off' },
    { inForce: 40, pending: 40, draft: undefined, value: 40, state: 'steady', note: '' },
    { inForce: 40, pending: undefined, draft: 65, value: 65, state: 'draft', note: 'In force: 40 % · not sent: 65 %' },
    { inForce: 40, pending: 70, draft: 65, value: 65, state: 'draft', note: 'In force: 40 % · not sent: 65 %' },
    { inForce: 40, pending: undefined, draft: 40, value: 40, state: 'steady', note: '' },
    { inForce: 0, pending: undefined, draft: undefined, value: 50, state: 'steady', note: '' },
    { inForce: 0, pending: 30, draft: undefined, value: 30, state: 'pending', note: 'In force: off · on its way: 30 %' },
    { inForce: 5, pending: undefined, draft: undefined, value: 10, state: 'steady', note: '' },
    { inForce: null, pending: undefined, draft: undefined, value: 50, state: 'steady', note: '' },
    { inForce: null, pending: 60, draft: undefined, value: 60, state: 'pending', note: 'In force: unknown · on its way: 60 %' },
  ] as const)('in force $inForce, pending $pending, dragged $draft → $value ($state)', ({ inForce, pending, draft, value, state, note }) => {
    const v = levelView(inForce, pending, draft, en);
    expect(v.value).toBe(value);
    expect(v.state).toBe(state);
    expect(v.note).toBe(note);
  });

  it('says the level in force in words', () => {
    expect([levelView(40, undefined, undefined, en).inForce, levelView(0, undefined, undefined, en).inForce, levelView(null, undefined, undefined, en).inForce]).toEqual(['40 %', 'off', 'unknown']);
  });

  it('says it in Italian for an Italian user', () => {
    expect(levelView(40, 0, undefined, it_).note).toBe('Attuale: 40 % · in arrivo: spento');
    expect(levelView(null, undefined, 65, it_).note).toBe('Attuale: sconosciuto · non inviato: 65 %');
  });
});

describe('a group’s common level', () => {
  it.each([
    [[40, 40, 40], 40],
    [[40, 60], null],
    [[40, null], null],
    [[], null],
    [[0, 0], 0],
  ] as const)('%o → %o', (levels, out) => {
    expect(commonLevel(levels)).toBe(out);
  });
});

describe('history labels', () => {
  it.each([
    [{ name: 'switch', payload: { action: 'dim', level: 40 } }, 'Dim to 40 %'],
    [{ name: 'switch', payload: { action: 'off', level: 0 } }, 'Switch off'],
    [{ name: 'switch', payload: { action: 'on', level: 100 } }, 'Switch on'],
    [{ name: 'simulate', payload: { scenario: 'lamp-failure' } }, 'Demo fault: Lamp failure (no light)'],
    [{ name: 'simulate', payload: { scenario: 'new-scenario' } }, 'Demo fault: new scenario'],
    [{ name: 'simulate', payload: {} }, 'Demo fault: unknown'],
    [{ name: 'reboot', payload: {} }, 'reboot'],
  ])('a lamp command %o reads %s', (e, out) => {
    expect(lampCommandLabel(e, en)).toBe(out);
  });

  it.each([
    [{ name: 'switch', payload: { action: 'dim', level: 40 } }, 'Riduzione al 40 %'],
    [{ name: 'simulate', payload: { scenario: 'day-burner' } }, 'Guasto simulato: Acceso di giorno'],
  ])('a lamp command %o reads %s in Italian', (e, out) => {
    expect(lampCommandLabel(e, it_)).toBe(out);
  });

  const en: T = (key, params) => translate('en', key, params);
  const it_: T = (key, params) => translate('it', key, params);
  it.each([
    [{ name: 'message', what: 'reminder' }, 'Reminder', 'Promemoria'],
    [{ name: 'message', what: 'message' }, 'Message', 'Messaggio'],
    [{ name: 'simulate', what: 'deterioration' }, 'Demo scenario: Deterioration (sepsis-like)', 'Scenario dimostrativo: ' + translate('it', 'scenarioName.deterioration')],
    [{ name: 'simulate', what: 'new-scenario' }, 'Demo scenario: new scenario', 'Scenario dimostrativo: new scenario'],
    [{ name: 'simulate' }, 'Demo scenario: unknown', 'Scenario dimostrativo: unknown'],
  ])('a hub command %o reads %s', (e, english, italian) => {
    expect(hubCommandLabel(e, en)).toBe(english);
    expect(hubCommandLabel(e, it_)).toBe(italian);
  });

  it.each([
    ['user:city-operator', 'city-operator', 'city-operator'],
    ['system:lighting-scheduler', 'schedule or system', 'programmazione o sistema'],
    ['pilot:lighting', 'schedule or system', 'programmazione o sistema'],
    ['plain', 'plain', 'plain'],
  ])('the actor %s reads %s', (label, english, italian) => {
    expect(actorLabel(label)).toBe(english);
    expect(actorLabel(label, it_)).toBe(italian);
  });
});

describe('paging', () => {
  it('appends a later page without repeating rows a new command shifted', () => {
    const k = (x: { id: string }) => x.id;
    expect(appendPage([{ id: 'c' }, { id: 'b' }], [{ id: 'b' }, { id: 'a' }], k).map(k)).toEqual(['c', 'b', 'a']);
    expect(appendPage([], [{ id: 'a' }], k).map(k)).toEqual(['a']);
  });
});
