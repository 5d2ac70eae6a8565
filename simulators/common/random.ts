// Deterministic seeds for the parts of a fleet: one fleet seed, one independent stream per
// device or patient, so a seed reproduces a fleet whatever order its devices run in.

/** FNV-1a (32 bit) over `seed:key`. Not for secrets; only to spread simulation seeds. */
export function deriveSeed(seed: number | string, key: string | number): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${key}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
