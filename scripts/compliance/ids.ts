// Requirement ids cited in text: test titles, scenario requirements (docs/compliance.md). Pure.
// A citation names its framework once and may list several ids after it:
//   "(ASVS 3.3.1, 3.3.3; ETSI 5.1-1)", "ETSI EN 303 645 5.13-1", "ASVS 14.4.3–14.4.7",
//   "EUCS OPS-13, IAM-02", "C5 COS-06".
// Ids are normalised to "<framework> <id>": "ASVS 3.3.1", "ETSI 5.1-1", "EUCS OPS-13", "C5 COS-06".

export type Framework = 'ASVS' | 'ETSI' | 'EUCS' | 'C5';

const ID: Record<Framework, RegExp> = {
  // ASVS 4.0.3 items: chapter.section.item, optionally a range within one section.
  ASVS: /^(\d{1,2})\.(\d{1,2})\.(\d{1,2})(?:[–-](\d{1,2})\.(\d{1,2})\.(\d{1,2}))?/,
  // EN 303 645 provisions: 5.1-5, 6-2 (data protection provisions have no sub-clause).
  ETSI: /^(\d{1,2}(?:\.\d{1,2})?-\d{1,2})/,
  // EUCS: a category (OPS), a control of it (OPS-13) or a named topic of it (OPS-logging).
  EUCS: /^([A-Z]{2,4}(?:-\d{1,2}|-[a-z]+)?)(?![A-Za-z0-9])/,
  // C5 criteria: a category code and a number, e.g. COS-06.
  C5: /^([A-Z]{2,4}-\d{1,2})/,
};

const FRAMEWORK = /\b(ASVS|ETSI(?: EN 303 645)?|EUCS|C5)(?: 4\.0\.3)?\s+/g;

/** Every requirement id cited in `text`, normalised, in order of appearance, without repeats. */
export function citedIds(text: string): string[] {
  const out: string[] = [];
  const add = (id: string) => {
    if (!out.includes(id)) out.push(id);
  };
  for (const m of text.matchAll(FRAMEWORK)) {
    const fw = (m[1]!.startsWith('ETSI') ? 'ETSI' : m[1]) as Framework;
    let rest = text.slice(m.index! + m[0].length);
    for (;;) {
      const id = ID[fw].exec(rest);
      if (!id) break;
      for (const one of expand(fw, id)) add(`${fw} ${one}`);
      rest = rest.slice(id[0].length);
      // Another id of the same framework follows a comma or "and"; anything else ends the list.
      const sep = /^(?:,\s*|\s+and\s+)/.exec(rest);
      if (!sep) break;
      rest = rest.slice(sep[0].length);
    }
  }
  return out;
}

/** "14.4.3–14.4.7" → 14.4.3 … 14.4.7; a range across sections is kept as its two ends. */
function expand(fw: Framework, m: RegExpExecArray): string[] {
  if (fw !== 'ASVS' || m[4] === undefined) return [fw === 'ASVS' ? `${m[1]}.${m[2]}.${m[3]}` : m[1]!];
  const [a, b, c, d, e, f] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (a !== d || b !== e || f < c || f - c > 20) return [`${a}.${b}.${c}`, `${d}.${e}.${f}`];
  return Array.from({ length: f - c + 1 }, (_, i) => `${a}.${b}.${c + i}`);
}

export const frameworkOf = (id: string): Framework => id.split(' ')[0] as Framework;

/** Test titles in a test file's source: the first string argument of it/test/describe (and their
 *  .each/.skip/.only/.skipIf/.runIf forms, whose title follows the table: `])('title'`). */
export function testTitles(source: string): string[] {
  const out: string[] = [];
  const str = String.raw`(['"\x60])((?:\\.|(?!\1)[^\\])*?)\1`;
  const direct = new RegExp(String.raw`\b(?:it|test|describe)(?:\.(?:skip|only|concurrent|sequential|todo|fails))*(?:\.(?:skipIf|runIf)\([^)]*\))?\s*\(\s*${str}`, 'g');
  const each = new RegExp(String.raw`\]\s*\)\s*\(\s*${str}`, 'g');
  for (const re of [direct, each]) for (const m of source.matchAll(re)) out.push(m[2]!);
  return out;
}
