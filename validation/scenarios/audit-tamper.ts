// docs/architecture.md promise 4: the audit log is hash-chained with signed checkpoints, and `verify`
// detects edits, deletions, reordering and truncation. A tenant's chain is filled through the
// API, the platform stops, and each attack is made on its own copy of the data directory the way
// someone holding the file would (dropping the append-only triggers first). Each copy is then
// booted and verified. A fifth attack also recomputes every hash after the edit, so only the
// signed checkpoints can catch it. An untouched copy must still verify.
import Database from 'better-sqlite3';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { entryHash } from '../../platform/audit/hash.ts';
import type { Scenario } from '../types.ts';

const ATTACKS = ['edit', 'delete', 'reorder', 'truncate', 'edit-and-rechain'] as const;
type Attack = (typeof ATTACKS)[number];

interface Row {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  details: string;
  prev_hash: string;
  hash: string;
}

/** Tampers with a tenant database file; returns the sequence numbers touched. */
function tamper(file: string, attack: Attack): number[] {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    const max = (db.prepare('SELECT max(seq) AS m FROM audit').get() as { m: number }).m;
    switch (attack) {
      case 'edit':
        db.prepare("UPDATE audit SET outcome = 'success', target = 'chain:nothing-to-see' WHERE seq = 3").run();
        return [3];
      case 'delete':
        db.prepare('DELETE FROM audit WHERE seq = 4').run();
        return [4];
      case 'reorder': {
        const rows = db.prepare('SELECT * FROM audit WHERE seq IN (2, 3) ORDER BY seq').all() as Row[];
        db.prepare('DELETE FROM audit WHERE seq IN (2, 3)').run();
        const ins = db.prepare('INSERT INTO audit (seq, ts, actor, action, target, outcome, details, prev_hash, hash) VALUES (@seq, @ts, @actor, @action, @target, @outcome, @details, @prev_hash, @hash)');
        ins.run({ ...rows[1], seq: 2 });
        ins.run({ ...rows[0], seq: 3 });
        return [2, 3];
      }
      case 'truncate':
        db.prepare('DELETE FROM audit WHERE seq > ?').run(max - 3);
        return [max - 2, max - 1, max];
      case 'edit-and-rechain': {
        // The forger recomputes every later hash, so the chain itself is consistent again.
        const rows = db.prepare('SELECT * FROM audit ORDER BY seq').all() as Row[];
        const upd = db.prepare('UPDATE audit SET target = @target, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq');
        let prev = rows[0]!.prev_hash;
        for (const r of rows) {
          const target = r.seq === 3 ? 'chain:nothing-to-see' : r.target;
          const hash = entryHash(prev, { seq: r.seq, ts: r.ts, actor: r.actor, action: r.action, target, outcome: r.outcome, details: r.details });
          upd.run({ seq: r.seq, target, prev_hash: prev, hash });
          prev = hash;
        }
        return [3];
      }
    }
  } finally {
    db.close();
  }
}

export const auditTamper: Scenario = {
  id: 'audit.tamper-evidence',
  title: 'Edits, deletions, reordering and truncation of the audit log are each detected',
  requirement: 'docs/architecture.md promise 4 (tamper-evident audit log); ASVS 4.0.3 7.3.3 (logs protected from modification)',
  indicator: 'tampering attacks detected by verify (edit, delete, reorder, truncate, edit with recomputed hashes)',
  criterion: `${ATTACKS.length} of ${ATTACKS.length} attacks detected; the untouched log verifies`,
  profile: 'fast',
  timeoutMs: 60_000,
  async run(ctx) {
    const h = await ctx.boot({ probe: true });
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const auditor = await h.as(h.tenants.a.users.auditor);
    // Audited actions: device registrations, a rotation, audit reads.
    for (let i = 0; i < 4; i++) await admin.post('/api/v1/devices', { id: `audited-dev-${i}`, kind: 'probe-sensor' });
    await admin.post('/api/v1/keys/rotate');
    for (let i = 0; i < 3; i++) await auditor.get('/api/v1/audit?limit=1');
    const live = await auditor.post('/api/v1/audit/verify');
    const entries = (await auditor.get('/api/v1/audit?limit=1000')).body.items.length as number;
    await h.platform.stop();

    const verdicts: { attack: string; seqsTouched: number[]; detected: boolean; reason?: string; firstBrokenSeq?: number }[] = [];
    for (const attack of ['none', ...ATTACKS] as const) {
      const copy = ctx.tmpDir(`tamper-${attack}`);
      cpSync(h.config.dataDir, copy, { recursive: true });
      const touched = attack === 'none' ? [] : tamper(join(copy, 'tenants', 'tenant-a.db'), attack);
      const again = await ctx.boot({ probe: true, dataDir: copy, provision: false });
      const v = await again.platform.services.audit.admin.verify('tenant-a');
      verdicts.push({
        attack,
        seqsTouched: touched,
        detected: !v.ok,
        ...(v.ok ? {} : { reason: v.reason, firstBrokenSeq: v.firstBrokenSeq }),
      });
      await again.platform.stop();
    }
    const control = verdicts.find((v) => v.attack === 'none')!;
    const attacks = verdicts.filter((v) => v.attack !== 'none');
    const detected = attacks.filter((v) => v.detected).length;
    return {
      measured: `${detected}/${attacks.length}`,
      unit: 'detected',
      pass: detected === attacks.length && !control.detected && live.body.ok === true,
      evidence: {
        entriesInChain: entries,
        liveVerify: { ok: live.body.ok, entries: live.body.entries, checkpoints: live.body.checkpoints },
        untouchedCopyVerifies: !control.detected,
        attacks,
      },
    };
  },
};
