// The shapes of a readings export (docs/integration.md "Data out"), pure so they are table-tested.
// CSV is long format, one line per reading and field (device, kind, time, field, value), so one
// header serves any mix of device kinds and the file can be written as it is read. JSON is one
// object whose `items` are the readings as stored, with `truncated` and `next` at the end.
import { csvCell } from './csv-cell.ts';
import type { Reading } from './series.ts';

export const CSV_HEADER = 'device,kind,ts,time,field,value\r\n';

/** The CSV lines of one reading: one per field of its payload (its own `ts` is the row's time). */
export function readingCsv(device: string, kind: string, r: Reading<Record<string, unknown>>): string {
  const time = new Date(r.ts).toISOString();
  let out = '';
  for (const [field, value] of Object.entries(r.data ?? {})) {
    if (field === 'ts') continue;
    const v = typeof value === 'number' ? String(value) : typeof value === 'string' ? csvCell(value) : csvCell(JSON.stringify(value));
    out += `${device},${kind},${r.ts},${time},${csvCell(field)},${v}\r\n`;
  }
  return out;
}

export function readingJson(device: string, kind: string, r: Reading<Record<string, unknown>>): string {
  const { ts: _ts, ...data } = r.data ?? {};
  return JSON.stringify({ device, kind, ts: r.ts, time: new Date(r.ts).toISOString(), data });
}
