// The user's choice of alerts for new critical alarms (a sound, a desktop notification), kept in
// the browser per user: off until the user turns them on, and a damaged entry reads as off.
export interface AlertPrefs {
  sound: boolean;
  desktop: boolean;
}

export const NO_ALERTS: AlertPrefs = { sound: false, desktop: false };

export const alertPrefsKey = (userId: string) => `custodia.alerts.${userId}`;

export function parseAlertPrefs(raw: string | null): AlertPrefs {
  if (!raw) return NO_ALERTS;
  try {
    const v = JSON.parse(raw) as Partial<Record<keyof AlertPrefs, unknown>> | null;
    return { sound: v?.sound === true, desktop: v?.desktop === true };
  } catch {
    return NO_ALERTS;
  }
}

export const serializeAlertPrefs = (p: AlertPrefs) => JSON.stringify({ sound: p.sound, desktop: p.desktop });
