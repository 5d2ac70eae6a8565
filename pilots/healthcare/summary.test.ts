import { describe, expect, it } from 'vitest';
import type { News2Record, Patient } from './model.ts';
import type { TelemetryPayload } from './domain/vitals.ts';
import { ageOn, bucketSeries, byUrgency, lastVitals, patientSummary, seriesByParam, type PatientSummary } from './summary.ts';

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

describe('ward board shaping', () => {
  it.each([
    ['1950-06-15', '2025-06-14', 74],
    ['1950-06-15', '2025-06-15', 75],
    ['1950-06-15', '2025-12-31', 75],
    ['1952-02-29', '2025-02-28', 72],
    ['1952-02-29', '2025-03-01', 73],
  ])('born %s, on %s the patient is %i', (birth, on, age) => {
    expect(ageOn(birth, day(on))).toBe(age);
  });

  it('last vitals take the newest value of each parameter across devices', () => {
    const v = lastVitals([
      { ts: 100, data: { ts: 100, spo2: 95, heartRate: 80 } },
      { ts: 200, data: { ts: 200, systolic: 130, diastolic: 80, heartRate: 76 } },
      { ts: 150, data: { ts: 150, battery: 50, connectivity: 'wifi', consciousness: 'A' } },
    ] satisfies { ts: number; data: TelemetryPayload }[]);
    expect(v).toEqual({ at: 200, spo2: 95, heartRate: 76, systolic: 130, diastolic: 80 });
    expect(lastVitals([])).toEqual({ at: null });
  });

  it('chart series are split per parameter and sorted by time; a param filter keeps one', () => {
    const rows = [
      { ts: 300, data: { ts: 300, spo2: 94, heartRate: 90 } },
      { ts: 100, data: { ts: 100, spo2: 97, heartRate: 70 } },
      { ts: 200, data: { ts: 200, consciousness: 'A', battery: 80, connectivity: 'wifi' } },
    ] satisfies { ts: number; data: TelemetryPayload }[];
    expect(seriesByParam(rows)).toEqual({
      spo2: [
        [100, 97],
        [300, 94],
      ],
      heartRate: [
        [100, 70],
        [300, 90],
      ],
      consciousness: [[200, 'A']],
    });
    expect(Object.keys(seriesByParam(rows, 'spo2'))).toEqual(['spo2']);
  });

  it('bucketed series keep one point per bucket at its centre: the mean of numbers, the last category', () => {
    expect(
      bucketSeries(
        {
          heartRate: [
            [0, 70],
            [30_000, 80],
            [59_999, 91],
            [60_000, 60],
          ],
          consciousness: [
            [10_000, 'A'],
            [20_000, 'C'],
          ],
        },
        60_000,
      ),
    ).toEqual({
      heartRate: [
        [30_000, 80.33],
        [90_000, 60],
      ],
      consciousness: [[30_000, 'C']],
    });
  });

  it('a week of minute readings becomes 336 half-hour points', () => {
    const week: [number, number][] = Array.from({ length: 7 * 24 * 60 }, (_, i) => [i * 60_000, 70 + (i % 10)]);
    const out = bucketSeries({ heartRate: week }, 30 * 60_000).heartRate!;
    expect(out).toHaveLength(336);
    expect(out[0]).toEqual([15 * 60_000, 74.5]);
  });

  it('a summary shows the latest NEWS2 and consent, and nothing of the address or identifier', () => {
    const patient = {
      id: 'p-1',
      identifier: 'SYN-000001',
      givenName: 'Ada',
      familyName: 'Synthetic',
      birthDate: '1940-01-01',
      sex: 'female',
      address: { city: 'Nowhere' },
      conditions: ['copd'],
      careTeam: [],
      hubDeviceId: 'hc-1-hub',
      deviceIds: ['hc-1-hub'],
      settings: { scale: 2, monitoringMinutes: 60 },
      demo: false,
      createdAt: 0,
      createdBy: 'user:x',
    } satisfies Patient;
    const news2 = { total: 6, band: 'medium', partial: false, at: 42 } as News2Record;
    const s = patientSummary({
      patient,
      news2,
      latestReadings: [],
      consent: 'given',
      activeAlarms: 2,
      devices: [{ id: 'hc-1-hub', kind: 'home-hub', online: true, battery: 80 }],
      now: day('2025-01-02'),
    });
    expect(s).toMatchObject({ displayName: 'Ada Synthetic', age: 85, scale: 2, consent: 'given', activeAlarms: 2 });
    expect(s.latestNews2).toEqual({ total: 6, band: 'medium', partial: false, at: 42 });
    expect(JSON.stringify(s)).not.toMatch(/SYN-000001|Nowhere/);
    expect(patientSummary({ patient, news2: null, latestReadings: [], consent: null, activeAlarms: 0, devices: [], now: 0 }).consent).toBe('none');
  });

  it('the board lists the most urgent first: NEWS2, then alarms, then name', () => {
    const s = (displayName: string, total: number | null, activeAlarms = 0) =>
      ({ displayName, activeAlarms, latestNews2: total === null ? null : { total } }) as PatientSummary;
    const sorted = [s('C', 2), s('A', null), s('B', 7), s('D', 2, 1), s('E', 2)].sort(byUrgency);
    expect(sorted.map((x) => x.displayName)).toEqual(['B', 'D', 'C', 'E', 'A']);
  });
});
