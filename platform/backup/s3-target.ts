// S3-compatible object storage as a backup target (docs/backup.md "S3-compatible targets"),
// through the standard S3 client. A target is `s3://bucket/prefix?endpoint=…&region=…&profile=…`;
// objects are `<prefix>/<backup id>/<manifest.json | shard-i.bin>`. Credentials never come from
// the target spec (it is typed on command lines and printed in reports): they come from the
// client's standard chain — AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or a named profile of the
// shared credentials file (AWS_SHARED_CREDENTIALS_FILE), which must not be readable by others.
import { statSync } from 'node:fs';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { BACKUP_ID, checkNames, type BackupTarget } from './targets.ts';

export interface S3TargetSpec {
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  prefix: string;
  endpoint?: string;
  region: string;
  profile?: string;
  pathStyle: boolean;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*'()/-]{0,512}$/;

const querySchema = z
  .object({
    endpoint: z
      .string()
      .url()
      .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
      .optional(),
    region: z.string().regex(/^[a-z0-9-]{2,32}$/, 'must be a region name such as eu-west-3').optional(),
    profile: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a profile name of the shared credentials file').optional(),
    pathStyle: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** Parses a target spec. Errors never repeat the spec: it might hold a credential typed by mistake. */
export function parseS3Target(spec: string): S3TargetSpec {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new Error('an s3:// target is not a valid URL (expected s3://bucket/prefix?endpoint=…&region=…)');
  }
  if (url.protocol !== 's3:') throw new Error(`not an s3:// target (${url.protocol})`);
  const keys = [...url.searchParams.keys()];
  if (url.username || url.password || keys.some((k) => /key|secret|token|password|credential/i.test(k))) {
    throw new Error('an s3:// target must not carry credentials: set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile of AWS_SHARED_CREDENTIALS_FILE');
  }
  if (!BUCKET.test(url.hostname)) throw new Error(`s3:// target: ${JSON.stringify(url.hostname.slice(0, 70))} is not a bucket name`);
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  if (!PREFIX.test(prefix) || prefix.split('/').some((p) => p === '..' || p === '.')) throw new Error('s3:// target: the prefix has characters an object key should not');
  if (keys.length !== new Set(keys).size) throw new Error('s3:// target: a query parameter is given twice');
  const parsed = querySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const what = issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')} (endpoint, region, profile, pathStyle)` : `${issue.path.join('.')} ${issue.message}`;
    throw new Error(`s3:// target: ${what}`);
  }
  const q = parsed.data;
  if (q.endpoint) {
    const e = new URL(q.endpoint);
    if (e.username || e.password) throw new Error('an s3:// target must not carry credentials in its endpoint');
  }
  return {
    bucket: url.hostname,
    prefix,
    ...(q.endpoint ? { endpoint: new URL(q.endpoint).origin } : {}),
    region: q.region ?? 'us-east-1',
    ...(q.profile ? { profile: q.profile } : {}),
    // S3-compatible servers (MinIO, Ceph, …) usually want path-style addressing.
    pathStyle: q.pathStyle ? q.pathStyle === 'true' : Boolean(q.endpoint),
  };
}

/** A shared credentials file readable by group or others is refused (secrets are 0600). */
export function checkCredentialsFile(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.AWS_SHARED_CREDENTIALS_FILE;
  if (!file) return;
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new Error('AWS_SHARED_CREDENTIALS_FILE names a file that cannot be read');
  }
  if ((mode & 0o077) !== 0) throw new Error(`AWS_SHARED_CREDENTIALS_FILE is readable by others (mode ${(mode & 0o777).toString(8)}); make it 0600`);
}

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

/** The client's own message without request details; never includes credentials. */
const s3Error = (what: string, err: unknown) => new Error(`${what}: ${(err as { name?: string }).name ?? 'error'} ${err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : ''}`.trim());

export class S3Target implements BackupTarget {
  readonly label: string;
  readonly #client: S3Client;
  readonly #spec: S3TargetSpec;

  constructor(spec: S3TargetSpec, clientConfig: Partial<S3ClientConfig> = {}) {
    this.#spec = spec;
    this.label = `s3://${spec.bucket}/${spec.prefix}${spec.endpoint ? ` at ${spec.endpoint}` : ''}`;
    this.#client = new S3Client({
      region: spec.region,
      forcePathStyle: spec.pathStyle,
      ...(spec.endpoint ? { endpoint: spec.endpoint } : {}),
      ...(spec.profile ? { profile: spec.profile } : {}),
      // Every object is checked against its SHA-256 in the signed manifest and read back after
      // writing; the client's optional CRC trailers are not understood by every S3-compatible server.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...clientConfig,
    });
  }

  #key(backupId: string, name?: string): string {
    const parts = [this.#spec.prefix, backupId, ...(name ? [name] : [])].filter(Boolean);
    return parts.join('/') + (name ? '' : '/');
  }

  /** PutObject is atomic: the object appears complete or not at all. */
  async put(backupId: string, name: string, data: Uint8Array): Promise<void> {
    checkNames(backupId, name);
    try {
      await this.#client.send(new PutObjectCommand({ Bucket: this.#spec.bucket, Key: this.#key(backupId, name), Body: data, ContentLength: data.length }));
    } catch (err) {
      throw s3Error(`cannot write ${name}`, err);
    }
  }

  async get(backupId: string, name: string): Promise<Buffer | null> {
    checkNames(backupId, name);
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#spec.bucket, Key: this.#key(backupId, name) }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (err) {
      if (isMissing(err)) return null;
      throw s3Error(`cannot read ${name}`, err);
    }
  }

  async list(): Promise<string[]> {
    const base = this.#spec.prefix ? `${this.#spec.prefix}/` : '';
    const ids: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#spec.bucket, Prefix: base, Delimiter: '/', ContinuationToken: token }));
        for (const p of page.CommonPrefixes ?? []) {
          const id = (p.Prefix ?? '').slice(base.length).replace(/\/$/, '');
          if (BACKUP_ID.test(id)) ids.push(id);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw s3Error('cannot list backups', err);
    }
    return ids.sort();
  }

  /** Deletes every object of one backup (scheduled pruning). */
  async remove(backupId: string): Promise<void> {
    if (!BACKUP_ID.test(backupId)) throw new Error(`invalid backup id ${JSON.stringify(backupId)}`);
    const prefix = this.#key(backupId);
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#spec.bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (o.Key) await this.#client.send(new DeleteObjectCommand({ Bucket: this.#spec.bucket, Key: o.Key }));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw s3Error(`cannot delete backup ${backupId}`, err);
    }
  }

  close(): void {
    this.#client.destroy();
  }
}
