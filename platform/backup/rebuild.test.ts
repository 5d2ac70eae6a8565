// What rebuild makes of damaged, missing and forged backups: backups of a real sqlite state,
// written to in-memory targets the tests then damage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTarget, openRig } from '../../validation/support/backup-rig.ts';
import { EnvMasterKeyProvider } from '../crypto/master-key.ts';
import { takeBackup } from './backup.ts';
import { keysDigest } from '../storage/migration/compare.ts';
import { SectionWriter, packBundle, parseSignedManifest, signManifest, unpackBundle } from './format.ts';
import { rebuildBackup } from './rebuild.ts';
import { sqliteSnapshots } from './snapshot.ts';

let rig: Awaited<ReturnType<typeof openRig>>;
beforeAll(async () => {
  rig = await openRig();
  await rig.fill('acme', 'a');
  await rig.fill('beta', 'b', 3);
});
afterAll(() => rig.close());

async function backupTo(n: number, k: number) {
  const targets = Array.from({ length: n }, (_, i) => new MemoryTarget(`mem-${i}`));
  const { manifest } = await takeBackup({ source: sqliteSnapshots(rig.dataDir), of: { platform: true }, targets, k, master: rig.master });
  return { targets, manifest, id: manifest.id };
}

describe('backup', () => {
  it('writes one shard and the signed manifest to each target, covering every store', async () => {
    const { targets, manifest, id } = await backupTo(3, 2);
    expect(manifest.stores.map((s) => s.scope)).toEqual(['_platform', 'acme', 'beta']);
    expect(manifest.stores[1]).toMatchObject({ records: { note: 5 }, points: { 'dev-1': 5 }, audit: 5 });
    expect(manifest.stores[1]!.checkpoints).toBeGreaterThan(0);
    targets.forEach((t, i) => expect([...t.objects.keys()].sort()).toEqual([`${id}/manifest.json`, `${id}/shard-${i}.bin`]));
    // Sealed as stored: no clear text of any record reaches a target.
    for (const t of targets) for (const bytes of t.objects.values()) expect(bytes.includes('note 1')).toBe(false);
  });

  it('refuses k outside 1..n and a target named twice', async () => {
    const base = { source: sqliteSnapshots(rig.dataDir), of: { platform: true as const }, master: rig.master };
    await expect(takeBackup({ ...base, targets: [new MemoryTarget('x'), new MemoryTarget('y')], k: 3 })).rejects.toThrow(/k must be between 1 and the number of targets \(2\)/);
    await expect(takeBackup({ ...base, targets: [new MemoryTarget('x'), new MemoryTarget('x')], k: 1 })).rejects.toThrow(/named twice/);
  });
});

describe('rebuild', () => {
  it('rebuilds the same rows from any k targets', async () => {
    const { targets } = await backupTo(4, 2);
    const whole = await rebuildBackup({ targets, master: rig.master });
    const fromTwo = await rebuildBackup({ targets: [targets[3]!, targets[1]!], master: rig.master });
    expect(fromTwo.sections).toEqual(whole.sections);
    expect(whole.sections[1]!.records.map((r) => r.id).sort()).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
  });

  it('names a missing, a truncated and an altered shard, and restores while k good ones remain', async () => {
    const { targets, id } = await backupTo(5, 2);
    targets[0]!.objects.clear();
    const s1 = targets[1]!.objects.get(`${id}/shard-1.bin`)!;
    targets[1]!.objects.set(`${id}/shard-1.bin`, s1.subarray(0, s1.length - 7));
    const s2 = Buffer.from(targets[2]!.objects.get(`${id}/shard-2.bin`)!);
    s2[0]! ^= 1;
    targets[2]!.objects.set(`${id}/shard-2.bin`, s2);
    const rebuilt = await rebuildBackup({ targets, master: rig.master });
    expect(rebuilt.targets.map((t) => [t.label, t.ok, t.problem ?? ''])).toEqual([
      ['mem-0', false, 'shard missing; manifest missing'],
      ['mem-1', false, `shard 1 truncated (${s1.length - 7} of ${s1.length} bytes)`],
      ['mem-2', false, 'shard 2 altered (hash differs)'],
      ['mem-3', true, ''],
      ['mem-4', true, ''],
    ]);
  });

  it('fewer than k good shards: one error naming the shards missing and why', async () => {
    const { targets, id } = await backupTo(4, 3);
    targets[0]!.objects.delete(`${id}/shard-0.bin`);
    targets[2]!.objects.set(`${id}/shard-2.bin`, Buffer.from('nonsense'));
    await expect(rebuildBackup({ targets, master: rig.master })).rejects.toThrow(
      /cannot be restored: 2 intact shard\(s\), 3 needed; shards missing or damaged: 0, 2 \(mem-0: shard missing; mem-2: shard 2 truncated/,
    );
  });

  it('an edited manifest fails its signature; the other copies are used and the edited one is reported (ASVS 8.1.6)', async () => {
    const { targets, id } = await backupTo(3, 2);
    const text = targets[0]!.objects.get(`${id}/manifest.json`)!.toString();
    const signed = parseSignedManifest(text);
    signed.manifest.stores[1]!.records = { note: 4 }; // hide a record
    targets[0]!.objects.set(`${id}/manifest.json`, Buffer.from(JSON.stringify(signed)));
    const rebuilt = await rebuildBackup({ targets, master: rig.master });
    expect(rebuilt.manifest.stores[1]!.records).toEqual({ note: 5 });
    expect(rebuilt.targets[0]).toMatchObject({ ok: false, problem: 'manifest rejected: manifest signature does not verify' });
  });

  it('a manifest signed by a key the master key did not wrap is refused everywhere (ASVS 8.1.6)', async () => {
    const { targets, id } = await backupTo(2, 1);
    // An attacker with write access to every target re-signs an altered manifest with a platform
    // key of their own (from another master key): it cannot be unwrapped with ours.
    const other = await openRig(undefined, 'cd'.repeat(32));
    try {
      const forgedKey = (await (await other.storage.platform()).getKeys('audit-signing'))[0]!;
      const signed = parseSignedManifest(targets[0]!.objects.get(`${id}/manifest.json`)!.toString());
      const manifest = { ...signed.manifest, signer: { keyId: other.signer.keyId, wrapped: forgedKey.wrapped.toString('base64'), wrappedBy: forgedKey.wrappedBy } };
      const forged = Buffer.from(JSON.stringify(signManifest(manifest, (d) => other.signer.sign(d))));
      for (const t of targets) t.objects.set(`${id}/manifest.json`, forged);
      await expect(rebuildBackup({ targets, master: rig.master })).rejects.toThrow(/no target holds a valid signed manifest .*wrapped by master key/);
    } finally {
      await other.close();
    }
  });

  it('with --public-key, a manifest signed by another audit key is refused', async () => {
    const { targets } = await backupTo(2, 1);
    const other = await openRig(undefined, 'ef'.repeat(32));
    try {
      await expect(rebuildBackup({ targets, master: rig.master, publicKeyPem: other.signer.publicKeyPem })).rejects.toThrow(/signed by a key other than the published audit key/);
      await expect(rebuildBackup({ targets, master: rig.master, publicKeyPem: rig.signer.publicKeyPem })).resolves.toBeTruthy();
    } finally {
      await other.close();
    }
  });

  it('the wrong master key cannot read a backup', async () => {
    const { targets } = await backupTo(2, 1);
    await expect(rebuildBackup({ targets, master: new EnvMasterKeyProvider('12'.repeat(32)) })).rejects.toThrow(/configure the master key that wrapped it/);
  });
});

describe('bundle', () => {
  it('a store whose lines do not match their hash in the manifest is refused', () => {
    const w = new SectionWriter('acme');
    w.addAudit([{ seq: 1, ts: 1, actor: 'a', action: 'b', target: 'c', outcome: 'success', details: '{}', prevHash: '0'.repeat(64), hash: '1'.repeat(64) }]);
    const { text, summary } = w.finish(keysDigest);
    expect(unpackBundle(packBundle([text]), [summary])[0]!.audit).toHaveLength(1);
    expect(() => unpackBundle(packBundle([text.replace('"actor":"a"', '"actor":"z"')]), [summary])).toThrow(/content of store acme does not match its hash/);
    expect(() => unpackBundle(packBundle([`${text}{oops\n`]), [summary])).toThrow(/bundle line 3 is not JSON/);
  });
});
