// The audit log as people read it: actions in readable groups, an actor filter that matches a name
// without its kind prefix ("alice" finds "user:alice"), targets named where the viewer may see
// names, and exports of what the filters show — CSV safe to open in a spreadsheet (RFC 4180
// quoting; a cell starting with = + - @ is prefixed so it is never run as a formula) and JSON.
import { csvCell as platformCsvCell } from '../../../platform/services/csv-cell.ts';
import type { AuditEntry } from './types.ts';
import type { T } from '../i18n/index.tsx';
import type { Dict } from '../i18n/types.ts';

/** A group of actions; its words are the dictionaries' auditGroup. */
export interface ActionGroup {
  id: keyof Dict['auditGroup'];
  /** An action belongs to the first group one of whose prefixes it starts with. */
  prefixes: string[];
}

export const ACTION_GROUPS: readonly ActionGroup[] = [
  { id: 'sign-in', prefixes: ['auth.', 'token.'] },
  { id: 'refusals', prefixes: ['api.', 'mqtt.publish.denied', 'mqtt.subscribe.denied', 'ingest.refused', 'mqtt.message.rejected'] },
  { id: 'devices', prefixes: ['device.', 'mqtt.', 'ingest.'] },
  { id: 'alarms', prefixes: ['alarm.'] },
  { id: 'commands', prefixes: ['command.'] },
  { id: 'keys', prefixes: ['key.'] },
  { id: 'agreements', prefixes: ['agreement.', 'sharing.'] },
  { id: 'care', prefixes: ['patient.', 'consent.', 'record.', 'readings.', 'fhir.', 'hc.'] },
  { id: 'lighting', prefixes: ['lighting.', 'schedule.', 'lamp.'] },
  { id: 'users', prefixes: ['user.'] },
  { id: 'tenants', prefixes: ['tenant.'] },
  { id: 'notifications', prefixes: ['notification.'] },
  { id: 'operations', prefixes: ['backup.', 'retention.', 'validation.', 'realtime.'] },
  { id: 'audit', prefixes: ['audit.'] },
];

export const OTHER_GROUP: ActionGroup = { id: 'other', prefixes: [] };

export function groupOf(action: string): ActionGroup {
  return ACTION_GROUPS.find((g) => g.prefixes.some((p) => action.startsWith(p))) ?? OTHER_GROUP;
}

/** Case-insensitive; the query matches the whole actor ("user:alice") or its name part ("alice"). */
export function actorMatches(actor: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return actor.toLowerCase().includes(q);
}

export interface AuditFilter {
  group?: string;
  actor?: string;
}

export function filterEntries(entries: readonly AuditEntry[], f: AuditFilter): AuditEntry[] {
  return entries.filter((e) => (!f.group || groupOf(e.action).id === f.group) && actorMatches(e.actor, f.actor ?? ''));
}

/** Names by `kind:id` (e.g. `patient:…`, `device:…`, `tenant:…`), from what the viewer may read. */
export type TargetNames = ReadonlyMap<string, string>;

/** The readable name of a target, or null when the viewer has none for it (the id is shown). */
export function targetName(target: string, names: TargetNames): string | null {
  return names.get(target) ?? null;
}

/** One CSV cell, by the platform's own rule for exports (formula triggers neutralised, RFC 4180). */
export const csvCell = (value: string | number | null | undefined): string => platformCsvCell(value === null || value === undefined ? '' : String(value));

const CSV_COLUMNS = ['seq', 'time', 'actor', 'action', 'group', 'target', 'target_name', 'outcome', 'details', 'hash', 'prev_hash'] as const;

/** The CSV export; the group column in the language of `t`. */
export function auditCsv(entries: readonly AuditEntry[], names: TargetNames, t: T): string {
  const rows = entries.map((e) =>
    [e.seq, new Date(e.ts).toISOString(), e.actor, e.action, t(`auditGroup.${groupOf(e.action).id}`), e.target, targetName(e.target, names), e.outcome, e.details, e.hash, e.prevHash].map(csvCell).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function auditJson(entries: readonly AuditEntry[], names: TargetNames, meta: { chain: string; filters: Record<string, string>; exportedAt: number }): string {
  const items = entries.map((e) => {
    const name = targetName(e.target, names);
    return { ...e, ...(name ? { targetName: name } : {}) };
  });
  return JSON.stringify({ chain: meta.chain, exportedAt: new Date(meta.exportedAt).toISOString(), filters: meta.filters, count: items.length, items }, null, 2);
}
