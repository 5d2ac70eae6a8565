import { describe, expect, it } from 'vitest';
import { LOCALES } from '../i18n/types.ts';
import { translate } from '../i18n/translate.ts';
import { ACTION_GROUPS, OTHER_GROUP, actorMatches, auditCsv, auditJson, csvCell, filterEntries, groupOf, targetName } from './audit.ts';
import type { AuditEntry } from './types.ts';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  ts: Date.UTC(2026, 0, 2, 3, 4, 5),
  actor: 'user:tenant-a-operator',
  action: 'alarm.acknowledge',
  target: 'alarm:a1',
  outcome: 'success',
  details: '{"type":"news2"}',
  prevHash: 'p',
  hash: 'h',
  ...over,
});

describe('action groups', () => {
  it.each([
    ['auth.login', 'sign-in'],
    ['token.revoke', 'sign-in'],
    ['device.rotate-secret', 'devices'],
    ['mqtt.connect', 'devices'],
    ['mqtt.publish.denied', 'refusals'],
    ['api.refused', 'refusals'],
    ['alarm.resolve', 'alarms'],
    ['command.create', 'commands'],
    ['key.rotate', 'keys'],
    ['sharing.access', 'agreements'],
    ['record.read', 'care'],
    ['audit.verify', 'audit'],
    ['something.new', 'other'],
  ])('%s is in %s', (action, group) => {
    expect(groupOf(action).id).toBe(group);
  });

  it('every group, the catch-all too, has a name in both languages', () => {
    for (const g of [...ACTION_GROUPS, OTHER_GROUP]) for (const locale of LOCALES) expect(translate(locale, `auditGroup.${g.id}`)).not.toBe(`auditGroup.${g.id}`);
  });

  it('the CSV names the group in the reader’s language', () => {
    const csv = auditCsv([entry({})], new Map(), (key, params) => translate('it', key, params));
    expect(csv.split('\r\n')[1]).toContain(`,alarm.acknowledge,${translate('it', 'auditGroup.alarms')},`);
  });
});

describe('filters', () => {
  it('match an actor without its kind prefix, case-insensitively', () => {
    expect(actorMatches('user:tenant-a-operator', 'tenant-a-operator')).toBe(true);
    expect(actorMatches('user:tenant-a-operator', 'OPERATOR')).toBe(true);
    expect(actorMatches('user:tenant-a-operator', 'user:tenant-a')).toBe(true);
    expect(actorMatches('device:lamp-1', 'operator')).toBe(false);
    expect(actorMatches('device:lamp-1', '  ')).toBe(true);
  });

  it('combine group and actor', () => {
    const list = [entry({ seq: 1 }), entry({ seq: 2, action: 'auth.login' }), entry({ seq: 3, actor: 'device:lamp-1' })];
    expect(filterEntries(list, { group: 'alarms', actor: 'operator' }).map((e) => e.seq)).toEqual([1]);
    expect(filterEntries(list, { group: 'alarms' }).map((e) => e.seq)).toEqual([1, 3]);
    expect(filterEntries(list, {}).map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});

describe('CSV export (formula injection, CWE-1236)', () => {
  it.each([
    ['plain', 'plain'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
  ])('%j → %j', (raw, cell) => {
    expect(csvCell(raw)).toBe(cell);
  });

  it('writes a header and one CRLF line per entry with the target named where known', () => {
    const names = new Map([['alarm:a1', 'NEWS2 7, high']]);
    const csv = auditCsv([entry({}), entry({ seq: 2, target: 'device:=cmd', details: '{"a":"b,c"}' })], names, (key, params) => translate('en', key, params));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('seq,time,actor,action,group,target,target_name,outcome,details,hash,prev_hash');
    expect(lines[1]).toBe('1,2026-01-02T03:04:05.000Z,user:tenant-a-operator,alarm.acknowledge,Alarms,alarm:a1,"NEWS2 7, high",success,"{""type"":""news2""}",h,p');
    expect(lines[2]).toContain(',device:=cmd,,success,"{""a"":""b,c""}",');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });
});

describe('JSON export', () => {
  it('keeps every field, adds the target name only where known, and states the filters', () => {
    const out = JSON.parse(auditJson([entry({}), entry({ seq: 2, target: 'tenant:t1' })], new Map([['tenant:t1', 'Ward North']]), { chain: 'c', filters: { group: 'alarms' }, exportedAt: 0 }));
    expect(out).toMatchObject({ chain: 'c', count: 2, filters: { group: 'alarms' } });
    expect(out.items[0]).not.toHaveProperty('targetName');
    expect(out.items[1]).toMatchObject({ seq: 2, targetName: 'Ward North', hash: 'h' });
    expect(targetName('tenant:t2', new Map())).toBeNull();
  });
});
