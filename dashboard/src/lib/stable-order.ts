// A live list that must not move under the user's pointer: while held, items keep the order they
// had when the hold began (a card the user is about to click stays where it is); items new since
// then go after them. Released, the list takes its sorted order again.
export function heldOrder<T>(sorted: readonly T[], idOf: (t: T) => string, held: readonly string[] | null): T[] {
  if (!held) return [...sorted];
  const rank = new Map(held.map((id, i) => [id, i]));
  const known = sorted.filter((t) => rank.has(idOf(t))).sort((a, b) => rank.get(idOf(a))! - rank.get(idOf(b))!);
  const fresh = sorted.filter((t) => !rank.has(idOf(t)));
  return [...known, ...fresh];
}

/** Does a search text look like a patient identifier (e.g. SYN-383935) rather than a name? */
export const looksLikeIdentifier = (q: string): boolean => /^[A-Za-z]{2,10}-\d{3,}$/.test(q.trim());
