import { describe, expect, it } from 'vitest';
import { deviceListQuery, listDevices } from './device-list.ts';

const d = (id: string, kind: string, label = '', status: 'active' | 'revoked' = 'active') => ({ id, kind, label, status });
const DEVICES = [d('lamp-2', 'lamp', 'Harbour Avenue 2'), d('lamp-10', 'lamp', 'Harbour Avenue 10', 'revoked'), d('cab-1', 'cabinet', 'North cabinet'), d('lamp-1', 'lamp', 'Mill Road 1')];
const ONLINE = new Map([['lamp-2', 1000], ['cab-1', 2000]]);
const presence = (id: string) => ({ online: ONLINE.has(id), lastSeen: ONLINE.get(id) ?? null });
const ids = (q: Parameters<typeof listDevices>[1]) => listDevices(DEVICES, q, presence).items.map((x) => x.id);

describe('device list', () => {
  it.each([
    ['everything, by kind then id', {}, ['cab-1', 'lamp-1', 'lamp-10', 'lamp-2']],
    ['search in the id', { q: 'LAMP-1' }, ['lamp-1', 'lamp-10']],
    ['search in the label', { q: 'harbour' }, ['lamp-10', 'lamp-2']],
    ['revoked only', { status: 'revoked' as const }, ['lamp-10']],
    ['online only', { online: 'true' as const }, ['cab-1', 'lamp-2']],
    ['offline only', { online: 'false' as const }, ['lamp-1', 'lamp-10']],
    ['a page', { offset: 1, limit: 2 }, ['lamp-1', 'lamp-10']],
    ['past the end', { offset: 10, limit: 2 }, []],
  ])('%s', (_name, q, expected) => {
    expect(ids(q)).toEqual(expected);
  });
  it('counts the whole match and adds presence', () => {
    const r = listDevices(DEVICES, { q: 'lamp', limit: 1 }, presence);
    expect(r.total).toBe(3);
    expect(r.items[0]).toMatchObject({ id: 'lamp-1', online: false, lastSeen: null });
    expect(listDevices(DEVICES, { q: 'cab' }, presence).items[0]).toMatchObject({ online: true, lastSeen: 2000 });
  });
  it.each([
    [{ limit: '0' }, false],
    [{ limit: '501' }, false],
    [{ offset: '-1' }, false],
    [{ online: 'yes' }, false],
    [{ sort: 'id' }, false],
    [{ q: 'x'.repeat(65) }, false],
    [{ limit: '50', offset: '100', q: 'lamp', status: 'active', online: 'true' }, true],
  ])('query %j valid: %s', (q, ok) => {
    expect(deviceListQuery.safeParse(q).success).toBe(ok);
  });
});
