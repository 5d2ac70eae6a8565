// Canonical JSON after RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
// numbers and strings as ECMAScript's JSON.stringify writes them. Two parties who hold the same
// document produce the same bytes, so a signature or a hash over those bytes is one over the
// document, whatever order its fields were built in. The one encoder of the platform: signed
// agreements use it strictly, the audit chain (audit/hash.ts) as JSON.stringify would treat
// `undefined`.

export interface CanonicalJsonOptions {
  /** `refuse` (the default): an undefined member or item is an error, as a signed document must
   *  say exactly what it holds. `omit`: left out of objects and written as null in arrays, as
   *  JSON.stringify does (audit details built by code with optional fields). */
  undefinedValues?: 'refuse' | 'omit';
}

/** Throws TypeError on what JSON cannot carry exactly (NaN, Infinity, functions, bigint, symbols,
 *  cycles, and undefined unless told to omit it). `toJSON` is honoured (dates become ISO strings). */
export function canonicalJson(value: unknown, opts: CanonicalJsonOptions = {}): string {
  return encode(value, new Set<object>(), opts.undefinedValues === 'omit');
}

function encode(value: unknown, stack: Set<object>, omit: boolean): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
      // JSON.stringify writes -0 as 0 and uses the shortest round-trip form, as RFC 8785 asks.
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return encode((obj as { toJSON: () => unknown }).toJSON(), stack, omit);
  if (stack.has(obj)) throw new TypeError('canonical JSON has no form for a cyclic structure');
  stack.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((item) => (item === undefined && omit ? 'null' : encode(item, stack, omit))).join(',')}]`;
    const members: string[] = [];
    // The default sort compares UTF-16 code units, the order RFC 8785 prescribes.
    for (const key of Object.keys(obj).sort()) {
      const member = (obj as Record<string, unknown>)[key];
      if (member === undefined) {
        if (omit) continue;
        throw new TypeError(`canonical JSON has no form for undefined (key ${key})`);
      }
      members.push(`${JSON.stringify(key)}:${encode(member, stack, omit)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    stack.delete(obj);
  }
}
