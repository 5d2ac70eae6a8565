import { describe, expect, it } from 'vitest';
import { defaultReadReportPath, parseReadOptions } from './read-options.ts';

describe('bench:read flags', () => {
  it('defaults to 10 million readings on sqlite for 100 patients and 500 lamps', () => {
    const r = parseReadOptions([]);
    expect(r.ok && r.options).toMatchObject({ readings: 10_000_000, store: 'sqlite', patients: 100, lamps: 500, keep: false });
  });
  it('reads --readings and --store', () => {
    const r = parseReadOptions(['--readings', '1000000', '--store', 'postgres']);
    expect(r.ok && r.options).toMatchObject({ readings: 1_000_000, store: 'postgres' });
  });
  const bad: [string[], RegExp][] = [
    [['--readings', 'ten'], /^--readings: /],
    [['--readings', '10'], /^--readings: /],
    [['--readings', '1500.5'], /^--readings: /],
    [['--store', 'mongo'], /^--store: /],
    [['--patients', '201'], /^--patients: /],
    [['--samples', '0'], /^--samples: /],
    [['--bogus'], /bogus/],
  ];
  for (const [argv, error] of bad) {
    it(`refuses ${argv.join(' ')} naming the flag`, () => {
      const r = parseReadOptions(argv);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(error);
    });
  }
  it('writes its report beside the ingest bench reports', () => {
    expect(defaultReadReportPath(new Date('2026-01-31T10:20:30.456Z'))).toBe('reports/bench-read-2026-01-31T10-20-30.json');
  });
});
