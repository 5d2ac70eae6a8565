// The keyring (interface: ./types.ts; byte layout: ./sealed-format.ts; master keys: ./master-key.ts).
//
// Key material lives in the tenant's own store, always wrapped (docs/architecture.md "Keys and sealing"):
//   scope "tenant"          data key, versions 1..n, wrapped by the master key (wrappedBy = master keyId)
//   scope "index"           blind-index key, version 1 only, never rotated so look-ups stay stable
//   scope "subject:<id>"    a data subject's key, versions 1..n, wrapped by a tenant key version
//                           (wrappedBy = "t<version>")
//   scope "erased:<id>"     tombstone of a shredded subject (version 1, empty bytes)
// Every wrap binds `custodia-key|<tenant>|<scope>|v<version>` as AAD, so a wrapped key copied to
// another tenant, scope or version does not unwrap.
//
// Unwrapped keys are cached as KeyObjects: after the first use, seal/open touch no store. Every
// creation or change of a tenant's or subject's keys runs under a per-key lock, which also makes
// concurrent first uses share one key instead of racing to create two. Lock order: a subject's lock
// may take its tenant's lock, never the reverse.
import { createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { ErasedError } from '../errors.ts';
import { KeyedQueue } from '../keyed-queue.ts';
import type { Store, StoredKey } from '../storage/port.ts';
import { gcmDecrypt, gcmEncrypt, KEY_BYTES, toKeyObject, unwrapKey, wrapKey } from './aead.ts';
import {
  assertAadRef,
  assertKeyringTenant,
  assertSubjectId,
  decodeSealed,
  encodeSealed,
  formatKeyId,
  sealAad,
  type SealedParts,
} from './sealed-format.ts';
import type { KeyInfo, Keyring, MasterKeyProvider, SealRef } from './types.ts';

/** The part of a tenant's Store the keyring needs. `putKey` with an existing scope and version
 *  must replace that entry (re-wrapping relies on it). `listKeyScopes` lists the distinct scopes
 *  that start with `prefix`; describe() and rewrapSubjectKeys() need it to find subject keys. */
export type KeyStore = Pick<Store, 'getKeys' | 'putKey' | 'destroyKeys'> & {
  listKeyScopes?(prefix: string): Promise<string[]>;
};

export interface KeyringOptions {
  master: MasterKeyProvider;
  storeFor: (tenant: string) => Promise<KeyStore>;
  /** Clock for createdAt (tests). */
  now?: () => number;
}

export const TENANT_SCOPE = 'tenant';
export const INDEX_SCOPE = 'index';
export const subjectScope = (subject: string) => `subject:${subject}`;
export const erasedScope = (subject: string) => `erased:${subject}`;
export const keyWrapContext = (tenant: string, scope: string, version: number) =>
  `custodia-key|${tenant}|${scope}|v${version}`;

const SUBJECT_PREFIX = 'subject:';
const TOMBSTONE_WRAPPED_BY = 'tombstone';
const TENANT_WRAPPED_BY = /^t([1-9][0-9]*)$/;

/** Integrity failures (tampered, moved or unknown-key values). Not an AppError on purpose: the API
 *  answers them with a generic 500 that leaks nothing. */
export class SealedOpenError extends Error {
  override name = 'SealedOpenError';
  constructor(reason: string) {
    super(`sealed value failed to open: ${reason}`);
  }
}

/** trim + lowercase + NFKC, so "  ÄBC " and "äbc" (or full-width letters) index alike. */
export function normaliseForIndex(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}

interface TenantKeys {
  data: Map<number, KeyObject>;
  current: number;
  index: KeyObject;
}

interface SubjectKeys {
  keys: Map<number, KeyObject>;
  current: number;
}

const subjectKey = (tenant: string, subject: string) => `${tenant}\0${subject}`;
const tenantLock = (tenant: string) => `t\0${tenant}`;
const subjectLock = (tenant: string, subject: string) => `s\0${tenant}\0${subject}`;

async function listSubjects(store: KeyStore): Promise<string[]> {
  if (!store.listKeyScopes) {
    throw new Error('this key store cannot list key scopes (KeyStore.listKeyScopes); subject keys cannot be enumerated');
  }
  const scopes = await store.listKeyScopes(SUBJECT_PREFIX);
  return scopes.filter((s) => s.startsWith(SUBJECT_PREFIX)).map((s) => s.slice(SUBJECT_PREFIX.length));
}

async function describeKeys(store: KeyStore): Promise<KeyInfo[]> {
  const scopes = [TENANT_SCOPE, INDEX_SCOPE, ...(await listSubjects(store)).sort().map(subjectScope)];
  const infos: KeyInfo[] = [];
  for (const scope of scopes) {
    const rows = [...(await store.getKeys(scope))].sort((a, b) => a.version - b.version);
    const current = Math.max(0, ...rows.map((r) => r.version));
    for (const row of rows) {
      infos.push({
        scope: row.scope,
        version: row.version,
        createdAt: row.createdAt,
        wrappedBy: row.wrappedBy,
        current: row.version === current,
      });
    }
  }
  return infos;
}

/** A keyring's state — the cached tenant and subject keys, the erased subjects, the per-key locks
 *  — and every operation that loads, creates, rotates, rewraps or shreds a key. Loads, rotations
 *  and shreds of one tenant key or one subject key never interleave. */
class KeyCache {
  private readonly tenants = new Map<string, TenantKeys>();
  private readonly subjects = new Map<string, SubjectKeys>();
  private readonly erased = new Set<string>();
  private readonly locks = new KeyedQueue();

  constructor(
    private readonly master: MasterKeyProvider,
    private readonly storeFor: (tenant: string) => Promise<KeyStore>,
    private readonly now: () => number,
  ) {}

  clear(): void {
    this.tenants.clear();
    this.subjects.clear();
    this.erased.clear();
  }

  private withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(name, fn);
  }

  // ---- tenant data and index keys (wrapped by the master key)

  private async unwrapFromMaster(tenant: string, row: StoredKey): Promise<KeyObject> {
    let raw: Buffer;
    try {
      raw = await this.master.unwrap(row.wrapped, keyWrapContext(tenant, row.scope, row.version), row.wrappedBy);
    } catch (err) {
      throw new Error(
        `key ${row.scope} v${row.version} of tenant ${tenant} failed to unwrap ` +
          `(wrong master key, or copied from another tenant or scope): ${(err as Error).message}`,
      );
    }
    return toKeyObject(raw);
  }

  private async createMasterWrapped(store: KeyStore, tenant: string, scope: string, version: number) {
    const raw = randomBytes(KEY_BYTES);
    const wrapped = await this.master.wrap(raw, keyWrapContext(tenant, scope, version));
    await store.putKey({ scope, version, wrapped, wrappedBy: this.master.keyId, createdAt: this.now() });
    return toKeyObject(raw);
  }

  /** Loads (creating what is missing) and caches a tenant's keys. Call under the tenant lock. */
  private async loadTenant(tenant: string): Promise<TenantKeys> {
    const store = await this.storeFor(tenant);
    const [dataRows, indexRows] = await Promise.all([store.getKeys(TENANT_SCOPE), store.getKeys(INDEX_SCOPE)]);
    const data = new Map<number, KeyObject>();
    for (const row of dataRows) data.set(row.version, await this.unwrapFromMaster(tenant, row));
    if (data.size === 0) data.set(1, await this.createMasterWrapped(store, tenant, TENANT_SCOPE, 1));
    const indexRow = indexRows.find((r) => r.version === 1) ?? indexRows[0];
    const index = indexRow
      ? await this.unwrapFromMaster(tenant, indexRow)
      : await this.createMasterWrapped(store, tenant, INDEX_SCOPE, 1);
    const keys: TenantKeys = { data, current: Math.max(...data.keys()), index };
    this.tenants.set(tenant, keys);
    return keys;
  }

  async tenantKeys(tenant: string): Promise<TenantKeys> {
    const hit = this.tenants.get(tenant);
    if (hit) return hit;
    return this.withLock(tenantLock(tenant), async () => this.tenants.get(tenant) ?? this.loadTenant(tenant));
  }

  async tenantKeyVersion(tenant: string, version: number): Promise<KeyObject | undefined> {
    const keys = await this.tenantKeys(tenant);
    const key = keys.data.get(version);
    if (key || version <= keys.current) return key;
    // A newer version than we know: another keyring over the same store may have rotated.
    const reloaded = await this.withLock(tenantLock(tenant), () => this.loadTenant(tenant));
    return reloaded.data.get(version);
  }

  // ---- subject keys (wrapped by a tenant key version)

  private async unwrapSubjectRow(tenant: string, row: StoredKey): Promise<Buffer> {
    const by = TENANT_WRAPPED_BY.exec(row.wrappedBy);
    const wrapping = by ? await this.tenantKeyVersion(tenant, Number(by[1])) : undefined;
    if (!wrapping) {
      throw new Error(`key ${row.scope} v${row.version} of tenant ${tenant} names an unknown wrapping key ${row.wrappedBy}`);
    }
    try {
      return unwrapKey(wrapping, row.wrapped, keyWrapContext(tenant, row.scope, row.version));
    } catch {
      throw new Error(
        `key ${row.scope} v${row.version} of tenant ${tenant} failed to unwrap (copied from another tenant or scope, or tampered)`,
      );
    }
  }

  private async putSubjectVersion(store: KeyStore, tenant: string, subject: string, version: number) {
    const tenantState = await this.tenantKeys(tenant);
    const scope = subjectScope(subject);
    const raw = randomBytes(KEY_BYTES);
    const wrapped = wrapKey(tenantState.data.get(tenantState.current)!, raw, keyWrapContext(tenant, scope, version));
    await store.putKey({ scope, version, wrapped, wrappedBy: `t${tenantState.current}`, createdAt: this.now() });
    return toKeyObject(raw);
  }

  /** Loads a subject's keys, creating version 1 when asked. Call under the subject's lock. */
  private async loadSubject(tenant: string, subject: string, create: boolean): Promise<SubjectKeys> {
    const cacheKey = subjectKey(tenant, subject);
    const store = await this.storeFor(tenant);
    // The tombstone is checked first: if a shred was interrupted after writing it, the subject
    // still counts as erased, and shredding again finishes the job.
    const [tombstone, rows] = await Promise.all([
      store.getKeys(erasedScope(subject)),
      store.getKeys(subjectScope(subject)),
    ]);
    if (tombstone.length > 0) {
      this.erased.add(cacheKey);
      throw new ErasedError(subject);
    }
    const keys = new Map<number, KeyObject>();
    for (const row of rows) keys.set(row.version, toKeyObject(await this.unwrapSubjectRow(tenant, row)));
    if (keys.size === 0) {
      if (!create) throw new SealedOpenError(`no key for subject ${subject} in tenant ${tenant}`);
      keys.set(1, await this.putSubjectVersion(store, tenant, subject, 1));
    }
    const state: SubjectKeys = { keys, current: Math.max(...keys.keys()) };
    this.subjects.set(cacheKey, state);
    return state;
  }

  async subjectKeys(tenant: string, subject: string, create: boolean): Promise<SubjectKeys> {
    const cacheKey = subjectKey(tenant, subject);
    const hit = this.subjects.get(cacheKey);
    if (hit) return hit;
    if (this.erased.has(cacheKey)) throw new ErasedError(subject);
    return this.withLock(subjectLock(tenant, subject), async () => {
      if (this.erased.has(cacheKey)) throw new ErasedError(subject);
      return this.subjects.get(cacheKey) ?? this.loadSubject(tenant, subject, create);
    });
  }

  async subjectKeyVersion(tenant: string, subject: string, version: number): Promise<KeyObject | undefined> {
    const keys = await this.subjectKeys(tenant, subject, false);
    const key = keys.keys.get(version);
    if (key || version <= keys.current) return key;
    const reloaded = await this.withLock(subjectLock(tenant, subject), () => this.loadSubject(tenant, subject, false));
    return reloaded.keys.get(version);
  }

  // ---- administration

  async rotateTenantKey(tenant: string): Promise<number> {
    assertKeyringTenant(tenant);
    await this.tenantKeys(tenant);
    return this.withLock(tenantLock(tenant), async () => {
      const store = await this.storeFor(tenant);
      const rows = await store.getKeys(TENANT_SCOPE);
      const version = Math.max(0, ...rows.map((r) => r.version)) + 1;
      const key = await this.createMasterWrapped(store, tenant, TENANT_SCOPE, version);
      const state = this.tenants.get(tenant) ?? (await this.loadTenant(tenant));
      state.data.set(version, key);
      state.current = Math.max(state.current, version);
      return version;
    });
  }

  async rotateSubjectKey(tenant: string, subject: string): Promise<number> {
    assertKeyringTenant(tenant);
    assertSubjectId(subject);
    return this.withLock(subjectLock(tenant, subject), async () => {
      const state = this.subjects.get(subjectKey(tenant, subject)) ?? (await this.loadSubject(tenant, subject, true));
      const store = await this.storeFor(tenant);
      const rows = await store.getKeys(subjectScope(subject));
      const version = Math.max(0, ...rows.map((r) => r.version)) + 1;
      state.keys.set(version, await this.putSubjectVersion(store, tenant, subject, version));
      state.current = Math.max(state.current, version);
      return version;
    });
  }

  async rewrapSubjectKeys(tenant: string): Promise<number> {
    assertKeyringTenant(tenant);
    const store = await this.storeFor(tenant);
    let rewrapped = 0;
    for (const subject of await listSubjects(store)) {
      rewrapped += await this.withLock(subjectLock(tenant, subject), async () => {
        const tenantState = await this.tenantKeys(tenant);
        const target = `t${tenantState.current}`;
        const wrapping = tenantState.data.get(tenantState.current)!;
        let count = 0;
        for (const row of await store.getKeys(subjectScope(subject))) {
          if (row.wrappedBy === target) continue;
          const raw = await this.unwrapSubjectRow(tenant, row);
          const wrapped = wrapKey(wrapping, raw, keyWrapContext(tenant, row.scope, row.version));
          raw.fill(0);
          // Same scope and version: the store replaces the entry; data sealed with it is untouched.
          await store.putKey({ ...row, wrapped, wrappedBy: target });
          count++;
        }
        return count;
      });
    }
    return rewrapped;
  }

  async shred(tenant: string, subject: string): Promise<void> {
    assertKeyringTenant(tenant);
    assertSubjectId(subject);
    await this.withLock(subjectLock(tenant, subject), async () => {
      const store = await this.storeFor(tenant);
      // Tombstone first (see loadSubject): an interrupted shred still reads as this.erased.
      await store.putKey({
        scope: erasedScope(subject),
        version: 1,
        wrapped: Buffer.alloc(0),
        wrappedBy: TOMBSTONE_WRAPPED_BY,
        createdAt: this.now(),
      });
      await store.destroyKeys(subjectScope(subject));
      this.subjects.delete(subjectKey(tenant, subject));
      this.erased.add(subjectKey(tenant, subject));
    });
  }

  async isErased(tenant: string, subject: string): Promise<boolean> {
    assertKeyringTenant(tenant);
    assertSubjectId(subject);
    const cacheKey = subjectKey(tenant, subject);
    if (this.erased.has(cacheKey)) return true;
    const store = await this.storeFor(tenant);
    const tombstone = await store.getKeys(erasedScope(subject));
    if (tombstone.length > 0) this.erased.add(cacheKey);
    return tombstone.length > 0;
  }
}

function jsonBytes(value: unknown): Buffer {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error('sealJson: value is not representable as JSON');
  return Buffer.from(json, 'utf8');
}

export function createKeyring(options: KeyringOptions): Keyring {
  const { storeFor } = options;
  const keys = new KeyCache(options.master, storeFor, options.now ?? Date.now);

  // ---- sealing

  function checkRef(ref: SealRef): string | null {
    assertAadRef(ref);
    const subject = ref.subject ?? null;
    if (subject !== null) assertSubjectId(subject);
    return subject;
  }

  /** The key that seals new values for `ref` now: the subject's current key, or the tenant's. */
  async function sealingKey(ref: SealRef, subject: string | null): Promise<{ key: KeyObject; keyId: string }> {
    if (subject !== null) {
      const state = await keys.subjectKeys(ref.tenant, subject, true);
      return { key: state.keys.get(state.current)!, keyId: formatKeyId({ kind: 'subject', version: state.current, subject }) };
    }
    const state = await keys.tenantKeys(ref.tenant);
    return { key: state.data.get(state.current)!, keyId: formatKeyId({ kind: 'tenant', version: state.current }) };
  }

  function sealWith(ref: SealRef, { key, keyId }: { key: KeyObject; keyId: string }, plaintext: Buffer): Buffer {
    const { iv, ciphertext, tag } = gcmEncrypt(key, plaintext, sealAad(ref, keyId));
    return encodeSealed(keyId, iv, ciphertext, tag);
  }

  async function seal(ref: SealRef, plaintext: Buffer): Promise<Buffer> {
    const subject = checkRef(ref);
    return sealWith(ref, await sealingKey(ref, subject), plaintext);
  }

  /** Many values at once (a batch of readings): each key is looked up once, then every value is
   *  sealed without a promise of its own. Same output as sealJson one by one. */
  async function sealJsonAll(items: readonly { ref: SealRef; value: unknown }[]): Promise<Buffer[]> {
    const holders = new Map<string, { key: KeyObject; keyId: string }>();
    const out: Buffer[] = [];
    for (const { ref, value } of items) {
      const subject = checkRef(ref);
      const holder = `${ref.tenant}\0${subject ?? ''}`;
      let k = holders.get(holder);
      if (!k) holders.set(holder, (k = await sealingKey(ref, subject)));
      out.push(sealWith(ref, k, jsonBytes(value)));
    }
    return out;
  }

  // When ref.subject is given it must be the subject whose key sealed the value; when it is
  // absent the key id decides (it is bound into the AAD either way).
  async function open(ref: SealRef, sealed: Buffer): Promise<Buffer> {
    const subject = checkRef(ref);
    let parts: SealedParts;
    try {
      parts = decodeSealed(sealed);
    } catch (err) {
      throw new SealedOpenError((err as Error).message);
    }
    const sealedBy = parts.key;
    if (subject !== null && (sealedBy.kind !== 'subject' || sealedBy.subject !== subject)) {
      throw new SealedOpenError(`sealed with key ${parts.keyId}, not with the key of the subject named by the reference`);
    }
    const key =
      sealedBy.kind === 'subject'
        ? await keys.subjectKeyVersion(ref.tenant, sealedBy.subject, sealedBy.version)
        : await keys.tenantKeyVersion(ref.tenant, sealedBy.version);
    if (!key) throw new SealedOpenError(`unknown key ${parts.keyId} in tenant ${ref.tenant}`);
    try {
      return gcmDecrypt(key, parts.iv, parts.ciphertext, parts.tag, sealAad(ref, parts.keyId));
    } catch {
      throw new SealedOpenError('authentication failed (tampered, or moved from another tenant, collection or record)');
    }
  }

  return {
    async ensureTenant(tenant) {
      assertKeyringTenant(tenant);
      await keys.tenantKeys(tenant);
    },
    seal,
    open,
    sealJson: (ref, value) => seal(ref, jsonBytes(value)),
    sealJsonAll,
    async openJson<T = unknown>(ref: SealRef, sealed: Buffer): Promise<T> {
      return JSON.parse((await open(ref, sealed)).toString('utf8')) as T;
    },
    async blindIndex(tenant, field, value) {
      assertKeyringTenant(tenant);
      if (typeof field !== 'string' || field.length === 0 || field.includes('\0')) {
        throw new Error('blindIndex: field must be a non-empty name without NUL');
      }
      const { index } = await keys.tenantKeys(tenant);
      return createHmac('sha256', index)
        .update(`${field}\0${normaliseForIndex(value)}`, 'utf8')
        .digest('hex');
    },
    rotateTenantKey: (tenant) => keys.rotateTenantKey(tenant),
    rotateSubjectKey: (tenant, subject) => keys.rotateSubjectKey(tenant, subject),
    async ensureSubject(tenant, subject) {
      assertKeyringTenant(tenant);
      assertSubjectId(subject);
      await keys.subjectKeys(tenant, subject, true);
    },
    rewrapSubjectKeys: (tenant) => keys.rewrapSubjectKeys(tenant),
    shred: (tenant, subject) => keys.shred(tenant, subject),
    isErased: (tenant, subject) => keys.isErased(tenant, subject),
    async describe(tenant) {
      assertKeyringTenant(tenant);
      return describeKeys(await storeFor(tenant));
    },
    clearCache: () => keys.clear(),
  };
}
