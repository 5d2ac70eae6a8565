import { describe, expect, it, vi } from 'vitest';
import { latestNews2 } from './api/patients.ts';
import { KINDS, type News2Record } from './model.ts';
import { newestPerPatient } from './news2-records.ts';
import { createRules } from './rules.ts';
import { createTestPlatform, enrolTestPatient, fullSet, startedRuntime } from './testing.ts';

const rec = (patientId: string, at: number, computedAt: number, total: number) => ({ patientId, at, computedAt, total }) as News2Record;

describe('newestPerPatient', () => {
  it.each([
    { name: 'by observation time', recs: [rec('p1', 2, 1, 5), rec('p1', 1, 9, 3)], totals: [5] },
    { name: 'a tie goes to the later computation', recs: [rec('p1', 2, 1, 5), rec('p1', 2, 3, 7)], totals: [7] },
    { name: 'one per patient', recs: [rec('p1', 1, 1, 1), rec('p2', 1, 1, 2), rec('p2', 3, 1, 4)], totals: [1, 4] },
  ])('$name', ({ recs, totals }) => expect(newestPerPatient(recs).map((r) => r.total)).toEqual(totals));
});

describe('the latest NEWS2 of a patient', () => {
  it('is stored with each result under the patient key and read by key, without sorting the history', async () => {
    const fake = await createTestPlatform();
    const rt = startedRuntime(fake, { news2RecordEveryMs: 0 });
    const rules = createRules(rt);
    const patient = await enrolTestPatient(fake, rt);
    for (const [i, v] of [{ rr: 26, spo2: 88, sys: 95, hr: 125, temp: 39.5 }, { rr: 16, spo2: 97, sys: 120, hr: 70, temp: 37 }].entries()) {
      fake.clock.now += 60_000 * (i + 1);
      const readings = fullSet(fake, patient, v);
      for (const r of readings) await fake.appendTelemetry(r.deviceId, r.subject, r.ts, r.data, r.id);
      await fake.asSystem(() => rules.onReadings(fake.ctx, readings));
    }
    const history = await fake.asSystem(async () => (await (await fake.ctx.records()).find<News2Record>(KINDS.news2, {})).map((r) => r.data));
    expect(history.length).toBeGreaterThanOrEqual(2);
    const newest = history.reduce((a, b) => (b.computedAt >= a.computedAt ? b : a));
    const stored = fake.store.dump().records.filter((r) => r.kind === KINDS.news2Latest);
    expect(stored.map((r) => [r.id, r.subject])).toEqual([[patient.id, patient.id]]);

    const records = await fake.asUser(() => fake.ctx.records());
    const find = vi.spyOn(records, 'find');
    vi.spyOn(fake.ctx, 'records').mockResolvedValue(records);
    expect(await fake.asUser(() => latestNews2(fake.ctx, patient.id))).toEqual(newest);
    expect(find).not.toHaveBeenCalled();

    // A store from before the latest record: the newest history record answers.
    await fake.asUser(() => records.delete(KINDS.news2Latest, patient.id));
    expect((await fake.asUser(() => latestNews2(fake.ctx, patient.id)))?.id).toBe(newest.id);
    expect(find).toHaveBeenCalledTimes(1);
  });
});
