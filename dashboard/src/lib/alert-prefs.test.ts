import { describe, expect, it } from 'vitest';
import { alertPrefsKey, NO_ALERTS, parseAlertPrefs, serializeAlertPrefs } from './alert-prefs.ts';

describe('alert preferences', () => {
  it('are kept per user and read back as saved', () => {
    expect(alertPrefsKey('u-1')).not.toBe(alertPrefsKey('u-2'));
    expect(parseAlertPrefs(serializeAlertPrefs({ sound: true, desktop: false }))).toEqual({ sound: true, desktop: false });
  });

  it.each([null, '', 'not json', 'null', '[]', '{"sound":"yes","desktop":1}'])('read %j as all off', (raw) => {
    expect(parseAlertPrefs(raw)).toEqual(NO_ALERTS);
  });
});
