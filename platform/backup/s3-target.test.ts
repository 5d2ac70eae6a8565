// S3-compatible targets through the standard S3 client, against a local S3-protocol server
// (s3rver on a free loopback port): the target spec, credentials kept out of it, and the restore
// drill over a mix of directory and S3 targets with a missing, a truncated and an altered object.
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRig } from '../../validation/support/backup-rig.ts';
import { S3RVER_CREDENTIALS, startLocalS3, useS3rverCredentials, type LocalS3 } from '../../validation/support/s3-server.ts';
import { createSqliteStorage } from '../storage/sqlite/index.ts';
import { takeBackup } from './backup.ts';
import { rebuildBackup } from './rebuild.ts';
import { restoreBackup } from './restore.ts';
import { S3Target, checkCredentialsFile, parseS3Target } from './s3-target.ts';
import { BackupScheduler } from './scheduler.ts';
import { sqliteSnapshots } from './snapshot.ts';
import { closeTargets, targetFor, type BackupTarget } from './targets.ts';

describe('s3:// target spec', () => {
  it('reads bucket, prefix, endpoint, region, profile and path style', () => {
    expect(parseS3Target('s3://custodia-backups/site-a/daily?endpoint=http://127.0.0.1:9000/&region=eu-west-3')).toEqual({
      bucket: 'custodia-backups',
      prefix: 'site-a/daily',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-3',
      pathStyle: true,
    });
    expect(parseS3Target('s3://bucket-b?profile=provider-b')).toEqual({ bucket: 'bucket-b', prefix: '', region: 'us-east-1', profile: 'provider-b', pathStyle: false });
  });

  it.each([
    ['s3://AKIAEXAMPLE:wJalrSECRET@bucket/p', /must not carry credentials/],
    ['s3://bucket/p?accessKeyId=AKIAEXAMPLE&secretAccessKey=wJalrSECRET', /must not carry credentials/],
    ['s3://bucket/p?endpoint=http://AKIAEXAMPLE:wJalrSECRET@127.0.0.1:9000', /must not carry credentials/],
    ['s3://bucket/p?x-amz-security-token=wJalrSECRET', /must not carry credentials/],
    ['s3://bucket/p?endpoint=ftp://host', /endpoint must be an http\(s\) URL/],
    ['s3://bucket/p?color=blue', /unknown parameter color/],
    ['s3://Not_A_Bucket/p', /is not a bucket name/],
    ['s3://bucket/a b', /prefix/],
  ])('refuses %s with a message that repeats no credential (ASVS 2.10.4)', (spec, message) => {
    let error: Error | undefined;
    try {
      parseS3Target(spec);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/wJalrSECRET|AKIAEXAMPLE/);
  });

  it('refuses a shared credentials file readable by others (secrets 0600, ASVS 2.10.4)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodia-s3cred-'));
    const file = join(dir, 'credentials');
    writeFileSync(file, '[provider-b]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(() => checkCredentialsFile({ AWS_SHARED_CREDENTIALS_FILE: file })).toThrow(/readable by others \(mode 644\); make it 0600/);
    chmodSync(file, 0o600);
    expect(() => checkCredentialsFile({ AWS_SHARED_CREDENTIALS_FILE: file })).not.toThrow();
  });
});

describe('S3 targets on a local S3-protocol server', () => {
  let s3: LocalS3;
  let restoreEnv: () => void;
  const dirs: string[] = [];
  const open: BackupTarget[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'custodia-bt-'));
    dirs.push(d);
    return d;
  };
  const s3Target = (bucket: string, prefix: string) => {
    const t = targetFor(s3.target(bucket, prefix));
    open.push(t);
    return t;
  };
  const raw = () => new S3Client({ endpoint: s3.endpoint, region: 'eu-west-3', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

  beforeAll(async () => {
    restoreEnv = useS3rverCredentials();
    s3 = await startLocalS3(['provider-a', 'provider-b', 'provider-c']);
  });
  afterAll(async () => {
    closeTargets(open);
    await s3.close();
    restoreEnv();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('puts, gets, lists and removes backups under its prefix; a missing object reads as null', async () => {
    const t = s3Target('provider-a', 'unit/one');
    const other = s3Target('provider-a', 'unit/two');
    expect(t.label).toBe(`s3://provider-a/unit/one at ${s3.endpoint}`);
    await t.put('20261205T010000Z-0000000a', 'shard-0.bin', Buffer.from('first'));
    await t.put('20261205T020000Z-0000000b', 'manifest.json', Buffer.from('{}'));
    await other.put('20261205T030000Z-0000000c', 'shard-1.bin', Buffer.from('elsewhere'));
    expect(await t.list()).toEqual(['20261205T010000Z-0000000a', '20261205T020000Z-0000000b']);
    expect((await t.get('20261205T010000Z-0000000a', 'shard-0.bin'))?.toString()).toBe('first');
    expect(await t.get('20261205T010000Z-0000000a', 'shard-1.bin')).toBeNull();
    await t.remove!('20261205T010000Z-0000000a');
    expect(await t.list()).toEqual(['20261205T020000Z-0000000b']);
    expect(await other.list()).toEqual(['20261205T030000Z-0000000c']);
    await expect(t.put('../escape', 'shard-0.bin', Buffer.from('x'))).rejects.toThrow(/invalid backup id/);
  });

  it('unknown credentials are refused by the server, and the error names no secret', async () => {
    const bad = new S3Target(parseS3Target(s3.target('provider-a', 'unit/one')), { credentials: { accessKeyId: 'UNKNOWNKEY', secretAccessKey: 'not-the-secret-xyz' } });
    open.push(bad);
    const err = await bad.list().then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/cannot list backups: InvalidAccessKeyId/);
    expect(err?.message).not.toContain('not-the-secret-xyz');
    expect(err?.message).not.toContain(S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY + ' ');
  });

  it('restore drill over 2 directories and 3 S3 buckets (k = 2): a missing, a truncated and an altered object are named and tolerated (ASVS 8.1.5)', { timeout: 60_000 }, async () => {
    const rig = await openRig();
    try {
      await rig.fill('acme', 'a', 8);
      await rig.fill('beta', 'b', 4);
      const [d0, d1] = [tmp(), tmp()];
      const targets = [targetFor(d0), targetFor(d1), s3Target('provider-a', 'drill'), s3Target('provider-b', 'custodia/drill'), s3Target('provider-c', '')];
      const { manifest } = await takeBackup({ source: sqliteSnapshots(rig.dataDir), of: { platform: true }, targets, k: 2, master: rig.master });
      const id = manifest.id;
      // Nothing readable reaches the object store: sealed as stored.
      expect((await targets[2]!.get(id, 'shard-2.bin'))!.includes('a note 1')).toBe(false);

      // Missing object (S3), truncated object (S3), altered file (directory).
      await raw().send(new DeleteObjectCommand({ Bucket: 'provider-a', Key: `drill/${id}/shard-2.bin` }));
      const s3shard = (await targets[3]!.get(id, 'shard-3.bin'))!;
      await targets[3]!.put(id, 'shard-3.bin', s3shard.subarray(0, s3shard.length - 11));
      const file = join(d0, id, 'shard-0.bin');
      const bytes = await readFile(file);
      bytes[5]! ^= 0x40;
      await writeFile(file, bytes);

      const backup = await rebuildBackup({ targets, master: rig.master });
      expect(backup.targets.map((t) => [t.label, t.ok, t.problem ?? ''])).toEqual([
        [d0, false, 'shard 0 altered (hash differs)'],
        [d1, true, ''],
        [targets[2]!.label, false, 'shard missing'],
        [targets[3]!.label, false, `shard 3 truncated (${s3shard.length - 11} of ${s3shard.length} bytes)`],
        [targets[4]!.label, true, ''],
      ]);
      const destDir = tmp();
      const dest = await createSqliteStorage({ dataDir: destDir });
      try {
        const report = await restoreBackup({ backup, storage: dest, master: rig.master });
        expect(report.checks.filter((c) => !c.ok)).toEqual([]);
        expect(await (await dest.tenant('acme')).count('note')).toBe(8);
      } finally {
        await dest.close();
      }

      // One more lost: fewer than k intact shards → one error naming what is missing.
      await truncate(join(d1, id, 'shard-1.bin'), 3);
      const err = await rebuildBackup({ targets, master: rig.master }).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(new RegExp(`backup ${id} cannot be restored: 1 intact shard\\(s\\), 2 needed; shards missing or damaged: 0, 1, 2, 3`));
      expect(err?.message).toContain(`${targets[2]!.label}: shard missing`);
    } finally {
      await rig.close();
    }
  });

  it('scheduled pruning keeps the newest backups on S3 targets too', { timeout: 60_000 }, async () => {
    const rig = await openRig();
    try {
      await rig.fill('acme', 'a', 2);
      const targets = [s3Target('provider-b', 'pruned'), s3Target('provider-c', 'pruned'), targetFor(tmp())];
      const audited: string[] = [];
      let clock = Date.UTC(2026, 11, 5, 1, 0, 0);
      const scheduler = new BackupScheduler({
        source: sqliteSnapshots(rig.dataDir),
        targets,
        k: 2,
        keep: 2,
        intervalMs: 3_600_000,
        master: rig.master,
        audit: { record: async (_scope, e) => void audited.push(`${e.action}:${e.outcome}`) },
        now: () => (clock += 1000),
      });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await scheduler.runOnce());
      expect(runs.map((r) => r.ok)).toEqual([true, true, true]);
      expect(runs[2]!.pruned).toEqual([runs[0]!.id]);
      for (const t of targets) expect(await t.list()).toEqual([runs[1]!.id, runs[2]!.id].sort());
      expect(audited).toEqual(['backup.scheduled:success', 'backup.scheduled:success', 'backup.scheduled:success']);
    } finally {
      await rig.close();
    }
  });
});
