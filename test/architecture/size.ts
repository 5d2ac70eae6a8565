// The size limits of docs/architecture.md "Layout and boundaries": a product file over
// MAX_FILE_LINES lines, or a function over MAX_FUNCTION_LINES lines, needs a reason written at its
// top as a `// size: <reason>` comment (in the file's leading comments, or in the comment lines
// right above the function). Functions are found by a real parser (oxc, through rolldown's
// `parseAst`), so arrow functions, methods and nested functions all count, each on its own.
import { parseAst } from 'rolldown/parseAst';
import type { Source } from './depcruise.ts';

export const MAX_FILE_LINES = 500;
export const MAX_FUNCTION_LINES = 150;
/** The folders of product code the limits hold for (test files beside the code excepted). */
export const PRODUCT_ROOTS = ['platform', 'pilots', 'validation', 'simulators', 'dashboard/src', 'bench', 'scripts'];

/** `// size: <reason>`: the reason must say something (a few words at least). */
const MARKER = /^\s*(?:\/\/|\/?\*+)\s*size:\s*(\S.{8,})$/;
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*)/;

export interface SizeFinding {
  path: string;
  /** `file`, or the function's name (`<anonymous>` when it has none) and its first line. */
  what: string;
  lines: number;
  limit: number;
}

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line of a character offset. */
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Whether the comment lines right above `line` (1-based), or the line itself, carry the marker. */
function markedAbove(lines: string[], line: number): boolean {
  if (MARKER.test(lines[line - 1]?.replace(/^.*?(\/\/)/, '$1') ?? '')) return true;
  for (let i = line - 2; i >= 0 && COMMENT_LINE.test(lines[i]!); i--) if (MARKER.test(lines[i]!)) return true;
  return false;
}

/** Whether the file's leading comments carry the marker. */
function markedFile(lines: string[]): boolean {
  for (const l of lines) {
    if (l.trim() === '') continue;
    if (!COMMENT_LINE.test(l)) return false;
    if (MARKER.test(l)) return true;
  }
  return false;
}

function functionName(fn: Node, parent: Node | undefined): string {
  const id = fn.id as { name?: string } | null | undefined;
  if (id?.name) return id.name;
  const key = (parent?.key ?? (parent?.id as unknown)) as { name?: string; value?: unknown } | undefined;
  if (parent && (parent.type === 'VariableDeclarator' || parent.type === 'MethodDefinition' || parent.type === 'Property' || parent.type === 'PropertyDefinition')) {
    if (key?.name) return key.name;
    if (typeof key?.value === 'string') return key.value;
  }
  return '<anonymous>';
}

/** Every file and function of the sources over its limit without a written reason. */
export function sizeFindings(sources: Source[]): SizeFinding[] {
  const out: SizeFinding[] = [];
  for (const src of sources) {
    const lines = src.text.split('\n');
    const fileLines = src.text.endsWith('\n') ? lines.length - 1 : lines.length;
    if (fileLines > MAX_FILE_LINES && !markedFile(lines)) out.push({ path: src.path, what: 'file', lines: fileLines, limit: MAX_FILE_LINES });

    const program = parseAst(src.text, { lang: src.path.endsWith('.tsx') ? 'tsx' : 'ts' }, src.path) as unknown as Node;
    const starts = lineStarts(src.text);
    const visit = (node: Node, parent: Node | undefined) => {
      if (FUNCTION_TYPES.has(node.type)) {
        const first = lineOf(starts, node.start);
        const n = lineOf(starts, node.end) - first + 1;
        if (n > MAX_FUNCTION_LINES && !markedAbove(lines, first)) {
          out.push({ path: src.path, what: `${functionName(node, parent)} (line ${first})`, lines: n, limit: MAX_FUNCTION_LINES });
        }
      }
      for (const value of Object.values(node)) {
        if (Array.isArray(value)) {
          for (const child of value) if (child && typeof child === 'object' && typeof (child as Node).type === 'string') visit(child as Node, node);
        } else if (value && typeof value === 'object' && typeof (value as Node).type === 'string') {
          visit(value as Node, node);
        }
      }
    };
    visit(program, undefined);
  }
  return out;
}

export const findingLine = (f: SizeFinding) => `${f.path}: ${f.what} has ${f.lines} lines (limit ${f.limit})`;
