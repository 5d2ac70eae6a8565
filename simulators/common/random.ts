// Deterministic seeds for the parts of a fleet: one fleet seed, one independent stream per
// device or patient, so a seed reproduces a fleet whatever order its devices run in.

export type Rng = () => number;

/** mulberry32: a small, fast 32-bit generator with good statistical quality for simulation
 *  (never for secrets). Same seed, same sequence. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a (32 bit) over a seed's text, so string and number seeds both map to 32 bits. */
export function hashSeed(seed: string | number): number {
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** One independent stream per part of a fleet: FNV-1a over `seed:key`. */
export function deriveSeed(seed: number | string, key: string | number): number {
  return hashSeed(`${seed}:${key}`);
}
