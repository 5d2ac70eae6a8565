// Keeps the signed-in user aware of alarms wherever they are in the console: the tenant's open
// alarms summarised for the top bar and the tab title, and — if the user turned them on — a sound
// and a desktop notification when a critical alarm arrives. The choice is kept per user in the
// browser (lib/alert-prefs.ts).
import { useCallback, useMemo, useRef, useState } from 'react';
import { alarmHref, callsForAlert, summarizeOpen, type OpenSummary } from '../lib/alarms.ts';
import { alertPrefsKey, parseAlertPrefs, serializeAlertPrefs, type AlertPrefs } from '../lib/alert-prefs.ts';
import type { Alarm } from '../lib/types.ts';
import { useAlarms } from './alarms.ts';
import { useRealtimeEvent } from './realtime.tsx';
import { navigate } from './router.tsx';
import { useT } from '../i18n/index.tsx';

export interface AlarmWatch {
  enabled: boolean;
  summary: OpenSummary;
  href(a: Alarm): string;
  prefs: AlertPrefs;
  setPrefs(p: AlertPrefs): Promise<void>;
  /** The browser's answer on desktop notifications ('unsupported' when it has none). */
  permission: NotificationPermission | 'unsupported';
}

const readPrefs = (userId: string): AlertPrefs => {
  try {
    return parseAlertPrefs(window.localStorage.getItem(alertPrefsKey(userId)));
  } catch {
    return parseAlertPrefs(null);
  }
};

const notificationPermission = (): NotificationPermission | 'unsupported' => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

/** Two short tones; no audio file to load, and nothing plays until the user asked for sound. */
function chime(): void {
  try {
    const ctx = new AudioContext();
    [0, 0.22].forEach((at, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = i ? 660 : 880;
      gain.gain.setValueAtTime(0.2, ctx.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + at + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + at);
      osc.stop(ctx.currentTime + at + 0.2);
    });
    setTimeout(() => void ctx.close(), 800);
  } catch {
    // No audio output: the top bar still shows the alarm.
  }
}

export function useAlarmWatch(opts: { enabled: boolean; userId: string; runs: { care: boolean; lighting: boolean } }): AlarmWatch {
  const { t } = useT();
  const { alarms } = useAlarms({ enabled: opts.enabled });
  const [prefs, setPrefsState] = useState<AlertPrefs>(() => readPrefs(opts.userId));
  const [permission, setPermission] = useState(notificationPermission);
  const known = useRef(new Map<string, Alarm>());
  known.current = new Map((alarms ?? []).map((a) => [a.id, a]));
  const { care, lighting } = opts.runs;
  const href = useCallback((a: Alarm) => alarmHref(a, { care, lighting }), [care, lighting]);

  useRealtimeEvent('alarm', (alarm) => {
    if (!opts.enabled || !callsForAlert(known.current.get(alarm.id), alarm)) return;
    known.current.set(alarm.id, alarm);
    if (prefs.sound) chime();
    if (prefs.desktop && notificationPermission() === 'granted') {
      const n = new Notification(t('alarmIndicator.notification', { title: alarm.title }), { body: t('alarmIndicator.notificationBody'), tag: alarm.id });
      n.onclick = () => {
        window.focus();
        navigate(href(alarm));
        n.close();
      };
    }
  });

  const setPrefs = useCallback(
    async (next: AlertPrefs) => {
      let p = next;
      if (p.desktop && notificationPermission() === 'default') await Notification.requestPermission();
      const now = notificationPermission();
      setPermission(now);
      if (now !== 'granted') p = { ...p, desktop: false };
      setPrefsState(p);
      try {
        window.localStorage.setItem(alertPrefsKey(opts.userId), serializeAlertPrefs(p));
      } catch {
        // Private mode without storage: the choice holds for this page only.
      }
    },
    [opts.userId],
  );

  const summary = useMemo(() => summarizeOpen(alarms ?? []), [alarms]);
  return { enabled: opts.enabled, summary, href, prefs, setPrefs, permission };
}
