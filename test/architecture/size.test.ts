// docs/architecture.md "Layout and boundaries": no product file over 500 lines and no function
// over 150 without a `// size: <reason>` comment at its top; and the rule shown to bite.
import { describe, expect, it } from 'vitest';
import { readSources, REPO_ROOT, type Source } from './depcruise.ts';
import { findingLine, PRODUCT_ROOTS, sizeFindings } from './size.ts';

describe('size limits of product code', () => {
  it('no file over 500 lines and no function over 150 without a written reason', () => {
    const product = readSources(REPO_ROOT, PRODUCT_ROOTS).filter((s) => !/\.test\.tsx?$/.test(s.path));
    expect(product.length).toBeGreaterThan(300); // an empty walk would pass
    const found = sizeFindings(product)
      .map(findingLine);
    if (found.length) console.error(`over the size limits:\n  ${found.join('\n  ')}`);
    expect(found).toEqual([]);
  });
});

describe('the size rule bites', () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
  const src = (path: string, text: string): Source => ({ path, text });
  // A function of `n` lines in all: the header, n - 2 body lines and the closing brace.
  const fn = (header: string, n: number, close = '}') => `${header}\n${body(n - 2)}\n${close}`;

  const found = sizeFindings([
    src('platform/long-decl.ts', fn('export function long() {', 151)),
    src('platform/just-fits.ts', fn('export function fits() {', 150)),
    src('platform/arrow.ts', fn('export const arrow = async (x: number): Promise<void> => {', 160, '};')),
    src('platform/method.ts', `export class C {\n${fn('  method(): void {', 155, '  }')}\n}\n`),
    src('platform/nested.ts', `export function outer() {\n${fn('  const inner = () => {', 152, '  };')}\n}\n`),
    src('dashboard/src/View.tsx', fn('export function View() {\n  const el = <div>{1}</div>;', 152, '  return el;\n}')),
    src('platform/reasoned.ts', `// One table, read top to bottom.\n// size: the whole state machine in one table is easier to check\n${fn('export function table() {', 200)}`),
    src('platform/empty-reason.ts', `// size:\n${fn('export function noReason() {', 200)}`),
    src('platform/long-file.ts', `// A long file.\n${Array.from({ length: 501 }, (_, i) => `export const c${i} = ${i};`).join('\n')}\n`),
    src('platform/long-file-ok.ts', `// A long file.\n// size: generated table of constants, one per line\n${Array.from({ length: 600 }, (_, i) => `export const c${i} = ${i};`).join('\n')}\n`),
  ]).map(findingLine);

  it('reports a function over 150 lines, in every form, and not one of exactly 150', () => {
    expect(found).toContain('platform/long-decl.ts: long (line 1) has 151 lines (limit 150)');
    expect(found).toContain('platform/arrow.ts: arrow (line 1) has 160 lines (limit 150)');
    expect(found).toContain('platform/method.ts: method (line 2) has 155 lines (limit 150)');
    expect(found).toContain('dashboard/src/View.tsx: View (line 1) has 154 lines (limit 150)');
    expect(found.filter((f) => f.startsWith('platform/just-fits.ts'))).toEqual([]);
  });

  it('judges a nested function on its own', () => {
    expect(found).toContain('platform/nested.ts: inner (line 2) has 152 lines (limit 150)');
    expect(found).toContain('platform/nested.ts: outer (line 1) has 154 lines (limit 150)');
  });

  it('a reason at the top lets a function or a file through; an empty one does not', () => {
    expect(found.filter((f) => f.startsWith('platform/reasoned.ts') || f.startsWith('platform/long-file-ok.ts'))).toEqual([]);
    expect(found).toContain('platform/empty-reason.ts: noReason (line 2) has 200 lines (limit 150)');
  });

  it('reports a file over 500 lines', () => {
    expect(found).toContain('platform/long-file.ts: file has 502 lines (limit 500)');
  });

  it('reports nothing else', () => {
    expect(found).toHaveLength(8);
  });
});
