// Where backup shards go. A target holds, per backup id, the signed manifest and one shard:
// a directory (below) or S3-compatible object storage (./s3-target.ts); docs/backup.md.
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { S3Target, checkCredentialsFile, parseS3Target } from './s3-target.ts';

export const MANIFEST_FILE = 'manifest.json';
export const shardFile = (index: number) => `shard-${index}.bin`;
export const BACKUP_ID = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$/;

export interface BackupTarget {
  /** How reports name this target (a path or a URL, never a credential). */
  readonly label: string;
  /** Stores one object of a backup; the object appears complete or not at all. */
  put(backupId: string, name: string, data: Uint8Array): Promise<void>;
  /** The object's bytes, or null when it is not there. */
  get(backupId: string, name: string): Promise<Buffer | null>;
  /** Backup ids present on this target, oldest first. */
  list(): Promise<string[]>;
  /** Deletes one backup (scheduled pruning); targets that cannot delete leave it out. */
  remove?(backupId: string): Promise<void>;
}

/** A directory (a local disk, a mounted volume or share). Files 0600, directories 0700: a backup
 *  holds sealed data and wrapped keys, still worth keeping to the operator. */
export class DirectoryTarget implements BackupTarget {
  readonly root: string;

  constructor(dir: string) {
    this.root = isAbsolute(dir) ? dir : resolve(dir);
  }

  get label(): string {
    return this.root;
  }

  async put(backupId: string, name: string, data: Uint8Array): Promise<void> {
    checkNames(backupId, name);
    const dir = join(this.root, backupId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, name);
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }

  async get(backupId: string, name: string): Promise<Buffer | null> {
    checkNames(backupId, name);
    try {
      return await readFile(join(this.root, backupId, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async list(): Promise<string[]> {
    if (!existsSync(this.root)) return [];
    const entries = await readdir(this.root, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && BACKUP_ID.test(e.name)).map((e) => e.name).sort();
  }

  async remove(backupId: string): Promise<void> {
    if (!BACKUP_ID.test(backupId)) throw new Error(`invalid backup id ${JSON.stringify(backupId)}`);
    await rm(join(this.root, backupId), { recursive: true, force: true });
  }
}

export function checkNames(backupId: string, name: string): void {
  if (!BACKUP_ID.test(backupId)) throw new Error(`invalid backup id ${JSON.stringify(backupId)}`);
  if (name !== MANIFEST_FILE && !/^shard-\d{1,3}\.bin$/.test(name)) throw new Error(`invalid backup object ${JSON.stringify(name)}`);
}

export const isUrlTarget = (location: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(location);

/** A target from a location: `s3://bucket/prefix?…` or a directory. */
export function targetFor(location: string): BackupTarget {
  if (/^s3:\/\//i.test(location)) {
    checkCredentialsFile();
    return new S3Target(parseS3Target(location));
  }
  if (isUrlTarget(location)) {
    throw new Error(`${location.split(':')[0]}:// targets are not supported: a target is a directory or s3://bucket/prefix`);
  }
  return new DirectoryTarget(location);
}

/** Releases a target's connections (S3 clients keep sockets open). */
export function closeTargets(targets: readonly BackupTarget[]): void {
  for (const t of targets) (t as { close?: () => void }).close?.();
}
