// Every code the platform and the pilots can send, and every code the console's lib/ names, has
// words in both languages: the lists come from where the codes are defined, so a code added there
// without its words fails here (the console would otherwise show the raw code).
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { COMMAND_STATUSES, SEVERITIES, type AlarmState } from '../../../platform/contract.ts';
import { ROLES } from '../../../platform/policy/role-names.ts';
import { PURPOSES } from '../../../platform/policy/agreement-terms.ts';
import { CONDITIONS, DEVICE_KINDS, SCENARIOS } from '../lib/healthcare.ts';
import { BANDS } from '../lib/news2.ts';
import { ACTION_GROUPS, OTHER_GROUP } from '../lib/audit.ts';
import type { ConnectionState } from '../lib/events.ts';
import { en } from './en.ts';
import { it as italian } from './it.ts';
import { lookup } from './translate.ts';

const ALARM_STATES: readonly AlarmState[] = ['active-unacknowledged', 'active-acknowledged', 'cleared'];
const CONNECTION: readonly ConnectionState[] = ['connecting', 'live', 'reconnecting', 'offline'];

const tables: [section: string, codes: readonly string[]][] = [
  ['role', ROLES],
  ['roleHint', ROLES.filter((r) => r !== 'platform-admin')],
  ['severity', SEVERITIES],
  ['alarmState', ALARM_STATES],
  ['commandStatus', COMMAND_STATUSES],
  ['delivery', COMMAND_STATUSES],
  ['connection', CONNECTION],
  ['deviceKind', DEVICE_KINDS],
  ['condition', CONDITIONS],
  ['scenarioName', SCENARIOS],
  ['news2Band', Object.keys(BANDS)],
  ['news2Response', Object.keys(BANDS)],
  ['acvpu', ['A', 'C', 'V', 'P', 'U']],
  ['purpose', PURPOSES],
  ['auditGroup', [...ACTION_GROUPS, OTHER_GROUP].map((g) => g.id)],
];

describe('every code has words in both languages', () => {
  it.each(tables)('%s', (section, codes) => {
    for (const code of codes) {
      expect(lookup(en, `${section}.${code}`), `en ${section}.${code}`).toBeDefined();
      expect(lookup(italian, `${section}.${code}`), `it ${section}.${code}`).toBeDefined();
    }
  });
});

describe('the dictionary parts', () => {
  it('no two parts define the same section (a later one would silently replace the earlier)', async () => {
    const files = (await readdir(new URL('./en/', import.meta.url))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const parts = await Promise.all(files.map((f) => import(`./en/${f}`)));
    const sections = parts.flatMap((m) => Object.keys(Object.values(m)[0] as object));
    expect(sections.length).toBe(new Set(sections).size);
    expect(sections.length).toBe(Object.keys(en).length);
  });
});
