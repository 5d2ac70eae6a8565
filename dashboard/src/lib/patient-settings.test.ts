import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/translate.ts';
import { LOCALES } from '../i18n/types.ts';
import { settingsForm, settingsPatch } from './patient-settings.ts';

const KEYS = ['spo2', 'heartRate'];
const base = { scale: 1 as const, monitoringMinutes: 60 };

describe('patient settings form', () => {
  it('round-trips the current settings into text fields', () => {
    const f = settingsForm({ ...base, thresholds: { spo2: { low: 90 } } }, KEYS);
    expect(f).toEqual({ scale: 1, monitoringMinutes: '60', thresholds: { spo2: { low: '90', high: '' }, heartRate: { low: '', high: '' } } });
  });
  it.each([
    ['scale only', { scale: 2 as const }, { scale: 2 }],
    ['interval only', { monitoringMinutes: '30' }, { monitoringMinutes: 30 }],
    ['a new threshold', { thresholds: { spo2: { low: '92', high: '' }, heartRate: { low: '', high: '' } } }, { thresholds: { spo2: { low: 92 } } }],
    ['a decimal comma', { thresholds: { spo2: { low: '', high: '' }, heartRate: { low: '', high: '120,5' } } }, { thresholds: { heartRate: { high: 120.5 } } }],
  ])('sends only what changed: %s', (_name, change, patch) => {
    const r = settingsPatch(base, { ...settingsForm(base, KEYS), ...change });
    expect(r).toEqual({ patch });
  });
  it('clears thresholds with null when every field is emptied', () => {
    const cur = { ...base, thresholds: { spo2: { low: 90 } } };
    const f = settingsForm(cur, KEYS);
    f.thresholds.spo2 = { low: '', high: '' };
    expect(settingsPatch(cur, f)).toEqual({ patch: { thresholds: null } });
  });
  it.each([
    ['nothing', {}, 'settings.problemNothing', undefined],
    ['interval zero', { monitoringMinutes: '0' }, 'settings.problemInterval', undefined],
    ['interval fraction', { monitoringMinutes: '1.5' }, 'settings.problemInterval', undefined],
    ['interval empty', { monitoringMinutes: '' }, 'settings.problemInterval', undefined],
    ['low above high', { thresholds: { spo2: { low: '95', high: '90' }, heartRate: { low: '', high: '' } } }, 'settings.problemLowHigh', 'spo2'],
    ['not a number', { thresholds: { spo2: { low: 'abc', high: '' }, heartRate: { low: '', high: '' } } }, 'settings.problemNumbers', 'spo2'],
  ])('refuses %s', (_name, change, key, vital) => {
    const r = settingsPatch(base, { ...settingsForm(base, KEYS), ...change });
    expect('error' in r && r.error.key).toBe(key);
    expect('error' in r && r.error.params?.vital).toBe(vital);
    // Worded in both languages.
    for (const locale of LOCALES) expect('error' in r && translate(locale, r.error.key, { vital: 'SpO₂' })).not.toBe(key);
  });
});
