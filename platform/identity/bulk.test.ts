import { describe, expect, it } from 'vitest';
import { attributesOf, parseBulk, parseCsv, secretsCsv } from './bulk.ts';

describe('bulk provisioning files', () => {
  it('reads RFC 4180 CSV: quotes, doubled quotes, CRLF, a BOM, blank lines', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['1', '2'] },
    ]);
    expect(parseCsv('a\n"open')).toEqual({ line: 2, message: 'a quoted field is not closed' });
  });

  it('accepts a valid CSV and maps group and location to attributes, patient to the subject', () => {
    const r = parseBulk({ csv: 'id,kind,label,group,patient,location\nlamp-001,lamp,Quay 1,g-quay,,"Quay Road, pole 1"\nhub-01,home-hub,,,b0e4b3a8-3c1e-4d5f,' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rows.map((x) => x.line)).toEqual([2, 3]);
    expect(r.rows[0]!.row).toEqual({ id: 'lamp-001', kind: 'lamp', label: 'Quay 1', group: 'g-quay', location: 'Quay Road, pole 1' });
    expect(attributesOf(r.rows[0]!.row)).toEqual({ groupId: 'g-quay', location: 'Quay Road, pole 1' });
    expect(r.rows[1]!.row).toEqual({ id: 'hub-01', kind: 'home-hub', patient: 'b0e4b3a8-3c1e-4d5f' });
  });

  it.each([
    ['an unknown column', 'id,kind,colour\nlamp-1x,lamp,red', [1]],
    ['no kind column', 'id,label\nlamp-001,x', [1]],
    ['a short row', 'id,kind,label\nlamp-001,lamp', [2]],
    ['bad ids, a repeated id and an unsafe label', 'id,kind,label\nLAMP 1,lamp,x\nlamp-002,lamp,ok\nlamp-002,lamp,again\nlamp-003,lamp,"bad\u202Elabel"', [2, 4, 5]],
  ])('reports %s by line and accepts nothing', (_what, csv, lines) => {
    const r = parseBulk({ csv });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual(lines);
  });

  it('numbers JSON rows from 1 and refuses unknown fields', () => {
    const r = parseBulk({ devices: [{ id: 'lamp-001', kind: 'lamp' }, { id: 'lamp-002', kind: 'lamp', secret: 'mine' }] });
    expect(r).toMatchObject({ ok: false, errors: [{ line: 2 }] });
  });

  it('writes the secrets file with a header and quoted fields', () => {
    expect(secretsCsv([{ id: 'lamp-001', username: 't/lamp-001', secret: 'abc' }])).toBe('id,username,client_id,secret\r\nlamp-001,t/lamp-001,t/lamp-001,abc\r\n');
  });
});
