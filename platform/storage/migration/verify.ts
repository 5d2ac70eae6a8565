// Verifies one copied store against what was read from the source (./copy.ts): counts through the
// port (records per kind, points per series, key scopes, audit head, checkpoints), then every row
// of the destination, read back through its own snapshot, against the source row's digest (a
// missing, extra or altered row is named), the audit chain with its signed checkpoints, and a
// random sample of sealed values opened with the master key on both sides.
import { verifyChain } from '../../audit/verify.ts';
import { SERIES_COLLECTION } from '../../crypto/collections.ts';
import { createKeyring } from '../../crypto/keyring.ts';
import type { MasterKeyProvider } from '../../crypto/types.ts';
import { ErasedError } from '../../errors.ts';
import type { Store, StoredAuditEntry } from '../port.ts';
import type { StoreSnapshot } from '../snapshot.ts';
import { auditDigest, checkpointsDigest, keyStoreOver, keysDigest, pointDigest, readOnlyKeyStore, recordDigest } from './compare.ts';
import { recordKey, type CopiedScope } from './copy.ts';

export interface CheckRow {
  scope: string;
  check: string;
  source: string;
  target: string;
  ok: boolean;
}

export interface VerifyOptions {
  /** Opens the sampled values on both sides; absent: that check is skipped. */
  master?: MasterKeyProvider;
  /** The platform's audit-signing public key; absent: the chain check is skipped. */
  auditPublicKey?: string;
  pageSize?: number;
}

/** How many differing rows a report names before it only counts them. */
const NAMED = 5;

export async function verifyScope(
  copied: CopiedScope,
  target: Store,
  readBack: StoreSnapshot,
  opts: VerifyOptions = {},
): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const scope = copied.scope;
  const row = (check: string, source: unknown, found: unknown, ok = String(source) === String(found)) =>
    rows.push({ scope, check, source: String(source), target: String(found), ok });

  for (const [kind, n] of [...copied.kinds].sort(([a], [b]) => (a < b ? -1 : 1))) row(`records of kind ${kind}`, n, await target.count(kind));
  const series = [...(await target.listSeries())].sort();
  const expected = [...copied.series.keys()].sort();
  row('series', expected.length, series.length, series.join('\n') === expected.join('\n'));
  let full = 0;
  for (const [name, n] of copied.series) if ((await target.countPoints(name)) === n) full++;
  row('series with every point', expected.length, full);
  row('points in total', copied.points.size, await target.countPoints());

  const sourceScopes = [...new Set(copied.keys.map((k) => k.scope))].sort();
  const targetScopes = [...(await target.listKeyScopes(''))].sort();
  row('key scopes', sourceScopes.length, targetScopes.length, sourceScopes.join('\n') === targetScopes.join('\n'));
  const targetKeys = (await Promise.all(targetScopes.map((s) => target.getKeys(s)))).flat();
  row('wrapped keys (digest)', copied.keysDigest, keysDigest(targetKeys));

  const head = await target.lastAudit();
  const headText = (e: StoredAuditEntry | null) => (e ? `#${e.seq} ${e.hash.slice(0, 12)}` : 'empty');
  row('audit head', headText(copied.auditHead), headText(head), copied.auditHead?.seq === head?.seq && copied.auditHead?.hash === head?.hash);
  const checkpoints = await target.listCheckpoints();
  row('signed checkpoints', `${copied.checkpoints} (${copied.checkpointsDigest})`, `${checkpoints.length} (${checkpointsDigest(checkpoints)})`);

  rows.push(...(await compareRows(copied, readBack, opts.pageSize ?? 1000)));

  if (opts.auditPublicKey) {
    const entries = await readAllAudit(target);
    const verdict = verifyChain({ scope, entries, checkpoints, publicKey: opts.auditPublicKey });
    row(
      'audit chain verifies',
      `${copied.audit.size} entries`,
      verdict.ok ? `${verdict.entries} entries, ${verdict.checkpoints} checkpoints` : `broken at #${verdict.firstBrokenSeq}: ${verdict.reason}`,
      verdict.ok && verdict.entries === copied.audit.size,
    );
  } else {
    row('audit chain verifies', 'skipped (no master key)', 'skipped', true);
  }

  if (opts.master) rows.push(...(await openSample(copied, target, opts.master)));
  else row('sampled values opened', 'skipped (--sample 0)', 'skipped', true);
  return rows;
}

/** Every destination row against the source's digests: names what is missing, extra or altered. */
async function compareRows(copied: CopiedScope, readBack: StoreSnapshot, pageSize: number): Promise<CheckRow[]> {
  const tally = (what: string, expected: Map<string | number, string>) => {
    const seen = new Set<string | number>();
    const problems: string[] = [];
    return {
      see(id: string | number, digest: string) {
        seen.add(id);
        const want = expected.get(id);
        if (want === undefined) problems.push(`extra ${what} ${id}`);
        else if (want !== digest) problems.push(`${what} ${id} differs`);
      },
      row(): CheckRow {
        for (const id of expected.keys()) if (!seen.has(id)) problems.push(`${what} ${id} missing`);
        const named = problems.slice(0, NAMED).join('; ') + (problems.length > NAMED ? `; +${problems.length - NAMED} more` : '');
        return {
          scope: copied.scope,
          check: `every ${what} identical`,
          source: String(expected.size),
          target: problems.length === 0 ? String(seen.size) : named,
          ok: problems.length === 0,
        };
      },
    };
  };
  const records = tally('record', copied.records);
  for await (const page of readBack.records(pageSize)) for (const r of page) records.see(recordKey(r), recordDigest(r));
  const points = tally('point', copied.points);
  for await (const page of readBack.points(pageSize)) for (const p of page) points.see(p.id, pointDigest(p));
  const audit = tally('audit entry', copied.audit);
  for await (const page of readBack.audit(pageSize)) for (const e of page) audit.see(e.seq, auditDigest(e));
  return [records.row(), points.row(), audit.row()];
}

async function readAllAudit(store: Store): Promise<StoredAuditEntry[]> {
  const out: StoredAuditEntry[] = [];
  for (let from = Number.MIN_SAFE_INTEGER; ; ) {
    const page = await store.readAudit(from, 5000);
    out.push(...page);
    if (page.length < 5000) return out;
    from = page.at(-1)!.seq + 1;
  }
}

/** Opens each sampled value with keys read from the source and, separately, with the keys now in
 *  the destination; both must give the same plaintext (or both refuse an erased subject). */
async function openSample(copied: CopiedScope, target: Store, master: MasterKeyProvider): Promise<CheckRow[]> {
  const scope = copied.scope;
  const sourceRing = createKeyring({ master, storeFor: async () => keyStoreOver(copied.keys) });
  const targetRing = createKeyring({ master, storeFor: async () => readOnlyKeyStore(target) });
  const openBoth = async (collection: string, a: { id: string; subject: string | null; body: Buffer }, b: typeof a | null | undefined) => {
    if (!b || b.subject !== a.subject || !b.body.equals(a.body)) return false;
    const ref = { tenant: scope, collection, id: a.id, subject: a.subject };
    const [mine, theirs] = await Promise.all([attemptOpen(() => sourceRing.open(ref, a.body)), attemptOpen(() => targetRing.open(ref, b.body))]);
    if (mine.erased && theirs.erased) return true;
    return mine.value !== undefined && theirs.value !== undefined && mine.value.equals(theirs.value);
  };
  let recordsOk = 0;
  for (const r of copied.sampledRecords) if (await openBoth(r.kind, r, await target.get(r.kind, r.id))) recordsOk++;
  let pointsOk = 0;
  for (const p of copied.sampledPoints) {
    const back = (await target.range({ series: p.series, from: p.ts, to: p.ts })).find((q) => q.id === p.id);
    if (await openBoth(SERIES_COLLECTION, p, back)) pointsOk++;
  }
  sourceRing.clearCache();
  targetRing.clearCache();
  const n = (x: number) => String(x);
  return [
    { scope, check: 'sampled records open, equal', source: n(copied.sampledRecords.length), target: n(recordsOk), ok: recordsOk === copied.sampledRecords.length },
    { scope, check: 'sampled points open, equal', source: n(copied.sampledPoints.length), target: n(pointsOk), ok: pointsOk === copied.sampledPoints.length },
  ];
}

async function attemptOpen(open: () => Promise<Buffer>): Promise<{ value?: Buffer; erased?: boolean }> {
  try {
    return { value: await open() };
  } catch (err) {
    // A crypto-shredded subject opens on neither side; that is agreement, not a failure.
    if (err instanceof ErasedError) return { erased: true };
    return {};
  }
}
