// The simulators' command line: flags parsed with node:util parseArgs and validated with zod
// (every flag, one clear line and exit code 2 when wrong), a help text listing every flag, the
// fleet source (a fleet file, or provisioning through the platform's API), a status line every
// 10 s, scenario commands read from stdin, `--duration`, and a clean stop on SIGINT/SIGTERM.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z, type ZodType } from 'zod';
import { createLogger, type Logger } from '../../platform/logger.ts';
import { CREDENTIALS_FILE, DEMO_TENANTS } from '../../platform/demo.ts';
import { describeIssue, FleetError, loadFleet, parseFleet, provisionFleet, writeFleet } from './fleet.ts';
import { attestSettings, checkPlatform, type AttestSettings } from './attest.ts';

/** Exit code of a simulator that refused an unattested or altered platform (docs/attestation.md). */
export const EXIT_REFUSED = 3;

export interface FlagDef {
  type: 'string' | 'boolean';
  description: string;
  /** Shown after the flag in --help, e.g. FILE, N, URL. */
  placeholder?: string;
  multiple?: boolean;
}
export type FlagDefs = Record<string, FlagDef>;

export class UsageError extends Error {
  override name = 'UsageError';
}

// ---- value schemas for flags (parseArgs hands over strings) --------------------------------

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number flag within [min, max]. */
export function numberFlag(opts: { min?: number; max?: number; int?: boolean; positive?: boolean } = {}) {
  let n = z.number();
  if (opts.int) n = n.int('must be a whole number');
  if (opts.positive) n = n.positive('must be greater than 0');
  if (opts.min !== undefined) n = n.min(opts.min, `must be at least ${opts.min}`);
  if (opts.max !== undefined) n = n.max(opts.max, `must be at most ${opts.max}`);
  return z
    .string()
    .trim()
    .regex(NUMBER, 'must be a number')
    .transform(Number)
    .pipe(n);
}

export const urlFlag = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** `name:target` pairs, e.g. `deterioration:3`. */
export const scenarioFlag = z
  .array(z.string().regex(/^[a-z][a-z-]*(:[A-Za-z0-9._:-]+)?$/, 'must look like NAME or NAME:TARGET, e.g. deterioration:0'))
  .default([]);

// ---- flags every simulator shares ----------------------------------------------------------

export const COMMON_FLAGS: FlagDefs = {
  fleet: { type: 'string', placeholder: 'FILE', description: 'fleet file written by the platform (JSON with device secrets, mode 0600)' },
  api: { type: 'string', placeholder: 'URL', description: 'instead of --fleet: provision a new fleet through this platform (e.g. http://127.0.0.1:8080)' },
  user: { type: 'string', placeholder: 'NAME', description: 'with --api: a tenant-admin user name' },
  password: {
    type: 'string',
    placeholder: 'SECRET',
    description: 'with --api: that user\'s password (or set CUSTODIA_PASSWORD, which stays out of the process list)',
  },
  out: { type: 'string', placeholder: 'FILE', description: 'with --api: where to write the new fleet file (default ./data/fleets/sim-<pilot>-<seed>.json)' },
  seed: { type: 'string', placeholder: 'N', description: 'seed of the synthetic fleet and its data (default 42)' },
  mqtt: { type: 'string', placeholder: 'URL', description: 'broker URL (default mqtt://127.0.0.1:1883)' },
  speed: { type: 'string', placeholder: 'N', description: 'demo speed factor: reporting intervals are divided by it (default 1 = real time)' },
  rate: { type: 'string', placeholder: 'N', description: 'cap on the fleet\'s periodic messages per second (token bucket; default no cap)' },
  duration: { type: 'string', placeholder: 'SECONDS', description: 'stop this many seconds after the fleet has connected (default 0 = run until stopped)' },
  scenario: {
    type: 'string',
    placeholder: 'NAME:TARGET',
    multiple: true,
    description: 'scenario to start with (e.g. deterioration:0); TARGET is an id or a 0-based index',
  },
  'connect-batch': { type: 'string', placeholder: 'N', description: 'devices connected at a time at start (default 50)' },
  quiet: { type: 'boolean', description: 'no status line and warnings only' },
  'attest-url': { type: 'string', placeholder: 'URL', description: 'check the platform\'s signed attestation at this HTTP origin before sending anything (or CUSTODIA_ATTEST_URL)' },
  'attest-key': { type: 'string', placeholder: 'FILE', description: 'the platform\'s Ed25519 public key, PEM (audit-signing.pub.pem; or CUSTODIA_ATTEST_KEY)' },
  'attest-allow': { type: 'string', placeholder: 'HEX', multiple: true, description: 'an accepted measurement (or CUSTODIA_ATTEST_ALLOW, comma separated)' },
};

export const commonFlagShape = {
  fleet: z.string().min(1).optional(),
  api: urlFlag(['http:', 'https:']).optional(),
  user: z.string().min(1).max(64).optional(),
  password: z.string().min(1).max(128).optional(),
  out: z.string().min(1).optional(),
  seed: numberFlag({ int: true, min: 0, max: 2 ** 31 - 1 }).default(42),
  mqtt: urlFlag(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']).default('mqtt://127.0.0.1:1883'),
  speed: numberFlag({ positive: true, max: 100_000 }).default(1),
  rate: numberFlag({ positive: true, max: 1_000_000 }).optional(),
  duration: numberFlag({ min: 0, max: 365 * 24 * 3600 }).default(0),
  scenario: scenarioFlag,
  'connect-batch': numberFlag({ int: true, min: 1, max: 10_000 }).default(50),
  quiet: z.boolean().default(false),
  'attest-url': urlFlag(['http:', 'https:']).optional(),
  'attest-key': z.string().min(1).optional(),
  'attest-allow': z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters (a measurement)')).optional(),
};

/** Cross-flag rules of the fleet source: at most one of --fleet or --api (neither: the local demo
 *  of `npm start`), and --api's companions.
 *  Provision-only flags have no default in the schema, so "given" means "not undefined". */
export function checkFleetSource(f: Record<string, unknown>, ctx: z.RefinementCtx, provisionOnly: string[] = []): void {
  if (f['fleet'] && f['api']) ctx.addIssue({ code: 'custom', path: ['api'], message: 'use either --fleet or --api, not both' });
  if (f['api'] && !f['user']) ctx.addIssue({ code: 'custom', path: ['user'], message: 'required with --api' });
  if (f['fleet']) {
    for (const name of ['user', 'password', 'out', ...provisionOnly]) {
      if (f[name] !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'only applies with --api (the fleet file already fixes the fleet)' });
    }
  }
}

// ---- parsing -------------------------------------------------------------------------------

export type Parsed<T> = { help: true } | { help: false; flags: T };

/** Parses argv against the flag table and the zod schema; throws UsageError (one line). */
export function parseFlags<S extends ZodType>(defs: FlagDefs, schema: S, argv: readonly string[]): Parsed<z.infer<S>> {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
      help: { type: 'boolean', short: 'h' },
    };
    for (const [name, def] of Object.entries(defs)) options[name] = { type: def.type, ...(def.multiple ? { multiple: true } : {}) };
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(parseArgsMessage(err as Error & { code?: string }));
  }
  if (values['help'] === true) return { help: true };
  delete values['help'];
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path[0];
    throw new UsageError(typeof flag === 'string' ? `--${flag}: ${issue.message}` : describeIssue(parsed.error));
  }
  return { help: false, flags: parsed.data };
}

function parseArgsMessage(err: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (flag && /argument missing/.test(err.message)) return `${flag} needs a value`;
      if (flag && /ambiguous/.test(err.message)) return `${flag}: a value starting with - must be written ${flag}=VALUE`;
      return `${flag ?? 'a flag'}: ${err.message.split('.')[0]}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''} (every option is a --flag)`.trim();
    default:
      return err.message.split('\n')[0]!;
  }
}

export function helpText(opts: { usage: string; summary: string; defs: FlagDefs; commands?: string[] }): string {
  const rows: [string, string][] = Object.entries(opts.defs).map(([name, d]) => [
    `--${name}${d.placeholder ? ` ${d.placeholder}` : ''}`,
    d.description + (d.multiple ? ' (repeatable)' : ''),
  ]);
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = [`Usage: ${opts.usage}`, '', opts.summary, '', 'Flags:', ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`)];
  if (opts.commands?.length) lines.push('', 'Commands on stdin (one per line) and in `simulate` commands:', ...opts.commands.map((c) => `  ${c}`));
  lines.push('', 'Exit codes: 0 stopped cleanly, 1 could not start, 2 bad flags, 3 refused an unattested or altered platform.');
  return lines.join('\n') + '\n';
}

// ---- the runner ----------------------------------------------------------------------------

export interface SimulatorHandle {
  /** Counters for the status line: numbers only, never personal data. */
  status(): Record<string, number>;
  /** Applies one command line (split in words), from stdin or --scenario; returns a one-line reply. */
  command(words: string[]): string | Promise<string>;
  stop(): Promise<void>;
}

export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Commands, one per line; null: none (stdin ignored). */
  stdin: Readable | null;
  env: NodeJS.ProcessEnv;
  /** Where SIGINT and SIGTERM arrive (the process, or a test's emitter). */
  signals: Pick<NodeJS.EventEmitter, 'once' | 'off'>;
  /** Status line period (default 10 s). */
  statusEveryMs?: number;
  /** HTTP client of the attestation check (default the global fetch). */
  fetch?: typeof fetch;
}

export const processIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signals: process });

export interface CliDefinition<S extends ZodType> {
  name: string;
  usage: string;
  summary: string;
  defs: FlagDefs;
  schema: S;
  commands?: string[];
  start(flags: z.infer<S>, ctx: { logger: Logger; io: CliIO }): Promise<SimulatorHandle>;
}

/** Runs a simulator to completion; resolves with the process exit code. */
export async function runCli<S extends ZodType>(def: CliDefinition<S>, argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let parsed: Parsed<z.infer<S>>;
  try {
    parsed = parseFlags(def.defs, def.schema, argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${def.name}: ${err.message} (see --help)\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(helpText({ usage: def.usage, summary: def.summary, defs: def.defs, ...(def.commands ? { commands: def.commands } : {}) }));
    return 0;
  }
  const flags = parsed.flags as z.infer<S> & { quiet?: boolean; duration?: number; scenario?: string[]; 'attest-url'?: string; 'attest-key'?: string; 'attest-allow'?: string[] };
  const logger = createLogger(flags.quiet ? 'warn' : 'info', { write: (line: string) => void io.stdout.write(line) }).child({ sim: def.name });

  let attest: AttestSettings | null;
  try {
    attest = attestSettings(flags, io.env);
  } catch (err) {
    io.stderr.write(`${def.name}: ${(err as Error).message} (see --help)\n`);
    return 2;
  }
  if (attest) {
    // Before the fleet is loaded or any device connects: nothing reaches a platform that fails.
    const verdict = await checkPlatform(attest, io.fetch ?? fetch);
    if (!verdict.ok) {
      logger.error({ reason: verdict.reason, platform: attest.url }, 'refusing to send to this platform: attestation failed');
      io.stderr.write(`${def.name}: refused: platform attestation failed (${verdict.reason}): ${verdict.detail}\n`);
      return EXIT_REFUSED;
    }
    logger.info({ measurement: verdict.statement.measurement, nodeId: verdict.statement.nodeId, issuedAt: verdict.statement.issuedAt }, 'platform attestation accepted');
  }

  let handle: SimulatorHandle;
  try {
    handle = await def.start(flags, { logger, io });
  } catch (err) {
    const message = err instanceof FleetError || err instanceof UsageError ? err.message : `could not start: ${(err as Error).message}`;
    io.stderr.write(`${def.name}: ${message}\n`);
    return 1;
  }

  const say = (line: string) => io.stdout.write(`[${def.name}] ${line}\n`);
  for (const s of flags.scenario ?? []) say(await handle.command(s.split(':').length > 1 ? [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)] : [s]));

  return new Promise<number>((resolve) => {
    let finished = false;
    const timers: NodeJS.Timeout[] = [];
    const rl = io.stdin ? createInterface({ input: io.stdin, terminal: false }) : null;
    const finish = async (why: string) => {
      if (finished) return;
      finished = true;
      for (const t of timers) clearInterval(t);
      io.signals.off('SIGINT', onSignal);
      io.signals.off('SIGTERM', onSignal);
      rl?.close();
      if (!flags.quiet) say(`stopping (${why})`);
      await handle.stop();
      if (!flags.quiet) say(`stopped: ${statusLine(handle.status())}`);
      resolve(0);
    };
    const onSignal = (signal: string) => void finish(String(signal || 'signal'));
    io.signals.once('SIGINT', onSignal);
    io.signals.once('SIGTERM', onSignal);
    if (!flags.quiet) timers.push(setInterval(() => say(statusLine(handle.status())), io.statusEveryMs ?? 10_000));
    if (flags.duration && flags.duration > 0) timers.push(setTimeout(() => void finish('duration reached'), flags.duration * 1000));
    rl?.on('line', (line) => {
      const words = line.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0 || finished) return;
      if (words[0] === 'quit' || words[0] === 'exit') return void finish('asked on stdin');
      if (words[0] === 'status') return void say(statusLine(handle.status()));
      Promise.resolve(handle.command(words)).then(say, (err: unknown) => say(`error: ${(err as Error).message}`));
    });
  });
}

export function statusLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`)
    .join(' · ');
}

/** Password for provisioning: the flag, else CUSTODIA_PASSWORD. */
export function provisioningPassword(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const p = flag ?? env['CUSTODIA_PASSWORD'];
  if (!p) throw new UsageError('--password (or CUSTODIA_PASSWORD) is required with --api');
  return p;
}

/** Where the local demo of `npm start` is: its API and the pilot's demo tenant-admin. */
export function localDemoSource(pilot: string, env: NodeJS.ProcessEnv): { api: string; user: string; password: string } {
  const tenant = DEMO_TENANTS.find((t) => t.pilots.includes(pilot));
  if (!tenant) throw new UsageError(`no demo tenant runs ${pilot}; give --fleet or --api`);
  const user = `${tenant.prefix}-tenant-admin`;
  const file = join(env['CUSTODIA_DATA_DIR'] ?? './data', CREDENTIALS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`give --fleet FILE or --api URL --user NAME (no local demo found: ${file} is missing; start it with npm start)`);
  }
  const line = text.split('\n').find((l) => l.trim().startsWith(`${user} `));
  const password = env['CUSTODIA_PASSWORD'] ?? line?.trim().split(/\s+/)[1];
  if (!password) throw new UsageError(`${user} is not in ${file}; give --api, --user and CUSTODIA_PASSWORD`);
  return { api: `http://127.0.0.1:${env['HTTP_PORT'] ?? 8080}`, user, password };
}

/** The fleet named by --fleet, or a new one provisioned through --api and written 0600 to --out. */
export async function obtainFleet<S extends ZodType>(opts: {
  pilot: string;
  schema: S;
  flags: { fleet?: string | undefined; api?: string | undefined; user?: string | undefined; password?: string | undefined; out?: string | undefined; seed: number };
  provisionBody: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  fetch?: typeof fetch;
}): Promise<{ fleet: z.infer<S>; file: string }> {
  const { logger } = opts;
  // Neither --fleet nor --api: provision against the local demo started by `npm start`, as its
  // tenant-admin, with the password from the demo credentials file (never a default password).
  const flags = !opts.flags.fleet && !opts.flags.api ? { ...opts.flags, ...localDemoSource(opts.pilot, opts.env) } : opts.flags;
  if (flags.fleet) {
    const { fleet, warning } = await loadFleet(flags.fleet, opts.schema);
    if (warning) logger.warn(warning);
    return { fleet, file: flags.fleet };
  }
  const raw = await provisionFleet({
    api: flags.api!,
    username: flags.user!,
    password: provisioningPassword(flags.password, opts.env),
    pilot: opts.pilot,
    body: opts.provisionBody,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const fleet = parseFleet(opts.schema, raw, 'the provisioned fleet');
  const file = flags.out ?? `./data/fleets/sim-${opts.pilot}-${flags.seed}.json`;
  await writeFleet(file, fleet);
  logger.info({ file, devices: raw.devices.length }, 'provisioned a new fleet; secrets written to the fleet file (0600)');
  return { fleet, file };
}

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(fileURLToPath(metaUrl)) === realpathSync(script);
  } catch {
    return false;
  }
}
