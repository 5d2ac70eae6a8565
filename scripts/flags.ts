// The command-line flags of the operator tools (`npm run bench`, `bench:read`, `cluster`): parsed
// with node:util parseArgs (strict, no positionals, -h for --help) and validated by the tool's
// zod schema at the boundary. Pure: an argv array in, the options or a one-line error naming the
// flag out. Flags are kebab-case (`--light-rate`), schema keys camelCase (`lightRate`); a boolean
// flag `--no-x` sets `x` to false, and naming both `--x` and `--no-x` is refused.
import { parseArgs } from 'node:util';
import type { z } from 'zod';

export type FlagType = 'string' | 'boolean';
export type ParsedFlags<T> = { ok: true; options: T } | { ok: false; error: string };

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `--help`/`-h` is always accepted and arrives as `help`; the schema decides its default. */
export function parseFlags<S extends z.ZodType>(argv: string[], flags: Record<string, FlagType>, schema: S): ParsedFlags<z.output<S>> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { ...Object.fromEntries(Object.entries(flags).map(([name, type]) => [name, { type }])), help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const input: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (flag.startsWith('no-') && flags[flag] === 'boolean') {
      const positive = flag.slice(3);
      if (values[positive] !== undefined) return { ok: false, error: `--${positive} and --${flag} contradict each other` };
      input[camel(positive)] = false;
    } else {
      input[camel(flag)] = value;
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `--${kebab(String(issue.path[0] ?? 'flags'))}: ${issue.message}` };
  }
  return { ok: true, options: parsed.data };
}

/** `reports/<name>-2025-01-31T10-20-30.json`: sortable, and valid on every file system. */
export function datedReportPath(name: string, at: Date): string {
  return `reports/${name}-${at.toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
}
