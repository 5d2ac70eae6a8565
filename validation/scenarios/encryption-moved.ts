// docs/architecture.md "Keys and sealing": the AAD binds tenant, collection and record id, so a ciphertext
// copied onto another record, another collection, another reading or another tenant fails to
// open. The copies are made straight in the stores, as someone with write access to the files
// or the database would make them.
import { SERIES_COLLECTION } from '../../platform/crypto/collections.ts';
import type { StoredPoint, StoredRecord } from '../../platform/storage/port.ts';
import type { Scenario } from '../types.ts';

export const encryptionMoved: Scenario = {
  id: 'encryption.moved-ciphertext',
  title: 'A ciphertext moved to another record, collection, reading or tenant fails to open',
  requirement: 'docs/architecture.md "Keys and sealing" (AAD binds tenant, collection, record id); ASVS 4.0.3 6.2.1; NIST SP 800-38D',
  indicator: 'moved ciphertexts that open',
  criterion: '0 of the moved ciphertexts open; every original still opens',
  profile: 'fast',
  async run(ctx) {
    const h = await ctx.boot();
    const s = h.platform.services;
    const a = await s.scopes.records('tenant-a');
    const b = await s.scopes.records('tenant-b');
    await a.put('note', 'one', { v: 'sealed note one' });
    await a.put('note', 'subj', { v: 'sealed note of a subject' }, { subject: 'subject-1' });
    const storeA = await s.scopes.store('tenant-a');
    const storeB = await s.scopes.store('tenant-b');
    const seriesRef = (tenant: string, p: StoredPoint) => ({ tenant, collection: SERIES_COLLECTION, id: p.id, subject: p.subject });
    const point: StoredPoint = {
      series: 'dev-1',
      id: 'reading-1',
      ts: 1_700_000_000_000,
      subject: null,
      body: await s.keyring.sealJson({ tenant: 'tenant-a', collection: SERIES_COLLECTION, id: 'reading-1' }, { value: 1 }),
    };
    await storeA.commit({ points: [point] });
    const raw = (await storeA.get('note', 'one'))!;
    const rawSubj = (await storeA.get('note', 'subj'))!;

    type Attempt = { move: string; open: () => Promise<unknown> };
    const moved = async (store: typeof storeA, rec: StoredRecord) => {
      await store.commit({ put: [rec] });
    };
    const attempts: Attempt[] = [
      { move: 'to another record id', open: async () => (await moved(storeA, { ...raw, id: 'two' }), a.get('note', 'two')) },
      { move: 'to another collection', open: async () => (await moved(storeA, { ...raw, kind: 'memo' }), a.get('memo', 'one')) },
      { move: 'to the same id in another tenant', open: async () => (await moved(storeB, { ...raw }), b.get('note', 'one')) },
      { move: 'a subject’s value to another subject', open: async () => (await moved(storeA, { ...rawSubj, id: 'subj-2', subject: 'subject-2' }), a.get('note', 'subj-2')) },
      { move: 'a subject’s value to the tenant key', open: async () => (await moved(storeA, { ...rawSubj, id: 'subj-3', subject: null }), a.get('note', 'subj-3')) },
      { move: 'a reading to another reading id', open: async () => s.keyring.openJson(seriesRef('tenant-a', { ...point, id: 'reading-2' }), point.body) },
      { move: 'a reading to another tenant', open: async () => s.keyring.openJson(seriesRef('tenant-b', point), point.body) },
      { move: 'a record body read as a reading', open: async () => s.keyring.openJson({ tenant: 'tenant-a', collection: SERIES_COLLECTION, id: 'one' }, raw.body) },
    ];
    const results: { move: string; opened: boolean; error?: string }[] = [];
    for (const t of attempts) {
      try {
        await t.open();
        results.push({ move: t.move, opened: true });
      } catch (err) {
        results.push({ move: t.move, opened: false, error: (err as Error).message.slice(0, 120) });
      }
    }
    const originalsOpen =
      (await a.get<{ v: string }>('note', 'one'))?.data.v === 'sealed note one' &&
      (await a.get<{ v: string }>('note', 'subj'))?.data.v === 'sealed note of a subject' &&
      ((await s.keyring.openJson<{ value: number }>(seriesRef('tenant-a', point), point.body)).value === 1);
    const opened = results.filter((r) => r.opened).length;
    return {
      measured: opened,
      unit: `of ${results.length} opened`,
      pass: opened === 0 && originalsOpen,
      evidence: { attempts: results, originalsStillOpen: originalsOpen },
    };
  },
};
