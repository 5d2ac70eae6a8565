// Canonical JSON after RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
// numbers and strings as ECMAScript's JSON.stringify writes them. Two parties who hold the same
// document produce the same bytes, so a signature over those bytes is a signature over the
// document, whatever order its fields were built in.

/** Throws TypeError on what JSON cannot carry exactly (undefined, NaN, Infinity, functions, bigint). */
export function canonicalJson(value: unknown): string {
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
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>);
      for (const [k, v] of entries) if (v === undefined) throw new TypeError(`canonical JSON has no form for undefined (key ${k})`);
      // Default sort compares UTF-16 code units, the order RFC 8785 prescribes.
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  }
}
