import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkFleetSource, COMMON_FLAGS, commonFlagShape, helpText, numberFlag, parseFlags, runCli, UsageError, type CliDefinition } from './cli.ts';

const defs = { ...COMMON_FLAGS, patients: { type: 'string' as const, placeholder: 'N', description: 'how many' } };
const schema = z
  .object({ ...commonFlagShape, patients: numberFlag({ int: true, min: 1, max: 200 }).optional() })
  .superRefine((f, ctx) => checkFleetSource(f, ctx, ['patients']));

const usage = (argv: string[]) => {
  try {
    parseFlags(defs, schema, argv);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
};

describe('simulator flags', () => {
  it.each([
    { argv: ['--bogus'], message: 'unknown flag --bogus' },
    { argv: ['--fleet'], message: '--fleet needs a value' },
    { argv: ['stray'], message: "unexpected argument stray (every option is a --flag)" },
    { argv: ['--fleet', 'f', '--speed', 'fast'], message: '--speed: must be a number' },
    { argv: ['--fleet', 'f', '--speed', '0'], message: '--speed: must be greater than 0' },
    { argv: ['--fleet', 'f', '--speed', ''], message: '--speed: must be a number' },
    { argv: ['--fleet', 'f', '--seed', '1.5'], message: '--seed: must be a whole number' },
    { argv: ['--fleet', 'f', '--duration=-1'], message: '--duration: must be at least 0' },
    { argv: ['--fleet', 'f', '--duration', '-1'], message: '--duration: a value starting with - must be written --duration=VALUE' },
    { argv: ['--fleet', 'f', '--mqtt', 'http://x'], message: '--mqtt: must be a URL starting with mqtt:// or mqtts:// or tcp:// or ssl:// or ws:// or wss://' },
    { argv: ['--fleet', 'f', '--scenario', 'Bad Name'], message: '--scenario: must look like NAME or NAME:TARGET, e.g. deterioration:0' },
    { argv: [], message: 'accepted' }, // neither: provision against the local demo
    { argv: ['--patients', '5'], message: 'accepted' },
    { argv: ['--fleet', 'f', '--api', 'http://h'], message: '--api: use either --fleet or --api, not both' },
    { argv: ['--api', 'http://h'], message: '--user: required with --api' },
    { argv: ['--api', 'ftp://h', '--user', 'u'], message: '--api: must be a URL starting with http:// or https://' },
    { argv: ['--fleet', 'f', '--patients', '3'], message: '--patients: only applies with --api (the fleet file already fixes the fleet)' },
    { argv: ['--api', 'http://h', '--user', 'u', '--patients', '500'], message: '--patients: must be at most 200' },
    { argv: ['--fleet', 'f', '--quiet', '--speed', '60', '--scenario', 'fall:0', '--scenario', 'offline:1'], message: 'accepted' },
    { argv: ['--api', 'http://h', '--user', 'u', '--patients', '5'], message: 'accepted' },
  ])('$argv → $message', ({ argv, message }) => {
    expect(usage(argv)).toBe(message);
  });

  it('fills defaults and converts values', () => {
    const parsed = parseFlags(defs, schema, ['--fleet', 'f.json', '--speed', '60', '--scenario', 'fall:0', '--scenario', 'offline:2']);
    expect(parsed).toMatchObject({
      help: false,
      flags: { fleet: 'f.json', speed: 60, seed: 42, mqtt: 'mqtt://127.0.0.1:1883', duration: 0, quiet: false, scenario: ['fall:0', 'offline:2'], 'connect-batch': 50 },
    });
  });

  it('--help wins over everything else and the help text describes every flag', () => {
    expect(parseFlags(defs, schema, ['--speed', 'nonsense', '--help'])).toEqual({ help: true });
    const text = helpText({ usage: 'sim', summary: 'A simulator.', defs, commands: ['fall <patient>'] });
    for (const [name, def] of Object.entries(defs)) {
      expect(text).toContain(`--${name}`);
      expect(text).toContain(def.description);
    }
    expect(text).toContain('-h, --help');
    expect(text).toContain('fall <patient>');
  });
});

describe('simulator runner', () => {
  const def = (started: string[]): CliDefinition<typeof schema> => ({
    name: 'sim:test',
    usage: 'sim',
    summary: 'test',
    defs,
    schema,
    async start(flags) {
      started.push(flags.fleet ?? '');
      return { status: () => ({ devices: 3, sent: 7 }), command: (w) => `did ${w.join(' ')}`, stop: async () => void started.push('stopped') };
    },
  });
  const io = () => {
    const out: string[] = [];
    const signals = new EventEmitter();
    return { out, signals, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(`ERR ${s}`) }, stdin: null, env: {}, signals } };
  };

  it('bad flags: one line on stderr, exit code 2, nothing started', async () => {
    const started: string[] = [];
    const t = io();
    expect(await runCli(def(started), ['--speed=-3'], t.io)).toBe(2);
    expect(t.out).toEqual(['ERR sim:test: --speed: must be greater than 0 (see --help)\n']);
    expect(started).toEqual([]);
  });

  it('runs start-up scenarios, stops on SIGTERM and reports counts', async () => {
    const started: string[] = [];
    const t = io();
    const done = runCli(def(started), ['--fleet', 'f.json', '--scenario', 'fall:2'], t.io);
    await new Promise((r) => setTimeout(r, 20));
    t.signals.emit('SIGTERM', 'SIGTERM');
    expect(await done).toBe(0);
    expect(started).toEqual(['f.json', 'stopped']);
    const text = t.out.join('');
    expect(text).toContain('[sim:test] did fall 2');
    expect(text).toContain('stopped: devices 3 · sent 7');
  });

  it('--duration stops by itself', async () => {
    const started: string[] = [];
    const t = io();
    expect(await runCli(def(started), ['--fleet', 'f.json', '--duration', '0.05', '--quiet'], t.io)).toBe(0);
    expect(started).toEqual(['f.json', 'stopped']);
  });

  it('the real entry points exit 2 on a bad flag and 0 on --help', () => {
    const cli = join(import.meta.dirname, '..', 'lighting', 'cli.ts');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, '--lamps', 'many'], { encoding: 'utf8', timeout: 20_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('sim:lighting: --lamps: must be a number (see --help)');
    const help = spawnSync(process.execPath, ['--import', 'tsx', cli, '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--interval SECONDS');
  });
});

describe('local demo source (neither --fleet nor --api)', () => {
  it('uses the demo tenant-admin and its password from the demo credentials file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { localDemoSource } = await import('./cli.ts');
    const dir = mkdtempSync(join(tmpdir(), 'sim-demo-'));
    writeFileSync(join(dir, 'demo-credentials.txt'), '# header\ncare-tenant-admin      Pw1234567890abcdefgh  tenant-admin @ care-demo\n', { mode: 0o600 });
    expect(localDemoSource('healthcare', { CUSTODIA_DATA_DIR: dir, HTTP_PORT: '9090' })).toEqual({
      api: 'http://127.0.0.1:9090',
      user: 'care-tenant-admin',
      password: 'Pw1234567890abcdefgh',
    });
    expect(() => localDemoSource('lighting', { CUSTODIA_DATA_DIR: dir })).toThrow(/city-tenant-admin is not in/);
    expect(() => localDemoSource('healthcare', { CUSTODIA_DATA_DIR: join(dir, 'none') })).toThrow(/npm start/);
  });
});
