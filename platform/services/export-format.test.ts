import { describe, expect, it } from 'vitest';
import { CSV_HEADER, readingCsv, readingJson } from './export-format.ts';

const r = (data: Record<string, unknown>) => ({ series: 'lamp-001', id: 'x', ts: 1_768_500_000_000, subject: null, data });

describe('readings export format', () => {
  it('writes one CSV line per field, the time as ms and ISO, the payload ts left out', () => {
    expect(CSV_HEADER).toBe('device,kind,ts,time,field,value\r\n');
    expect(readingCsv('lamp-001', 'lamp', r({ ts: 1, dimLevel: 80, powerState: 'on' }))).toBe(
      'lamp-001,lamp,1768500000000,2026-01-15T18:00:00.000Z,dimLevel,80\r\n' + 'lamp-001,lamp,1768500000000,2026-01-15T18:00:00.000Z,powerState,on\r\n',
    );
  });

  it.each([
    ['a comma', 'a,b', '"a,b"'],
    ['a quote', 'say "x"', '"say ""x"""'],
    ['a formula', '=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['a minus sign text', '-1+2', "'-1+2"],
    ['an object', { a: 1 }, '"{""a"":1}"'],
    ['a boolean', true, 'true'],
  ])('quotes %s', (_what, value, expected) => {
    expect(readingCsv('d-1', 'k', r({ v: value })).trimEnd().split(',').slice(5).join(',')).toBe(expected);
  });

  it('writes a JSON item per reading', () => {
    expect(JSON.parse(readingJson('lamp-001', 'lamp', r({ ts: 1, dimLevel: 80 })))).toEqual({
      device: 'lamp-001',
      kind: 'lamp',
      ts: 1_768_500_000_000,
      time: '2026-01-15T18:00:00.000Z',
      data: { dimLevel: 80 },
    });
  });
});
