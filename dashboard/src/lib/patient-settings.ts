// The patient's clinical settings as a form edits them (text fields) and the PATCH the API takes
// (pilots/healthcare/model.ts settingsPatchSchema): only what changed is sent, so the audit trail
// names the fields a clinician actually touched (a scale change is audited on its own).
import type { Patient } from '../../../pilots/healthcare/contract.ts';
import type { MessageKey, Params } from '../i18n/types.ts';

type Settings = Patient['settings'];
export type ThresholdForm = Record<string, { low: string; high: string }>;

export interface SettingsForm {
  scale: 1 | 2;
  monitoringMinutes: string;
  thresholds: ThresholdForm;
}

const str = (n: number | undefined) => (n === undefined ? '' : String(n));

export function settingsForm(s: Settings, keys: readonly string[]): SettingsForm {
  const thresholds: ThresholdForm = {};
  for (const k of keys) {
    const t = (s.thresholds as Record<string, { low?: number; high?: number }> | undefined)?.[k];
    thresholds[k] = { low: str(t?.low), high: str(t?.high) };
  }
  return { scale: s.scale, monitoringMinutes: String(s.monitoringMinutes), thresholds };
}

const num = (v: string): number | undefined | 'bad' => {
  const t = v.trim().replace(',', '.');
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : 'bad';
};

export type SettingsPatch = { scale?: 1 | 2; monitoringMinutes?: number; thresholds?: Record<string, { low?: number; high?: number }> | null };

/** The change a form makes to the current settings, or the reason it cannot be sent (a text of
 *  the dictionaries; `vital` is the parameter's code). */
export function settingsPatch(current: Settings, form: SettingsForm): { patch: SettingsPatch } | { error: { key: MessageKey; params?: Params } } {
  const patch: SettingsPatch = {};
  if (form.scale !== current.scale) patch.scale = form.scale;
  const minutes = num(form.monitoringMinutes);
  if (minutes === 'bad' || minutes === undefined || !Number.isInteger(minutes) || minutes < 1 || minutes > 1440) return { error: { key: 'settings.problemInterval' } };
  if (minutes !== current.monitoringMinutes) patch.monitoringMinutes = minutes;
  const thresholds: Record<string, { low?: number; high?: number }> = {};
  for (const [k, t] of Object.entries(form.thresholds)) {
    const low = num(t.low);
    const high = num(t.high);
    if (low === 'bad' || high === 'bad') return { error: { key: 'settings.problemNumbers', params: { vital: k } } };
    if (low !== undefined && high !== undefined && low >= high) return { error: { key: 'settings.problemLowHigh', params: { vital: k } } };
    if (low !== undefined || high !== undefined) thresholds[k] = { ...(low !== undefined ? { low } : {}), ...(high !== undefined ? { high } : {}) };
  }
  const next = Object.keys(thresholds).length ? thresholds : null;
  const before = current.thresholds && Object.keys(current.thresholds).length ? current.thresholds : null;
  if (JSON.stringify(canonical(next)) !== JSON.stringify(canonical(before))) patch.thresholds = next;
  if (!Object.keys(patch).length) return { error: { key: 'settings.problemNothing' } };
  return { patch };
}

const canonical = (t: Record<string, { low?: number; high?: number }> | null) =>
  t ? Object.keys(t).sort().map((k) => [k, t[k]!.low ?? null, t[k]!.high ?? null]) : null;
