// The audit log as people read it: actions in readable groups, an actor filter that matches a name
// without its kind prefix ("alice" finds "user:alice"), targets named where the viewer may see
// names, and exports of what the filters show — CSV safe to open in a spreadsheet (RFC 4180
// quoting; a cell starting with = + - @ is prefixed so it is never run as a formula) and JSON.
import { csvCell as platformCsvCell } from '../../../platform/services/csv-cell.ts';
import type { AuditEntry } from './types.ts';

export interface ActionGroup {
  id: string;
  label: string;
  /** An action belongs to the first group one of whose prefixes it starts with. */
  prefixes: string[];
}

export const ACTION_GROUPS: readonly ActionGroup[] = [
  { id: 'sign-in', label: 'Sign-in and sessions', prefixes: ['auth.', 'token.'] },
  { id: 'refusals', label: 'Refused requests', prefixes: ['api.', 'mqtt.publish.denied', 'mqtt.subscribe.denied', 'ingest.refused', 'mqtt.message.rejected'] },
  { id: 'devices', label: 'Devices', prefixes: ['device.', 'mqtt.', 'ingest.'] },
  { id: 'alarms', label: 'Alarms', prefixes: ['alarm.'] },
  { id: 'commands', label: 'Commands', prefixes: ['command.'] },
  { id: 'keys', label: 'Keys', prefixes: ['key.'] },
  { id: 'agreements', label: 'Data sharing agreements', prefixes: ['agreement.', 'sharing.'] },
  { id: 'care', label: 'Patients, consent and records', prefixes: ['patient.', 'consent.', 'record.', 'readings.', 'fhir.', 'hc.'] },
  { id: 'lighting', label: 'Street lighting', prefixes: ['lighting.', 'schedule.', 'lamp.'] },
  { id: 'users', label: 'Users', prefixes: ['user.'] },
  { id: 'tenants', label: 'Tenants', prefixes: ['tenant.'] },
  { id: 'notifications', label: 'Notifications', prefixes: ['notification.'] },
  { id: 'operations', label: 'Backups, retention and validation', prefixes: ['backup.', 'retention.', 'validation.', 'realtime.'] },
  { id: 'audit', label: 'Audit log', prefixes: ['audit.'] },
];

export const OTHER_GROUP: ActionGroup = { id: 'other', label: 'Other', prefixes: [] };

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

export function auditCsv(entries: readonly AuditEntry[], names: TargetNames): string {
  const rows = entries.map((e) =>
    [e.seq, new Date(e.ts).toISOString(), e.actor, e.action, groupOf(e.action).label, e.target, targetName(e.target, names), e.outcome, e.details, e.hash, e.prevHash].map(csvCell).join(','),
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
