// npm run validate [-- flags]: runs the validation scenarios against fresh platforms, prints the
// result table and writes the JSON and HTML reports (default: reports/validation-<time>.json and
// .html). Exit code 0 when no scenario failed, 1 when one did, 2 for bad flags. See --help and
// docs/validation.md.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CATALOGUE, describeCatalogue } from './catalogue.ts';
import { formatTable, measuredText, summaryLine, toHtml, toJson, wrap, writeFile } from './report.ts';
import { runValidation, UnknownScenarioError } from './runner.ts';
import type { Scenario, ValidationReport } from './types.ts';

const HELP = `Usage: npm run validate -- [flags]

Runs Custodia's validation scenarios, each against a fresh platform on free ports with a temporary
data directory (device fleets and, where the scenario kills it, the platform itself run as separate
processes), prints a table of indicators, criteria, measured values and verdicts, and writes a JSON
and a self-contained HTML report.

Flags:
  --profile fast|full   fast: the scenarios that also run inside npm test, at small sizes;
                        full (default): every scenario at full size (about 3 minutes on 2 cores)
  --scenario ID         run only this scenario (repeatable, or comma-separated); see --list
  --list                list the scenario catalogue and exit
  --json FILE           write the JSON report here (default reports/<run id>.json)
  --html FILE           write the HTML report here (default reports/<run id>.html)
  --reports DIR         directory of the default report files (default ./reports)
  --keep                keep every data directory for inspection (paths are in the report)
  --timeout-scale N     multiply every scenario's time limit by N (slow machines)
  --verbose             print each scenario's progress notes
  -h, --help            print this help and exit

Exit codes: 0 no scenario failed, 1 at least one failed, 2 bad flags.
`;

const flagsSchema = z
  .object({
    profile: z.enum(['fast', 'full']).default('full'),
    scenario: z
      .array(z.string())
      .default([])
      .transform((v) => v.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)),
    list: z.boolean().default(false),
    json: z.string().min(1).optional(),
    html: z.string().min(1).optional(),
    reports: z.string().min(1).default('reports'),
    keep: z.boolean().default(false),
    'timeout-scale': z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
      .transform(Number)
      .pipe(z.number().positive().max(20))
      .optional(),
    verbose: z.boolean().default(false),
  })
  .strict();
export type ValidateFlags = z.infer<typeof flagsSchema>;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses the command line; `null` means --help. Throws UsageError with one line. */
export function parseValidateFlags(argv: readonly string[]): ValidateFlags | null {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: 'string' },
        scenario: { type: 'string', multiple: true },
        list: { type: 'boolean' },
        json: { type: 'string' },
        html: { type: 'string' },
        reports: { type: 'string' },
        keep: { type: 'boolean' },
        'timeout-scale': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, ''));
  }
  if (values['help']) return null;
  delete values['help'];
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0] ?? '')}: ${issue.message}`);
  }
  return parsed.data;
}

export function catalogueText(list: readonly Scenario[] = CATALOGUE): string {
  const lines: string[] = [];
  for (const s of describeCatalogue(list)) {
    lines.push(`${s.id}  [${s.profile}${s.needs?.length ? `, needs ${s.needs.join(', ')}` : ''}]`);
    for (const [label, text] of [
      ['title', s.title],
      ['requirement', s.requirement],
      ['indicator', s.indicator],
      ['criterion', s.criterion],
    ] as const) {
      wrap(text, 96).forEach((l, i) => lines.push(`  ${(i ? '' : label).padEnd(12)} ${l}`));
    }
    lines.push('');
  }
  return lines.join('\n');
}

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

const processIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<{ code: number; report?: ValidationReport; files?: string[] }> {
  let flags: ValidateFlags | null;
  try {
    flags = parseValidateFlags(argv);
  } catch (err) {
    io.err(`validate: ${(err as Error).message} (see --help)\n`);
    return { code: 2 };
  }
  if (!flags) {
    io.out(HELP);
    return { code: 0 };
  }
  if (flags.list) {
    io.out(catalogueText());
    return { code: 0 };
  }
  let report: ValidationReport;
  try {
    report = await runValidation({
      profile: flags.profile,
      ids: flags.scenario,
      keep: flags.keep,
      ...(flags['timeout-scale'] ? { timeoutScale: flags['timeout-scale'] } : {}),
      onStart: (s) => io.out(`▶ ${s.id} — ${s.title}\n`),
      onResult: (r) => io.out(`  ${r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'NOT RUN'}  ${measuredText(r)}${r.reason ? ` (${r.reason})` : ''}  [${(r.durationMs / 1000).toFixed(1)} s]\n`),
      onLog: (id, line) => {
        if (flags.verbose) io.out(`    ${id}: ${line}\n`);
      },
    });
  } catch (err) {
    if (err instanceof UnknownScenarioError) {
      io.err(`validate: ${err.message}\n`);
      return { code: 2 };
    }
    throw err;
  }
  const jsonFile = resolve(flags.json ?? `${flags.reports}/${report.id}.json`);
  const htmlFile = resolve(flags.html ?? `${flags.reports}/${report.id}.html`);
  writeFile(jsonFile, toJson(report));
  writeFile(htmlFile, toHtml(report));
  io.out(`\n${formatTable(report.results, Math.max(100, Math.min(process.stdout.columns ?? 160, 200)))}\n\n${summaryLine(report)}\n`);
  io.out(`reports: ${jsonFile}\n         ${htmlFile}\n`);
  return { code: report.summary.fail > 0 ? 1 : 0, report, files: [jsonFile, htmlFile] };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { code } = await main(process.argv.slice(2));
  process.exit(code);
}
