// The migration between adapters, on the in-memory and sqlite stores (no server needed): a full
// copy that verifies and still opens, the refusal of a destination that holds data, a tampered
// destination row named by the verification, and the command line's flags.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvMasterKeyProvider } from '../../crypto/master-key.ts';
import { createMemoryStorage, type MemoryStorage } from '../memory/index.ts';
import { PLATFORM_SCOPE } from '../port.ts';
import { createSqliteStorage, type SqliteStorage } from '../sqlite/index.ts';
import { Reservoir, keysDigest } from './compare.ts';
import { DestinationNotEmptyError, auditPublicKeyOf, copyStores, migrateStores, verifyStores } from './migrate.ts';
import { parseMigrateArgs } from './cli.ts';
import { formatReport } from './report.ts';
import { TENANTS, openEverything, seedStores, verifyChains } from './seed.fixture.ts';

describe('migration between stores', () => {
  let root: string;
  let master: EnvMasterKeyProvider;
  let source: MemoryStorage;
  let dest: SqliteStorage;
  let publicKey: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'custodia-migrate-'));
    master = new EnvMasterKeyProvider(randomBytes(32).toString('hex'));
    source = createMemoryStorage();
    publicKey = await seedStores(source, master);
    dest = await createSqliteStorage({ dataDir: join(root, 'dest') });
  });

  afterEach(async () => {
    await source.close();
    await dest.close();
    await rm(root, { recursive: true, force: true });
  });

  it('copies every store as stored bytes; every check matches, every value opens and every chain verifies', async () => {
    const report = await migrateStores({ from: source, to: dest, which: { all: true }, master, sample: 5 });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.scopes).toEqual([PLATFORM_SCOPE, ...TENANTS]);
    expect(report.copied).toMatchObject({ records: 2 + 2 * 8, points: 2 * 12 });
    const checks = report.checks.map((c) => `${c.scope} ${c.check}`);
    for (const scope of [PLATFORM_SCOPE, ...TENANTS]) {
      expect(checks).toContain(`${scope} audit chain verifies`);
      expect(checks).toContain(`${scope} every record identical`);
      expect(checks).toContain(`${scope} sampled records open, equal`);
    }
    expect(report.checks.find((c) => c.scope === 'tenant-a' && c.check === 'audit chain verifies')?.target).toMatch(/^6 entries, \d+ checkpoints$/);

    const opened = await openEverything(dest, master);
    expect(opened).toEqual({ values: 2 + 2 * (7 + 12), erased: 2, failures: [] });
    expect(Object.values(await verifyChains(dest, publicKey)).every((v) => v.startsWith('ok'))).toBe(true);
    expect(formatReport(report, 'memory', 'sqlite')).not.toContain('MISMATCH');
  });

  it('refuses a destination that already holds data, naming it, and writes nothing anywhere', async () => {
    const occupied = await dest.tenant('tenant-b');
    await occupied.putKey({ scope: 'tenant', version: 1, wrapped: randomBytes(40), wrappedBy: 'other', createdAt: 1 });

    const run = copyStores({ from: source, to: dest, which: { all: true } });
    await expect(run).rejects.toBeInstanceOf(DestinationNotEmptyError);
    await expect(run).rejects.toThrow(/already holds data for tenant tenant-b; nothing was copied/);
    // Neither the platform store nor tenant-a received a row, and tenant-b kept only its own key.
    expect(await dest.snapshotTenants()).toEqual(['tenant-b']);
    expect(await (await dest.platform()).lastAudit()).toBeNull();
    expect(await (await dest.platform()).listKeyScopes('')).toEqual([]);
    expect(await occupied.listKeyScopes('')).toEqual(['tenant']);
    expect(await occupied.lastAudit()).toBeNull();

    // --replace drops a tenant's store first, but never the platform's.
    await expect(copyStores({ from: source, to: dest, which: { tenant: 'tenant-b' }, replace: true })).resolves.toHaveLength(1);
    await (await dest.platform()).putKey({ scope: 'x', version: 1, wrapped: randomBytes(8), wrappedBy: 'w', createdAt: 1 });
    await expect(copyStores({ from: source, to: dest, which: { platform: true }, replace: true })).rejects.toThrow(/the platform store/);
  });

  it('a corrupted row in the destination fails verification, which names it', async () => {
    const copied = await copyStores({ from: source, to: dest, which: { all: true }, sample: 3 });
    const file = dest.tenantFile('tenant-a');
    const raw = new Database(file);
    try {
      const body = raw.prepare<[], { body: Buffer }>("SELECT body FROM records WHERE kind = 'patient' AND id = 'r3'").get()!.body;
      body[body.length - 1]! ^= 0x01; // one bit of the sealed bytes
      raw.prepare("UPDATE records SET body = ? WHERE kind = 'patient' AND id = 'r3'").run(body);
      raw.prepare("DELETE FROM points WHERE id = 'pt-7'").run();
    } finally {
      raw.close();
    }

    const report = await verifyStores(copied, dest, { master, auditPublicKey: await auditPublicKeyOf(source, master) });
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.scope} · ${c.check}: ${c.target}`);
    expect(failed).toContain('tenant-a · every record identical: record patient/r3 differs');
    expect(failed).toContain('tenant-a · every point identical: point pt-7 missing');
    expect(failed.every((f) => f.startsWith('tenant-a'))).toBe(true);
    expect(formatReport(report, 'memory', 'sqlite')).toMatch(/MISMATCH\s+tenant-a\s+every record identical .* record patient\/r3 differs/);
  });
});

describe('migration helpers', () => {
  it('the key digest ignores order and sees every byte', () => {
    const k = (scope: string, version: number, bytes: string) => ({ scope, version, wrapped: Buffer.from(bytes), wrappedBy: 'm', createdAt: 1 });
    expect(keysDigest([k('a', 1, 'x'), k('b', 1, 'y')])).toBe(keysDigest([k('b', 1, 'y'), k('a', 1, 'x')]));
    expect(keysDigest([k('a', 1, 'x')])).not.toBe(keysDigest([k('a', 1, 'z')]));
  });

  it('the reservoir keeps everything up to its size, then replaces by the random draw', () => {
    const draws = [1, 7, 0];
    const r = new Reservoir<number>(2, () => draws.shift()!);
    for (const n of [10, 20, 30, 40, 50]) r.offer(n);
    // 30: draw 1 → slot 1; 40: draw 7 → kept out; 50: draw 0 → slot 0.
    expect(r.items).toEqual([50, 30]);
    expect(r.seen).toBe(5);
    expect(new Reservoir<number>(0).items).toEqual([]);
  });
});

describe('migrate command line', () => {
  it.each<[string[], Record<string, unknown>]>([
    [['--tenant', 'tenant-a', '--to', 'mongodb://db1/'], { tenant: 'tenant-a', all: false, platform: false, to: 'mongodb://db1/', from: './data', sample: 20, batchSize: 500, replace: false }],
    [
      ['--platform', '--to=mongodb+srv://c.example.net/', '--from-data-dir', '/srv/custodia', '--sample', '0', '--replace'],
      { platform: true, to: 'mongodb+srv://c.example.net/', from: '/srv/custodia', sample: 0, replace: true },
    ],
    [['--all', '--from', 'postgres://app@db/custodia', '--to', '/srv/new-data'], { all: true, from: 'postgres://app@db/custodia', to: '/srv/new-data' }],
    [['--all', '--from', 'mongodb://x/', '--to', 'postgresql://app@db/c', '--batch-size', '50'], { all: true, batchSize: 50 }],
  ])('%j parses', (argv, expected) => {
    expect(parseMigrateArgs(argv)).toMatchObject(expected);
  });

  it.each<[string[], string]>([
    [['--to', 'mongodb://x/'], 'give exactly one of --all, --platform or --tenant <id>'],
    [['--tenant', 'a-b', '--platform', '--to', 'mongodb://x/'], 'give exactly one of --all, --platform or --tenant <id>'],
    [['--tenant', 'Tenant_A', '--to', 'mongodb://x/'], '--tenant must be 2-40 of a-z, 0-9 and "-", starting with a letter'],
    [['--all'], '--to is required'],
    [['--all', '--to', 'mysql://x/'], '--to must be a directory, postgres:// or postgresql://, mongodb:// or mongodb+srv://'],
    [['--all', '--from', 'data', '--to', './data'], '--from and --to name the same location'],
    [['--all', '--to', 'mongodb://x/', '--sample', '-1'], '--sample'],
    [['--all', '--to', 'mongodb://x/', '--batch-size', 'many'], '--batch-size'],
    [['--tenant', '--to', 'mongodb://x/'], '--tenant needs a value'],
    [['--all', '--to', 'mongodb://x/', '--force'], 'unknown argument "--force"'],
    [['--replace=yes'], '--replace takes no value'],
  ])('%j is refused: %s', (argv, message) => {
    const parsed = parseMigrateArgs(argv);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toContain(message);
  });

  it('--help wins over everything else', () => {
    expect(parseMigrateArgs(['--tenant', 'x', '--help'])).toBe('help');
    expect(parseMigrateArgs(['-h'])).toBe('help');
  });
});
