// The storage contract: every adapter of platform/storage/port.ts must pass this suite.
// An adapter's test file calls `runStorageContract(name, open)` (see
// platform/storage/sqlite/sqlite.test.ts). Bodies here are synthetic bytes standing in for sealed
// values; the adapter never interprets them.
//
// Semantics this suite pins down where the port's comments leave room:
// - find: default order createdAt ascending (ties by id); newestFirst is updatedAt descending.
//   `after` is exclusive and follows the direction of travel: createdAt > after ascending,
//   updatedAt < after when newestFirst.
// - range: `from` and `to` are both inclusive; ascending by ts unless `desc`.
// - putKey on an existing (scope, version) replaces its wrapped bytes (re-wrapping on rotation).
// - getKeys ascending by version; listCheckpoints ascending by seq; readAudit from seq inclusive.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  StorageProvider,
  Store,
  StoredAuditEntry,
  StoredCheckpoint,
  StoredKey,
  StoredPoint,
  StoredRecord,
} from '../../platform/storage/port.ts';

export interface OpenedProvider {
  provider: StorageProvider;
  /** Where the data lives. When set, `open(dataDir)` must open a provider on the same data
   *  (the reopen test). Leave undefined for an in-memory provider: that one test is skipped. */
  dataDir?: string;
  /** Closes the provider (if still open) and removes its data. */
  cleanup: () => Promise<void>;
}

/** `open()` opens a provider on fresh, empty data; `open(dataDir)` reopens existing data. */
export type OpenProvider = (dataDir?: string) => Promise<OpenedProvider>;

const T0 = 1_700_000_000_000;

const bytes = (label: string): Buffer => Buffer.concat([Buffer.from(`sealed:${label}:`), randomBytes(16)]);

function record(kind: string, id: string, over: Partial<StoredRecord> = {}): StoredRecord {
  return {
    kind,
    id,
    subject: null,
    index: {},
    body: bytes(`${kind}/${id}`),
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

function point(series: string, id: string, ts: number, subject: string | null = null): StoredPoint {
  return { series, id, ts, subject, body: bytes(`${series}/${id}`) };
}

function key(scope: string, version: number, over: Partial<StoredKey> = {}): StoredKey {
  return { scope, version, wrapped: bytes(`key:${scope}:${version}`), wrappedBy: 'master:v1', createdAt: T0, ...over };
}

function auditEntry(seq: number, over: Partial<StoredAuditEntry> = {}): StoredAuditEntry {
  return {
    seq,
    ts: T0 + seq,
    actor: 'system:test',
    action: 'record.read',
    target: `record:r-${seq}`,
    outcome: 'success',
    details: `{"n":${seq}}`,
    prevHash: `h${seq - 1}`,
    hash: `h${seq}`,
    ...over,
  };
}

function checkpoint(seq: number): StoredCheckpoint {
  return { seq, headHash: `h${seq}`, ts: T0 + seq, signature: Buffer.from(`sig-${seq}`).toString('base64'), keyId: 'ak-1' };
}

const ids = (items: { id: string }[]): string[] => items.map((i) => i.id);

export function runStorageContract(name: string, open: OpenProvider): void {
  describe(`storage contract: ${name}`, () => {
    let opened: OpenedProvider;
    let provider: StorageProvider;
    let store: Store;

    beforeEach(async () => {
      opened = await open();
      provider = opened.provider;
      store = await provider.tenant('tenant-a');
    });

    afterEach(async () => {
      await opened.cleanup();
    });

    describe('records', () => {
      it('a put record reads back byte for byte, and unknown ids read as null', async () => {
        const r = record('patient', 'p1', {
          subject: 'p1',
          index: { mrn: 'a1b2', status: 'active' },
          body: Buffer.from([0, 1, 2, 255, 0, 128]),
          createdAt: T0 + 5,
          updatedAt: T0 + 7,
        });
        await store.commit({ put: [r] });
        expect(await store.get('patient', 'p1')).toEqual(r);
        expect((await store.get('patient', 'p1'))!.body.equals(r.body)).toBe(true);
        expect(await store.get('patient', 'p2')).toBeNull();
        expect(await store.get('device', 'p1')).toBeNull();
      });

      it('an update keeps createdAt and replaces subject, body and every index entry', async () => {
        await store.commit({ put: [record('alarm', 'a1', { index: { status: 'open', severity: 'high' }, createdAt: T0 })] });
        const updated = record('alarm', 'a1', {
          subject: 's9',
          index: { status: 'closed' },
          createdAt: T0 + 999,
          updatedAt: T0 + 50,
        });
        await store.commit({ put: [updated] });

        const got = await store.get('alarm', 'a1');
        expect(got).toEqual({ ...updated, createdAt: T0 });
        expect(await store.find({ kind: 'alarm', where: { status: 'open' } })).toEqual([]);
        expect(await store.find({ kind: 'alarm', where: { severity: 'high' } })).toEqual([]);
        expect(ids(await store.find({ kind: 'alarm', where: { status: 'closed' } }))).toEqual(['a1']);
      });

      it('find by kind returns only that kind, oldest first by createdAt', async () => {
        await store.commit({
          put: [
            record('lamp', 'l2', { createdAt: T0 + 20 }),
            record('lamp', 'l1', { createdAt: T0 + 10 }),
            record('lamp', 'l3', { createdAt: T0 + 30 }),
            record('cabinet', 'c1', { createdAt: T0 }),
          ],
        });
        expect(ids(await store.find({ kind: 'lamp' }))).toEqual(['l1', 'l2', 'l3']);
        expect(ids(await store.find({ kind: 'cabinet' }))).toEqual(['c1']);
        expect(await store.find({ kind: 'meter' })).toEqual([]);
      });

      it('where with several entries matches only records having all of them', async () => {
        await store.commit({
          put: [
            record('lamp', 'l1', { index: { group: 'g1', status: 'on', model: 'x' }, createdAt: T0 + 1 }),
            record('lamp', 'l2', { index: { group: 'g1', status: 'off', model: 'x' }, createdAt: T0 + 2 }),
            record('lamp', 'l3', { index: { group: 'g2', status: 'on', model: 'x' }, createdAt: T0 + 3 }),
            record('lamp', 'l4', { index: { group: 'g1', status: 'on', model: 'y' }, createdAt: T0 + 4 }),
            record('cabinet', 'c1', { index: { group: 'g1', status: 'on' } }),
          ],
        });
        expect(ids(await store.find({ kind: 'lamp', where: { group: 'g1' } }))).toEqual(['l1', 'l2', 'l4']);
        expect(ids(await store.find({ kind: 'lamp', where: { group: 'g1', status: 'on' } }))).toEqual(['l1', 'l4']);
        expect(ids(await store.find({ kind: 'lamp', where: { group: 'g1', status: 'on', model: 'x' } }))).toEqual(['l1']);
        expect(await store.find({ kind: 'lamp', where: { group: 'g2', status: 'off' } })).toEqual([]);
        expect(await store.find({ kind: 'lamp', where: { colour: 'g1' } })).toEqual([]);
      });

      it('find by subject returns only that data subject’s records', async () => {
        await store.commit({
          put: [
            record('observation', 'o1', { subject: 's1', createdAt: T0 + 1 }),
            record('observation', 'o2', { subject: 's2', createdAt: T0 + 2 }),
            record('observation', 'o3', { subject: 's1', createdAt: T0 + 3 }),
            record('observation', 'o4', { subject: null, createdAt: T0 + 4 }),
          ],
        });
        expect(ids(await store.find({ kind: 'observation', subject: 's1' }))).toEqual(['o1', 'o3']);
        expect(await store.find({ kind: 'observation', subject: 's3' })).toEqual([]);
      });

      it('newestFirst orders by updatedAt descending, whatever the creation order', async () => {
        await store.commit({
          put: [
            record('alarm', 'a1', { createdAt: T0 + 1, updatedAt: T0 + 300 }),
            record('alarm', 'a2', { createdAt: T0 + 2, updatedAt: T0 + 100 }),
            record('alarm', 'a3', { createdAt: T0 + 3, updatedAt: T0 + 200 }),
          ],
        });
        expect(ids(await store.find({ kind: 'alarm', newestFirst: true }))).toEqual(['a1', 'a3', 'a2']);
        expect(ids(await store.find({ kind: 'alarm' }))).toEqual(['a1', 'a2', 'a3']);
      });

      it('limit and after page through the records without gaps or repeats, both ways', async () => {
        const put = Array.from({ length: 7 }, (_, i) =>
          record('event', `e${i}`, { createdAt: T0 + i * 10, updatedAt: T0 + 1000 - i * 10 }),
        );
        await store.commit({ put });

        expect(ids(await store.find({ kind: 'event', limit: 3 }))).toEqual(['e0', 'e1', 'e2']);
        expect(ids(await store.find({ kind: 'event', after: T0 + 20 }))).toEqual(['e3', 'e4', 'e5', 'e6']);
        expect(await store.find({ kind: 'event', limit: 0 })).toEqual([]);

        const forward: string[] = [];
        let cursor: number | undefined;
        for (;;) {
          const page = await store.find({ kind: 'event', limit: 3, ...(cursor === undefined ? {} : { after: cursor }) });
          if (page.length === 0) break;
          forward.push(...ids(page));
          cursor = page.at(-1)!.createdAt;
        }
        expect(forward).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);

        // newestFirst: e0 has the largest updatedAt; "after" continues towards older updates.
        const backward: string[] = [];
        cursor = undefined;
        for (;;) {
          const page = await store.find({
            kind: 'event',
            newestFirst: true,
            limit: 2,
            ...(cursor === undefined ? {} : { after: cursor }),
          });
          if (page.length === 0) break;
          backward.push(...ids(page));
          cursor = page.at(-1)!.updatedAt;
        }
        expect(backward).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      });

      it('count follows kind and every where entry', async () => {
        await store.commit({
          put: [
            record('device', 'd1', { index: { type: 'oximeter', state: 'online' } }),
            record('device', 'd2', { index: { type: 'oximeter', state: 'offline' } }),
            record('device', 'd3', { index: { type: 'scale', state: 'online' } }),
            record('user', 'u1', { index: { type: 'oximeter' } }),
          ],
        });
        expect(await store.count('device')).toBe(3);
        expect(await store.count('device', { type: 'oximeter' })).toBe(2);
        expect(await store.count('device', { type: 'oximeter', state: 'online' })).toBe(1);
        expect(await store.count('device', { type: 'thermometer' })).toBe(0);
        expect(await store.count('nothing')).toBe(0);
      });

      it('a deleted record is gone from get, find and count, and others stay', async () => {
        await store.commit({
          put: [record('lamp', 'l1', { index: { group: 'g1' } }), record('lamp', 'l2', { index: { group: 'g1' } })],
        });
        await store.commit({ delete: [{ kind: 'lamp', id: 'l1' }, { kind: 'lamp', id: 'never-existed' }] });
        expect(await store.get('lamp', 'l1')).toBeNull();
        expect(ids(await store.find({ kind: 'lamp', where: { group: 'g1' } }))).toEqual(['l2']);
        expect(await store.count('lamp', { group: 'g1' })).toBe(1);

        // Re-creating the id starts clean: no index entries survive from the deleted record.
        await store.commit({ put: [record('lamp', 'l1', { index: {} })] });
        expect(await store.count('lamp', { group: 'g1' })).toBe(1);
        expect((await store.get('lamp', 'l1'))!.index).toEqual({});
      });
    });

    describe('commit', () => {
      it('puts, deletes and points of one batch land together', async () => {
        await store.commit({ put: [record('lamp', 'old')] });
        await store.commit({
          put: [record('lamp', 'new')],
          delete: [{ kind: 'lamp', id: 'old' }],
          points: [point('dev-1', 'pt-1', T0), point('dev-1', 'pt-2', T0 + 1)],
        });
        expect(ids(await store.find({ kind: 'lamp' }))).toEqual(['new']);
        expect(await store.countPoints('dev-1')).toBe(2);
        await expect(store.commit({})).resolves.toBeUndefined();
      });

      it('a batch with a duplicate point id leaves nothing of the batch behind', async () => {
        await store.commit({ put: [record('lamp', 'keep')], points: [point('dev-1', 'pt-0', T0)] });

        const inBatch = {
          put: [record('lamp', 'l-new'), record('lamp', 'keep', { index: { changed: 'yes' }, updatedAt: T0 + 9 })],
          delete: [{ kind: 'lamp', id: 'keep' }],
          points: [point('dev-1', 'pt-1', T0 + 1), point('dev-2', 'pt-2', T0 + 2), point('dev-2', 'pt-1', T0 + 3)],
        };
        await expect(store.commit(inBatch)).rejects.toThrow();

        const againstStored = { put: [record('lamp', 'l-other')], points: [point('dev-3', 'pt-0', T0 + 4)] };
        await expect(store.commit(againstStored)).rejects.toThrow();

        expect(ids(await store.find({ kind: 'lamp' }))).toEqual(['keep']);
        expect((await store.get('lamp', 'keep'))!.index).toEqual({});
        expect(await store.countPoints()).toBe(1);
        expect((await store.listSeries()).sort()).toEqual(['dev-1']);
      });
    });

    describe('time series', () => {
      beforeEach(async () => {
        await store.commit({
          points: [
            point('dev-1', 'a', T0 + 30, 's1'),
            point('dev-1', 'b', T0 + 10, 's1'),
            point('dev-1', 'c', T0 + 20, 's1'),
            point('dev-1', 'd', T0 + 40, 's1'),
            point('dev-2', 'e', T0 + 25),
          ],
        });
      });

      it('range returns one series in time order, from and to inclusive', async () => {
        expect(ids(await store.range({ series: 'dev-1' }))).toEqual(['b', 'c', 'a', 'd']);
        expect(ids(await store.range({ series: 'dev-1', from: T0 + 20 }))).toEqual(['c', 'a', 'd']);
        expect(ids(await store.range({ series: 'dev-1', to: T0 + 30 }))).toEqual(['b', 'c', 'a']);
        expect(ids(await store.range({ series: 'dev-1', from: T0 + 11, to: T0 + 39 }))).toEqual(['c', 'a']);
        expect(await store.range({ series: 'dev-1', from: T0 + 41 })).toEqual([]);
        expect(await store.range({ series: 'dev-9' })).toEqual([]);
      });

      it('range honours desc and limit', async () => {
        expect(ids(await store.range({ series: 'dev-1', desc: true }))).toEqual(['d', 'a', 'c', 'b']);
        expect(ids(await store.range({ series: 'dev-1', limit: 2 }))).toEqual(['b', 'c']);
        expect(ids(await store.range({ series: 'dev-1', desc: true, limit: 2, to: T0 + 30 }))).toEqual(['a', 'c']);
      });

      it('points read back with their clear metadata and exact bytes', async () => {
        const p = point('dev-3', 'x', T0 + 1, 's7');
        await store.commit({ points: [p] });
        expect(await store.range({ series: 'dev-3' })).toEqual([p]);
      });

      it('latest is the newest point by time, not by insertion', async () => {
        expect((await store.latest('dev-1'))?.id).toBe('d');
        await store.commit({ points: [point('dev-1', 'late-arrival', T0 + 5)] });
        expect((await store.latest('dev-1'))?.id).toBe('d');
        expect(await store.latest('dev-9')).toBeNull();
      });

      it('deletePointsBefore deletes the points of every series strictly before the time, and counts them', async () => {
        expect(await store.deletePointsBefore(T0 + 25)).toBe(2); // b (T0+10), c (T0+20); e is at T0+25
        expect(ids(await store.range({ series: 'dev-1' }))).toEqual(['a', 'd']);
        expect(ids(await store.range({ series: 'dev-2' }))).toEqual(['e']);
        expect(await store.deletePointsBefore(T0 + 25)).toBe(0);
        expect(await store.deletePointsBefore(T0 + 1000)).toBe(3);
        expect(await store.countPoints()).toBe(0);
        expect(await store.listSeries()).toEqual([]);
      });

      it('countPoints counts one series or all, and listSeries names every series', async () => {
        expect(await store.countPoints('dev-1')).toBe(4);
        expect(await store.countPoints('dev-2')).toBe(1);
        expect(await store.countPoints('dev-9')).toBe(0);
        expect(await store.countPoints()).toBe(5);
        expect((await store.listSeries()).sort()).toEqual(['dev-1', 'dev-2']);
      });
    });

    describe('keys', () => {
      it('putKey and getKeys keep every version of a scope, ascending', async () => {
        const v2 = key('tenant', 2, { createdAt: T0 + 2 });
        const v1 = key('tenant', 1, { createdAt: T0 + 1 });
        await store.putKey(v2);
        await store.putKey(v1);
        await store.putKey(key('index', 1));
        expect(await store.getKeys('tenant')).toEqual([v1, v2]);
        expect(await store.getKeys('index')).toHaveLength(1);
        expect(await store.getKeys('subject:s1')).toEqual([]);
      });

      it('re-wrapping an existing version replaces its wrapped bytes', async () => {
        await store.putKey(key('tenant', 1, { wrappedBy: 'master:v1' }));
        const rewrapped = key('tenant', 1, { wrappedBy: 'master:v2' });
        await store.putKey(rewrapped);
        const keys = await store.getKeys('tenant');
        expect(keys).toHaveLength(1);
        expect(keys[0]!.wrapped.equals(rewrapped.wrapped)).toBe(true);
        expect(keys[0]!.wrappedBy).toBe('master:v2');
      });

      it('destroyKeys removes every version of one scope and reports how many', async () => {
        await store.putKey(key('subject:s1', 1));
        await store.putKey(key('subject:s1', 2));
        await store.putKey(key('subject:s2', 1));
        expect(await store.destroyKeys('subject:s1')).toBe(2);
        expect(await store.getKeys('subject:s1')).toEqual([]);
        expect(await store.getKeys('subject:s2')).toHaveLength(1);
        expect(await store.destroyKeys('subject:s1')).toBe(0);
      });

      it('listKeyScopes lists distinct scopes by literal prefix (no wildcards)', async () => {
        await store.putKey(key('subject:a_1', 1));
        await store.putKey(key('subject:a_1', 2));
        await store.putKey(key('subject:b%2', 1));
        await store.putKey(key('tenant', 1));
        await store.putKey(key('subjectX', 1));
        expect(await store.listKeyScopes('subject:')).toEqual(['subject:a_1', 'subject:b%2']);
        expect(await store.listKeyScopes('subject:a_')).toEqual(['subject:a_1']);
        expect(await store.listKeyScopes('subject:a%')).toEqual([]);
        expect(await store.listKeyScopes('nothing:')).toEqual([]);
      });
    });

    describe('audit', () => {
      it('an empty log has no last entry', async () => {
        expect(await store.lastAudit()).toBeNull();
        expect(await store.readAudit(1, 10)).toEqual([]);
      });

      it('appended entries read back in seq order from a given seq, up to a limit', async () => {
        const entries = [1, 2, 3, 4, 5].map((s) => auditEntry(s, s === 3 ? { outcome: 'denied' } : {}));
        await store.appendAudit(entries.slice(0, 2));
        await store.appendAudit(entries.slice(2));
        expect(await store.readAudit(1, 100)).toEqual(entries);
        expect(await store.readAudit(3, 2)).toEqual([entries[2], entries[3]]);
        expect(await store.readAudit(6, 10)).toEqual([]);
        expect(await store.lastAudit()).toEqual(entries[4]);
      });

      it('an existing seq is rejected and nothing of that append is written', async () => {
        await store.appendAudit([auditEntry(1), auditEntry(2)]);
        await expect(store.appendAudit([auditEntry(3), auditEntry(2, { hash: 'forged' })])).rejects.toThrow();
        expect(await store.readAudit(1, 10)).toEqual([auditEntry(1), auditEntry(2)]);
        expect((await store.lastAudit())?.seq).toBe(2);
      });

      it('checkpoints list in seq order', async () => {
        await store.putCheckpoint(checkpoint(200));
        await store.putCheckpoint(checkpoint(100));
        expect(await store.listCheckpoints()).toEqual([checkpoint(100), checkpoint(200)]);
      });
    });

    describe('tenancy', () => {
      it('what one tenant wrote is invisible through another tenant and the platform', async () => {
        await store.commit({
          put: [record('patient', 'p1', { subject: 'p1', index: { mrn: 'bi-1' } })],
          points: [point('dev-1', 'pt-1', T0, 'p1')],
        });
        await store.putKey(key('subject:p1', 1));
        await store.appendAudit([auditEntry(1)]);
        await store.putCheckpoint(checkpoint(1));

        const other = await provider.tenant('tenant-b');
        const platform = await provider.platform();
        expect(store.scope).toBe('tenant-a');
        expect(other.scope).toBe('tenant-b');
        expect(platform.scope).toBe('_platform');
        for (const s of [other, platform]) {
          expect(await s.get('patient', 'p1')).toBeNull();
          expect(await s.find({ kind: 'patient' })).toEqual([]);
          expect(await s.find({ kind: 'patient', where: { mrn: 'bi-1' } })).toEqual([]);
          expect(await s.count('patient')).toBe(0);
          expect(await s.range({ series: 'dev-1' })).toEqual([]);
          expect(await s.latest('dev-1')).toBeNull();
          expect(await s.countPoints()).toBe(0);
          expect(await s.listSeries()).toEqual([]);
          expect(await s.getKeys('subject:p1')).toEqual([]);
          expect(await s.readAudit(0, 10)).toEqual([]);
          expect(await s.lastAudit()).toBeNull();
          expect(await s.listCheckpoints()).toEqual([]);
        }
        // The same point id is free in another tenant: uniqueness is per tenant.
        await expect(other.commit({ points: [point('dev-1', 'pt-1', T0)] })).resolves.toBeUndefined();
        expect(await store.countPoints()).toBe(1);
      });

      it('the platform store’s data is invisible to tenants', async () => {
        const platform = await provider.platform();
        await platform.commit({ put: [record('tenant', 'tenant-a')] });
        await platform.appendAudit([auditEntry(1, { action: 'tenant.create' })]);
        expect(await store.get('tenant', 'tenant-a')).toBeNull();
        expect(await store.lastAudit()).toBeNull();
        expect((await provider.platform()).scope).toBe('_platform');
      });

      it('asking for the same tenant twice gives a store over the same data', async () => {
        await store.commit({ put: [record('lamp', 'l1')] });
        const again = await provider.tenant('tenant-a');
        expect(await again.get('lamp', 'l1')).not.toBeNull();
      });

      it('invalid tenant ids are rejected before anything is opened', async () => {
        for (const bad of ['', 'A', '1abc', '../tenant-a', 'tenant/a', 'tenant-a.db', '_platform', 'x'.repeat(41)]) {
          await expect(provider.tenant(bad), bad).rejects.toThrow(/invalid tenant id/);
          await expect(provider.dropTenant(bad), bad).rejects.toThrow(/invalid tenant id/);
        }
      });

      it('dropTenant removes the tenant’s data and leaves other tenants alone', async () => {
        await store.commit({ put: [record('lamp', 'l1')], points: [point('dev-1', 'pt-1', T0)] });
        await store.putKey(key('tenant', 1));
        const other = await provider.tenant('tenant-b');
        await other.commit({ put: [record('lamp', 'l1')] });

        await provider.dropTenant('tenant-a');

        const fresh = await provider.tenant('tenant-a');
        expect(await fresh.get('lamp', 'l1')).toBeNull();
        expect(await fresh.countPoints()).toBe(0);
        expect(await fresh.getKeys('tenant')).toEqual([]);
        expect(await (await provider.tenant('tenant-b')).get('lamp', 'l1')).not.toBeNull();
        // Dropping a tenant that has no data is not an error.
        await expect(provider.dropTenant('tenant-never')).resolves.toBeUndefined();
      });
    });

    describe('lifecycle', () => {
      it('ping answers true on an open store', async () => {
        expect(await store.ping()).toBe(true);
        expect(await (await provider.platform()).ping()).toBe(true);
      });

      it('everything committed is still there after closing and reopening', async (ctx) => {
        const dataDir = opened.dataDir;
        if (dataDir === undefined) ctx.skip('in-memory provider: nothing survives close');

        const rec = record('patient', 'p1', { subject: 'p1', index: { mrn: 'bi-1' }, createdAt: T0, updatedAt: T0 + 1 });
        const pts = [point('dev-1', 'pt-1', T0, 'p1'), point('dev-1', 'pt-2', T0 + 1, 'p1')];
        const k = key('subject:p1', 1);
        const entries = [auditEntry(1), auditEntry(2)];
        await store.commit({ put: [rec], points: pts });
        await store.putKey(k);
        await store.appendAudit(entries);
        await store.putCheckpoint(checkpoint(2));
        const platformRec = record('tenant', 'tenant-a');
        await (await provider.platform()).commit({ put: [platformRec] });
        await provider.close();

        const reopened = await open(dataDir);
        try {
          const s = await reopened.provider.tenant('tenant-a');
          expect(await s.get('patient', 'p1')).toEqual(rec);
          expect(ids(await s.find({ kind: 'patient', where: { mrn: 'bi-1' } }))).toEqual(['p1']);
          expect(await s.range({ series: 'dev-1' })).toEqual(pts);
          expect(await s.getKeys('subject:p1')).toEqual([k]);
          expect(await s.readAudit(1, 10)).toEqual(entries);
          expect(await s.listCheckpoints()).toEqual([checkpoint(2)]);
          expect(await (await reopened.provider.platform()).get('tenant', 'tenant-a')).toEqual(platformRec);
        } finally {
          await reopened.cleanup();
        }
      });

      it('a closed provider refuses to hand out stores', async () => {
        await provider.close();
        await expect(provider.tenant('tenant-a')).rejects.toThrow();
        await expect(provider.platform()).rejects.toThrow();
        // Closing twice is harmless.
        await expect(provider.close()).resolves.toBeUndefined();
      });
    });
  });
}
