import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { datedReportPath, parseFlags } from './flags.ts';

const schema = z
  .object({
    lightRate: z.coerce.number().int().min(0).default(200),
    maxRate: z.boolean().default(true),
    help: z.boolean().default(false),
  })
  .strict();
const FLAGS = { 'light-rate': 'string', 'max-rate': 'boolean', 'no-max-rate': 'boolean' } as const;
const parse = (argv: string[]) => parseFlags(argv, FLAGS, schema);

describe('operator tool flags', () => {
  it('maps kebab-case flags to the schema keys, with the defaults for the rest', () => {
    expect(parse(['--light-rate', '50'])).toEqual({ ok: true, options: { lightRate: 50, maxRate: true, help: false } });
    expect(parse(['-h'])).toMatchObject({ ok: true, options: { help: true } });
  });
  it('reads --no-x as x = false and refuses --x with --no-x', () => {
    expect(parse(['--no-max-rate'])).toMatchObject({ ok: true, options: { maxRate: false } });
    expect(parse(['--max-rate'])).toMatchObject({ ok: true, options: { maxRate: true } });
    expect(parse(['--max-rate', '--no-max-rate'])).toEqual({ ok: false, error: '--max-rate and --no-max-rate contradict each other' });
  });
  const bad: [string[], RegExp][] = [
    [['--light-rate=-1'], /^--light-rate: /],
    [['--light-rate', 'fast'], /^--light-rate: /],
    [['--bogus'], /bogus/],
    [['extra'], /extra|positional/i],
    [['--light-rate'], /light-rate/],
  ];
  for (const [argv, error] of bad) {
    it(`refuses ${argv.join(' ')} in one line naming the flag`, () => {
      const r = parse(argv);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(error);
    });
  }
  it('names reports by the time of the run, sortably and without colons', () => {
    expect(datedReportPath('bench', new Date('2026-01-31T10:20:30.456Z'))).toBe('reports/bench-2026-01-31T10-20-30.json');
  });
});
