// Restoring a rebuilt backup (./rebuild.ts) into empty stores through the Store port, so any
// adapter can receive it: the whole platform, or one tenant without touching the others. After
// writing, the stores are read back and checked against the signed manifest (counts, wrapped
// keys, audit heads, every chain) and a sample of sealed values is opened with the master key.
// The report says what passed.
// Rows are written as stored, so a chain tampered with before the backup is restored as it is
// (evidence) and fails the report.
import { verifyChain } from '../audit/verify.ts';
import { createKeyring } from '../crypto/keyring.ts';
import type { MasterKeyProvider } from '../crypto/types.ts';
import { ErasedError } from '../errors.ts';
import { SERIES_COLLECTION } from '../crypto/collections.ts';
import { Reservoir, keysDigest, readOnlyKeyStore, targetHoldsData } from '../storage/migration/compare.ts';
import { PLATFORM_SCOPE, type StorageProvider, type Store, type StoredAuditEntry } from '../storage/port.ts';
import type { StoreSection, StoreSummary } from './format.ts';
import type { RebuiltBackup, TargetVerdict } from './rebuild.ts';

export interface RestoreCheck {
  scope: string;
  check: string;
  expected: string;
  found: string;
  ok: boolean;
}

export interface RestoreReport {
  backupId: string;
  targets: TargetVerdict[];
  checks: RestoreCheck[];
  ok: boolean;
}

export interface RestoreOptions {
  backup: RebuiltBackup;
  storage: StorageProvider;
  master: MasterKeyProvider;
  /** Restore only this tenant (from a platform or a tenant backup). */
  tenant?: string;
  /** Sealed values opened per store to prove they still open (default 20). */
  sample?: number;
  batchSize?: number;
  onProgress?: (line: string) => void;
}

const storeOf = (storage: StorageProvider, scope: string) => (scope === PLATFORM_SCOPE ? storage.platform() : storage.tenant(scope));

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreReport> {
  const { backup } = opts;
  const progress = opts.onProgress ?? (() => undefined);
  const batchSize = opts.batchSize ?? 500;
  const sections = opts.tenant === undefined ? backup.sections : backup.sections.filter((s) => s.scope === opts.tenant);
  if (sections.length === 0) throw new Error(`backup ${backup.manifest.id} holds no store for tenant ${opts.tenant}`);
  const summaries = new Map(backup.manifest.stores.map((s) => [s.scope, s]));

  // Before writing: the destination is empty for every store restored. (A chain that was already
  // broken when backed up is still restored, as evidence, and fails the report's checks.)
  for (const section of sections) {
    const store = await storeOf(opts.storage, section.scope);
    if (await targetHoldsData(store, Object.keys(summaries.get(section.scope)!.records))) {
      throw new Error(`the destination already holds data for ${section.scope}; restore needs an empty data directory or database for it`);
    }
  }

  const checks: RestoreCheck[] = [];
  for (const section of sections) {
    const store = await storeOf(opts.storage, section.scope);
    await writeSection(store, section, batchSize);
    progress(`  restored ${section.scope}`);
    checks.push(...(await verifyStore(store, section, summaries.get(section.scope)!, backup.signer.publicKeyPem)));
    checks.push(...(await verifySample(opts.storage, opts.master, section, opts.sample ?? 20)));
  }
  return { backupId: backup.manifest.id, targets: backup.targets, checks, ok: checks.every((c) => c.ok) };
}

/** Keys first, audit last: a half-finished restore never holds data it could not open. */
async function writeSection(store: Store, section: StoreSection, batchSize: number): Promise<void> {
  for (const key of section.keys) await store.putKey(key);
  for (let i = 0; i < section.records.length; i += batchSize) await store.commit({ put: section.records.slice(i, i + batchSize) });
  for (let i = 0; i < section.points.length; i += batchSize) await store.commit({ points: section.points.slice(i, i + batchSize) });
  for (let i = 0; i < section.audit.length; i += batchSize) await store.appendAudit(section.audit.slice(i, i + batchSize));
  for (const cp of section.checkpoints) await store.putCheckpoint(cp);
}

async function readAllAudit(store: Store): Promise<StoredAuditEntry[]> {
  const out: StoredAuditEntry[] = [];
  for (let from = 1; ; ) {
    const page = await store.readAudit(from, 5000);
    out.push(...page);
    if (page.length < 5000) return out;
    from = page.at(-1)!.seq + 1;
  }
}

async function verifyStore(store: Store, section: StoreSection, summary: StoreSummary, publicKeyPem: string): Promise<RestoreCheck[]> {
  const scope = section.scope;
  const rows: RestoreCheck[] = [];
  const row = (check: string, expected: unknown, found: unknown, ok = String(expected) === String(found)) =>
    rows.push({ scope, check, expected: String(expected), found: String(found), ok });

  for (const [kind, n] of Object.entries(summary.records)) row(`records of kind ${kind}`, n, await store.count(kind));
  const series = await store.listSeries();
  const expectedSeries = Object.keys(summary.points).sort();
  row('series', expectedSeries.length, series.length, [...series].sort().join('\n') === expectedSeries.join('\n'));
  let pointsOk = 0;
  for (const [name, n] of Object.entries(summary.points)) if ((await store.countPoints(name)) === n) pointsOk++;
  row('series with every point', expectedSeries.length, pointsOk);
  row('points in total', Object.values(summary.points).reduce((a, b) => a + b, 0), await store.countPoints());

  const scopes = await store.listKeyScopes('');
  const keys = (await Promise.all(scopes.map((s) => store.getKeys(s)))).flat();
  row('wrapped keys (digest)', summary.keysDigest, keysDigest(keys));

  const head = await store.lastAudit();
  const text = (h: { seq: number; hash: string } | null) => (h ? `#${h.seq} ${h.hash.slice(0, 12)}` : 'empty');
  row('audit head', text(summary.auditHead), text(head ? { seq: head.seq, hash: head.hash } : null));
  const checkpoints = await store.listCheckpoints();
  row('signed checkpoints', summary.checkpoints, checkpoints.length);
  const verdict = verifyChain({ scope, entries: await readAllAudit(store), checkpoints, publicKey: publicKeyPem });
  row(
    'audit chain verifies',
    `${summary.audit} entries`,
    verdict.ok ? `${verdict.entries} entries, ${verdict.checkpoints} checkpoints` : `broken at #${verdict.firstBrokenSeq}: ${verdict.reason}`,
    verdict.ok && verdict.entries === summary.audit,
  );
  return rows;
}

/** Opens a random sample of restored records and points with the master key (through the
 *  restored wrapped keys), and compares their bytes with the backup's. */
async function verifySample(storage: StorageProvider, master: MasterKeyProvider, section: StoreSection, size: number): Promise<RestoreCheck[]> {
  if (size === 0) return [];
  const scope = section.scope;
  const keyring = createKeyring({ master, storeFor: async (s) => readOnlyKeyStore(await storeOf(storage, s)) });
  const store = await storeOf(storage, scope);
  const open = async (collection: string, item: { id: string; subject: string | null; body: Buffer }): Promise<boolean> => {
    try {
      await keyring.open({ tenant: scope, collection, id: item.id, subject: item.subject }, item.body);
      return true;
    } catch (err) {
      return err instanceof ErasedError; // crypto-shredded on purpose: it was unreadable before too
    }
  };

  const records = new Reservoir<(typeof section.records)[number]>(size);
  section.records.forEach((r) => records.offer(r));
  let recordsOk = 0;
  for (const r of records.items) {
    const back = await store.get(r.kind, r.id);
    if (back && back.body.equals(r.body) && (await open(r.kind, back))) recordsOk++;
  }
  const points = new Reservoir<(typeof section.points)[number]>(size);
  section.points.forEach((p) => points.offer(p));
  let pointsOk = 0;
  for (const p of points.items) {
    const back = (await store.range({ series: p.series, from: p.ts, to: p.ts })).find((q) => q.id === p.id);
    if (back && back.body.equals(p.body) && (await open(SERIES_COLLECTION, back))) pointsOk++;
  }
  keyring.clearCache();
  return [
    { scope, check: 'sampled records open', expected: String(records.items.length), found: String(recordsOk), ok: recordsOk === records.items.length },
    { scope, check: 'sampled points open', expected: String(points.items.length), found: String(pointsOk), ok: pointsOk === points.items.length },
  ];
}

export function formatRestoreReport(report: RestoreReport): string {
  const lines = [`backup ${report.backupId}`, '', 'targets:'];
  for (const t of report.targets) {
    const shard = t.shard === null ? 'no shard' : `shard ${t.shard}`;
    lines.push(`  ${t.ok && !t.problem ? 'ok ' : t.ok ? 'ok*' : 'BAD'}  ${t.label}  ${shard}${t.problem ? `: ${t.problem}` : ''}`);
  }
  lines.push('', 'checks:');
  const width = Math.max(...report.checks.map((c) => c.scope.length + c.check.length + 3), 10);
  for (const c of report.checks) {
    const name = `${c.scope} · ${c.check}`.padEnd(width);
    lines.push(`  ${c.ok ? 'ok      ' : 'MISMATCH'}  ${name}  expected ${c.expected}, found ${c.found}`);
  }
  lines.push('', report.ok ? 'restore verified.' : `${report.checks.filter((c) => !c.ok).length} check(s) failed: do not use this restore.`);
  return lines.join('\n');
}
