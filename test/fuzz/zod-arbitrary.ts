// fast-check arbitraries derived from zod 4 schemas: `conforming` builds values the schema should
// accept (best effort: objects, strings with their length and format checks, numbers with their
// bounds, enums, literals, arrays, optionals, unions, records), `hostile` mutates them (wrong
// types, oversized strings and arrays, deep nesting, awkward unicode, prototype keys, odd numbers).
// A request built from a conforming value reaches the code behind validation; a hostile one tests
// that validation itself answers 400 and never throws something else.
import fc, { type Arbitrary } from 'fast-check';
import type { ZodType } from 'zod';

interface Def {
  type: string;
  [k: string]: unknown;
}
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;
const checksOf = (d: Def): Def[] => ((d.checks as { _zod: { def: Def } }[] | undefined) ?? []).map((c) => c._zod.def);

/**
 * Raw JSON text JSON.stringify cannot produce (1e309 parses to Infinity) or would recurse too
 * deeply for: carried as a marked base64 string and spliced in by toJsonText.
 */
export const RAW = '\u0000raw:';
const raw = (text: string) => `${RAW}${Buffer.from(text).toString('base64')}\u0000`;

/** Strings that have broken parsers, loggers and encoders before. */
export const awkwardStrings: string[] = [
  '',
  ' ',
  '\u0000',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'a\ud83dz',
  '\u202eevil\u202c', // bidi override
  '\u2066isolate\u2069',
  'e\u0301\u0301\u0301\u0301',
  '😀'.repeat(40),
  '\ufeffbom',
  '﷽',
  '../../etc/passwd',
  '%00%ff%',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'NaN',
  '-0',
  'Infinity',
  '1e309',
  '0x10',
  '9007199254740993',
  'null',
  'true',
  '[]',
  '{}',
];

export const awkwardNumbers: unknown[] = [
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  raw('1e309'),
  raw('-1e309'),
  raw('1e-400'),
  raw('123456789012345678901234567890'),
  'NaN',
  '-0',
  '1e309',
];

export const awkwardString: Arbitrary<string> = fc.oneof(
  fc.constantFrom(...awkwardStrings),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat({ max: 20_000 }).map((n) => 'A'.repeat(n)),
);

/** Nesting deeper than any sane input (arrays or objects). */
const deep: Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 12_000 }), fc.boolean())
  .map(([n, arrays]) => raw(arrays ? '['.repeat(n) + '1' + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));

/** An object carrying prototype keys as own properties (as JSON.parse would create them). */
const protoKeys: Arbitrary<unknown> = fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => {
  const o: Record<string, unknown> = {};
  Object.defineProperty(o, k, { value: k === '__proto__' ? { polluted: true, isAdmin: true } : v, enumerable: true, writable: true, configurable: true });
  return o;
});

/** Any hostile value, whatever the schema asked for. */
export const hostileValue: Arbitrary<unknown> = fc.oneof(
  awkwardString,
  fc.constantFrom(...awkwardNumbers),
  fc.constantFrom(null, true, false, [], {}),
  deep,
  protoKeys,
  fc.nat({ max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.jsonValue({ maxDepth: 4 }),
);

function stringArb(d: Def): Arbitrary<string> {
  let min = 0;
  let max = 40;
  let pattern: RegExp | undefined;
  let format = d.format as string | undefined;
  if (d.pattern instanceof RegExp) pattern = d.pattern;
  for (const c of checksOf(d)) {
    if (c.check === 'min_length') min = c.minimum as number;
    if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
    if (c.check === 'length_equals') min = max = c.length as number;
    if (c.check === 'string_format') {
      format = c.format as string;
      if (c.pattern instanceof RegExp) pattern = c.pattern;
    }
  }
  if (max < min) max = min;
  switch (format) {
    case 'uuid':
    case 'guid':
      return fc.uuid();
    case 'email':
      // fc.emailAddress covers RFC 5322 corners zod's stricter pattern refuses.
      return fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,10}[a-z0-9]$/), fc.stringMatching(/^[a-z]{1,12}$/)).map(([u, d]) => `${u.replace(/\.\.+/g, '.')}@${d}.example`);
    case 'datetime':
      return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((x) => x.toISOString());
    case 'date':
      return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((x) => x.toISOString().slice(0, 10));
    case 'url':
      return fc.webUrl();
  }
  if (pattern) return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= Math.max(max, min));
  // Free text, or the text forms of times and numbers that string schemas with a transform expect.
  const plain = fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(max, 1) }).filter((s) => s.trim().length >= min);
  const timeLike = fc.oneof(fc.date({ min: new Date(1e12), max: new Date(2e12), noInvalidDate: true }).map((x) => x.toISOString()), fc.integer({ min: 1e12, max: 2e12 }).map(String));
  if (max < 24 || min > 13) return plain;
  return fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: timeLike });
}

function numberArb(d: Def): Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let int = d.format === 'safeint' || d.format === 'int32';
  for (const c of checksOf(d)) {
    if (c.check === 'greater_than') min = (c.value as number) + (c.inclusive ? 0 : int ? 1 : 1e-6);
    if (c.check === 'less_than') max = (c.value as number) - (c.inclusive ? 0 : int ? 1 : 1e-6);
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) int = true;
  }
  if (max < min) max = min;
  if (!int) return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const lo = Math.ceil(Math.max(min, -(2 ** 31)));
  const hi = Math.floor(Math.min(max, 2 ** 31));
  // Mostly small counts: a conforming "provision 2000 lamps" is legal but slow, and tells little more.
  return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: lo, max: Math.min(hi, lo + 8) }) }, { weight: 1, arbitrary: fc.integer({ min: lo, max: hi }) });
}

/** Values the schema should accept (query strings: `asText` turns scalars into strings). */
const cache = new WeakMap<object, Arbitrary<unknown>>();
export function conforming(schema: ZodType, depth = 0): Arbitrary<unknown> {
  let arb = cache.get(schema);
  if (!arb) cache.set(schema, (arb = build(schema, depth)));
  return arb;
}

function build(schema: ZodType, depth: number): Arbitrary<unknown> {
  const d = defOf(schema);
  if (depth > 8) return fc.constant(undefined);
  const inner = (s: unknown) => conforming(s as ZodType, depth + 1);
  switch (d.type) {
    case 'string':
      return stringArb(d);
    case 'number':
    case 'int':
      return numberArb(d);
    case 'bigint':
      return fc.bigInt({ min: 0n, max: 1000n }).map(String);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'date':
      return fc.date({ noInvalidDate: true }).map((x) => x.toISOString());
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(d.values as unknown[]));
    case 'optional':
      return fc.option(inner(d.innerType), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(inner(d.innerType), { nil: null, freq: 4 });
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return fc.option(inner(d.innerType), { nil: undefined, freq: 3 });
    case 'pipe':
      return inner(d.in);
    case 'transform':
      return fc.anything({ maxDepth: 1 });
    case 'lazy':
      return inner((d.getter as () => unknown)());
    case 'array': {
      let min = 0;
      let max = 5;
      for (const c of checksOf(d)) {
        if (c.check === 'min_length') min = c.minimum as number;
        if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
      }
      // Arrays of enum values are often sets (each value once).
      const el = defOf(d.element).type;
      if (el === 'enum' || el === 'literal') return fc.uniqueArray(inner(d.element), { minLength: min, maxLength: Math.max(min, max) });
      return fc.array(inner(d.element), { minLength: min, maxLength: Math.max(min, max) });
    }
    case 'tuple':
      return fc.tuple(...(d.items as unknown[]).map(inner));
    case 'union':
      return fc.oneof(...(d.options as unknown[]).map(inner));
    case 'intersection':
      return fc.tuple(inner(d.left), inner(d.right)).map(([a, b]) => (isPlain(a) && isPlain(b) ? { ...a, ...b } : a));
    case 'record':
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), inner(d.valueType), { maxKeys: 4 });
    case 'object': {
      const shape = d.shape as Record<string, unknown>;
      const parts: Record<string, Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(shape)) parts[k] = inner(v);
      return fc.record(parts).map(dropUndefined);
    }
    default:
      // unknown, any, custom and the rest: anything JSON can say.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const dropUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A conforming value with one place made hostile: a field replaced, added or dropped, or the whole. */
export function hostile(schema: ZodType | undefined): Arbitrary<unknown> {
  if (!schema) return hostileValue;
  return fc.oneof(
    { weight: 1, arbitrary: hostileValue },
    {
      weight: 4,
      arbitrary: fc.tuple(conforming(schema), fc.nat(), hostileValue, fc.constantFrom('replace', 'add', 'drop', 'wrap', 'grow', 'grow')).map(([v, n, bad, how]) => mutateOne(v, n, bad, how)),
    },
  );
}

/** The same kind of value, oversized: long text, long arrays, extreme numbers. */
function grow(v: unknown, n: number): unknown {
  const size = [300, 5_000, 60_000][n % 3]!;
  if (typeof v === 'string') return (v || 'x').repeat(Math.ceil(size / Math.max(1, v.length))).slice(0, size);
  if (Array.isArray(v)) return Array.from({ length: Math.min(size, 10_000) }, (_, i) => v[i % Math.max(1, v.length)] ?? i);
  if (typeof v === 'number') return [1e308, -1e308, 2 ** 63, raw('1e309')][n % 4];
  return 'x'.repeat(size);
}

function mutateOne(v: unknown, n: number, bad: unknown, how: string): unknown {
  if (!isPlain(v)) return how === 'wrap' ? [v, bad] : how === 'grow' ? grow(v, n) : bad;
  const keys = Object.keys(v);
  const out: Record<string, unknown> = { ...v };
  if (how === 'add' || keys.length === 0) {
    const key = ['__proto__', 'constructor', 'prototype', 'extra', '\ud800', ''][n % 6]!;
    Object.defineProperty(out, key, { value: bad, enumerable: true, writable: true, configurable: true });
    return out;
  }
  const key = keys[n % keys.length]!;
  if (how === 'drop') delete out[key];
  else if (how === 'grow') out[key] = grow(out[key], n);
  else if (how === 'wrap' && isPlain(out[key])) out[key] = mutateOne(out[key], n >> 3, bad, 'replace');
  else out[key] = bad;
  return out;
}

/** JSON text for a generated value, with RAW markers turned into raw number text. */
export function toJsonText(v: unknown): string {
  const text = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null';
  return text.replace(/"\\u0000raw:([A-Za-z0-9+/=]*)\\u0000"/g, (_m, b64: string) => Buffer.from(b64, 'base64').toString());
}
