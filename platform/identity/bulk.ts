// Bulk provisioning files (docs/integration.md "Bulk provisioning"): a CSV with a header line or a
// JSON array, one device per row with id, kind, label, group, patient and location. Every row is
// checked before anything is created, and every error is reported with its line (CSV: the file's
// line, header = 1; JSON: the array index + 1), so a file is either created whole or not at all.
// Pure: the route adds what needs the store (ids already taken, the quota, known kinds).
import { z } from 'zod';
import { labelSchema } from '../safe-text.ts';
import { deviceIdSchema, deviceKindSchema } from './schemas.ts';

export const BULK_MAX_ROWS = 1000;
export const BULK_COLUMNS = ['id', 'kind', 'label', 'group', 'patient', 'location'] as const;

const optional = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === '' ? undefined : v), s.optional());

export const bulkRowSchema = z.strictObject({
  id: deviceIdSchema,
  kind: deviceKindSchema,
  label: optional(labelSchema(1, 80)),
  group: optional(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)')),
  /** The data subject (e.g. a patient's pseudonymous id) the device's readings are sealed under. */
  patient: optional(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'a subject id: letters, digits and dashes')),
  location: optional(labelSchema(1, 120)),
});
export type BulkRow = z.infer<typeof bulkRowSchema>;

/** The upload: CSV text or a JSON array of rows (inside the API's JSON body). */
export const bulkUploadSchema = z.union([
  z.strictObject({ csv: z.string().min(1).max(60_000) }),
  z.strictObject({ devices: z.array(z.unknown()).min(1).max(BULK_MAX_ROWS) }),
]);

export interface LineError {
  line: number;
  message: string;
}

export type BulkParse = { ok: true; rows: { line: number; row: BulkRow }[] } | { ok: false; errors: LineError[] };

/** RFC 4180 fields: commas, double quotes doubled inside quoted fields, CRLF or LF line ends. */
export function parseCsv(text: string): { line: number; fields: string[] }[] | LineError {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) out.push({ line: startLine, fields });
    fields = [];
    field = '';
  };
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else field += c;
    i++;
  }
  if (quoted) return { line: startLine, message: 'a quoted field is not closed' };
  if (field !== '' || fields.length) endRecord();
  return out;
}

function csvObjects(text: string): { line: number; value: Record<string, string> }[] | LineError[] {
  const parsed = parseCsv(text);
  if (!Array.isArray(parsed)) return [parsed];
  const [header, ...records] = parsed;
  if (!header) return [{ line: 1, message: 'the file is empty' }];
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => !(BULK_COLUMNS as readonly string[]).includes(n));
  if (unknown.length) return [{ line: header.line, message: `unknown column(s) ${unknown.join(', ')}; expected ${BULK_COLUMNS.join(', ')}` }];
  if (!names.includes('id') || !names.includes('kind')) return [{ line: header.line, message: 'the header must name at least id and kind' }];
  if (new Set(names).size !== names.length) return [{ line: header.line, message: 'a column is named twice' }];
  const errors: LineError[] = [];
  const out: { line: number; value: Record<string, string> }[] = [];
  for (const r of records) {
    if (r.fields.length !== names.length) {
      errors.push({ line: r.line, message: `${r.fields.length} fields, the header has ${names.length}` });
      continue;
    }
    out.push({ line: r.line, value: Object.fromEntries(names.map((n, i) => [n, r.fields[i]!.trim()])) });
  }
  return errors.length ? errors : out;
}

/** Parses and validates a whole upload; duplicates inside the file are errors too. */
export function parseBulk(upload: z.infer<typeof bulkUploadSchema>): BulkParse {
  let items: { line: number; value: unknown }[];
  if ('csv' in upload) {
    const objs = csvObjects(upload.csv);
    if (objs.length && 'message' in objs[0]!) return { ok: false, errors: objs as LineError[] };
    items = objs as { line: number; value: unknown }[];
  } else {
    items = upload.devices.map((value, i) => ({ line: i + 1, value }));
  }
  if (!items.length) return { ok: false, errors: [{ line: 1, message: 'no devices in the file' }] };
  if (items.length > BULK_MAX_ROWS) return { ok: false, errors: [{ line: items[BULK_MAX_ROWS]!.line, message: `at most ${BULK_MAX_ROWS} devices per file` }] };
  const errors: LineError[] = [];
  const rows: { line: number; row: BulkRow }[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of items) {
    const r = bulkRowSchema.safeParse(value);
    if (!r.success) {
      errors.push({ line, message: r.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ') });
      continue;
    }
    const first = seen.get(r.data.id);
    if (first !== undefined) {
      errors.push({ line, message: `id ${r.data.id} repeats line ${first}` });
      continue;
    }
    seen.set(r.data.id, line);
    rows.push({ line, row: r.data });
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

/** The attributes a row gives its device (the lighting pilot reads `groupId`). */
export function attributesOf(row: BulkRow): Record<string, string> {
  return { ...(row.group ? { groupId: row.group } : {}), ...(row.location ? { location: row.location } : {}) };
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The one-time secrets file: one line per device with what it needs to connect. */
export function secretsCsv(rows: { id: string; username: string; secret: string }[]): string {
  return ['id,username,client_id,secret', ...rows.map((r) => [r.id, r.username, r.username, r.secret].map(csvField).join(','))].join('\r\n') + '\r\n';
}
