// The series service's seal without commit (a writer that commits readings with other sealed
// writes in one Store batch, as the read benchmark's seeding does) stores what `append` stores:
// sealed under the subject's key or the tenant's, readable through `range`, and gone with the
// subject's key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceRig } from '../../test/support/services.ts';

let rig: Awaited<ReturnType<typeof serviceRig>>;
beforeEach(async () => {
  rig = await serviceRig();
});
afterEach(async () => {
  await rig.close();
});

const reading = (series: string, id: string, ts: number, subject: string | null) => ({ series, id, ts, subject, data: { v: ts } });

describe('SeriesService.seal', () => {
  it('sealed readings committed through the Store port read back as appended ones, and a shredded subject takes its own', async () => {
    const { series, keyring } = rig.services;
    await rig.inTenant('t-one', async () => {
      await keyring.ensureSubject('t-one', 'patient-1');
      await series.append([reading('hub', 'a1', 1, 'patient-1'), reading('lamp', 'a2', 1, null)]);
      const sealed = await series.seal([reading('hub', 's1', 2, 'patient-1'), reading('lamp', 's2', 2, null)]);
      // Sealed, not clear: no reading's value is in the stored body.
      for (const p of sealed) expect(p.body.toString('utf8')).not.toContain('"v"');
      await (await rig.scopes.store('t-one')).commit({ points: sealed });
      expect((await series.range('hub')).map((r) => [r.id, r.data])).toEqual([['a1', { v: 1 }], ['s1', { v: 2 }]]);
      expect((await series.range('lamp')).map((r) => [r.id, r.data])).toEqual([['a2', { v: 1 }], ['s2', { v: 2 }]]);
      await keyring.shred('t-one', 'patient-1');
      expect(await series.range('hub')).toEqual([]);
      expect((await series.range('lamp')).map((r) => r.id)).toEqual(['a2', 's2']);
    });
  });

  it('needs a tenant context, as append does', async () => {
    await expect(rig.services.series.seal([reading('lamp', 'x', 1, null)])).rejects.toThrow();
  });
});
