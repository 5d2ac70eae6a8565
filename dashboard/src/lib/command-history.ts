// Command history as the server keeps it (a lamp's, a group's, a patient hub's), and what a dimming
// slider shows: the level in force (the lamp's own report), not the last value dragged; while a
// command is on its way, or a new value is only dragged, the difference is said in words.
import type { CommandStatus } from './types.ts';
import type { T } from '../i18n/index.tsx';
import { known, translate } from '../i18n/translate.ts';
import { switchLabel, type Translate } from './lighting.ts';
import type { LampHistoryEntry } from '../../../pilots/lighting/contract.ts';

/** A page of history from the server: newest first; `next` is the offset of the next page. */
export interface HistoryPage<T> {
  items: T[];
  next: number | null;
}

/** English, for the callers that pass no language yet. */
const english: T = (key, params) => translate('en', key, params);

/** One command to a lamp (GET /pilots/lighting/commands?lampId=…), as the pilot's contract says. */
export type { LampHistoryEntry };

/** One command to a patient's hub (GET /pilots/healthcare/patients/:id/commands), without text. */
export interface HubCommandEntry {
  id: string;
  name: string;
  what?: string;
  status: CommandStatus;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
}

/** What a lamp was asked, for people (in the language of `tr`). */
export function lampCommandLabel(e: Pick<LampHistoryEntry, 'name' | 'payload'>, tr: Translate): string {
  if (e.name === 'switch') return switchLabel(e.payload, tr);
  if (e.name === 'simulate') {
    const scenario = typeof e.payload.scenario === 'string' ? e.payload.scenario : undefined;
    const fault = scenario ? tr(`lampDetail.faults.${scenario}` as Parameters<Translate>[0]) : tr('switchCommand.unknownFault');
    // A scenario the dictionaries do not name shows as its code, in words.
    return tr('switchCommand.demoFault', { scenario: scenario && fault.startsWith('lampDetail.') ? scenario.replace(/-/g, ' ') : fault });
  }
  return e.name;
}

/** What a hub was sent, for people (a message's text is not in the history). */
export function hubCommandLabel(e: Pick<HubCommandEntry, 'name' | 'what'>, t: T): string {
  if (e.name === 'message') return t(e.what === 'reminder' ? 'hubCommand.reminder' : 'hubCommand.message');
  if (e.name === 'simulate') return t('hubCommand.scenario', { name: known(t, `scenarioName.${e.what}`, (e.what ?? 'unknown').replace(/-/g, ' ')) });
  return e.name;
}

/** Who sent it, without the principal's kind prefix ("user:alice" → "alice"). */
export function actorLabel(label: string, t: T = english): string {
  const i = label.indexOf(':');
  const kind = i > 0 ? label.slice(0, i) : '';
  const name = i > 0 ? label.slice(i + 1) : label;
  if (kind === 'system' || kind === 'pilot') return t('history.system');
  return name || label;
}

/** Appends a later page to what is shown, dropping rows already there (a new command shifts the
 *  offsets by one between two reads). */
export function appendPage<T>(shown: readonly T[], page: readonly T[], key: (t: T) => string): T[] {
  const have = new Set(shown.map(key));
  return [...shown, ...page.filter((t) => !have.has(key(t)))];
}

/** The level a group's lamps report in common; null when they differ or none reported. */
export function commonLevel(levels: readonly (number | null | undefined)[]): number | null {
  const known = levels.filter((l): l is number => typeof l === 'number');
  if (!known.length || known.length !== levels.length) return null;
  return known.every((l) => l === known[0]) ? known[0]! : null;
}

export interface LevelView {
  /** Where the slider sits. */
  value: number;
  /** The level in force in words: "40 %", "off", "unknown". */
  inForce: string;
  /** What differs from the level in force, or '' when nothing does. */
  note: string;
  state: 'steady' | 'pending' | 'draft';
}

const MIN = 10;

/** What a dimming slider shows: the level in force unless the user is choosing another (`draft`);
 *  a command on its way (`pending`, its level) is named next to the level still in force. Words in
 *  the language of `tr`. */
export function levelView(inForce: number | null, pending: number | undefined, draft: number | undefined, tr: Translate): LevelView {
  const pct = (l: number | null) => (l === null ? tr('lampLevel.unknown') : l <= 0 ? tr('lampLevel.off') : tr('lampLevel.percent', { level: l }));
  const at = inForce === null ? null : Math.max(0, Math.min(100, Math.round(inForce)));
  const resting = at === null || at <= 0 ? (pending !== undefined && pending > 0 ? pending : 50) : Math.max(MIN, at);
  if (draft !== undefined && draft !== at) {
    return { value: draft, inForce: pct(at), note: tr('lampLevel.draft', { level: pct(at), draft }), state: 'draft' };
  }
  if (pending !== undefined && pending !== at) {
    return { value: draft ?? resting, inForce: pct(at), note: tr('lampLevel.pending', { level: pct(at), pending: pct(pending) }), state: 'pending' };
  }
  return { value: draft ?? resting, inForce: pct(at), note: '', state: 'steady' };
}

/** The pill tone of a command status: done is good, failed and expired bad, the rest on its way. */
export function statusTone(s: CommandStatus): 'ok' | 'bad' | 'info' {
  return s === 'done' ? 'ok' : s === 'failed' || s === 'expired' ? 'bad' : 'info';
}
