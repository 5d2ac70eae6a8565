// The keyring's public shape. Implementation: ./keyring.ts; master-key providers: ./master-key.ts.
// Hierarchy (docs/architecture.md "Keys and sealing"): master key → wraps tenant data keys and the tenant's
// blind-index key → tenant key wraps subject keys. Sealed value layout: see ./sealed-format.ts.
import type { KeyInfo } from '../contract.ts';
// The wire types live in the pure contract module (the dashboard reads them without Node types).
export type { KeyInfo } from '../contract.ts';

/** Where the master key comes from. A KMS implements the same interface: the master key itself
 *  never leaves the provider, only wrap/unwrap are asked of it. */
export interface MasterKeyProvider {
  /** Stable id of the current master key version, recorded beside every wrapped key. */
  readonly keyId: string;
  wrap(plainKey: Buffer, context: string): Promise<Buffer>;
  /** `keyId` is the id recorded when the key was wrapped (allows master-key rotation). */
  unwrap(wrapped: Buffer, context: string, keyId: string): Promise<Buffer>;
  /** Releases what the provider holds open (an HSM session); absent for in-memory keys. */
  close?(): Promise<void>;
}

/** Binds a sealed value to its place: moved to another tenant, collection or record it won't open. */
export interface SealRef {
  tenant: string;
  collection: string;
  id: string;
  /** Data subject (e.g. a patient id) whose own key seals the value; absent: the tenant key. */
  subject?: string | null;
}

export interface Keyring {
  /** Creates the tenant's data and index keys when missing (idempotent). */
  ensureTenant(tenant: string): Promise<void>;
  seal(ref: SealRef, plaintext: Buffer): Promise<Buffer>;
  /** Throws ErasedError when the subject's key was shredded; a generic error on tampering. */
  open(ref: SealRef, sealed: Buffer): Promise<Buffer>;
  sealJson(ref: SealRef, value: unknown): Promise<Buffer>;
  /** sealJson for many values (a batch of readings), each key looked up once. */
  sealJsonAll(items: readonly { ref: SealRef; value: unknown }[]): Promise<Buffer[]>;
  openJson<T = unknown>(ref: SealRef, sealed: Buffer): Promise<T>;
  /** HMAC-SHA256 of a normalised value under the tenant's index key (hex). Stable across rotation. */
  blindIndex(tenant: string, field: string, value: string): Promise<string>;
  /** New writes use the new version; old data stays readable. Returns the new version. */
  rotateTenantKey(tenant: string): Promise<number>;
  rotateSubjectKey(tenant: string, subject: string): Promise<number>;
  /** Creates the subject's key when missing (seal also does it lazily). ErasedError when shredded. */
  ensureSubject(tenant: string, subject: string): Promise<void>;
  /** Re-wraps every subject key under the current tenant key version, without re-encrypting
   *  any data. Returns how many key versions were re-wrapped. */
  rewrapSubjectKeys(tenant: string): Promise<number>;
  /** Destroys every version of the subject's key: its data can never be opened again. */
  shred(tenant: string, subject: string): Promise<void>;
  isErased(tenant: string, subject: string): Promise<boolean>;
  describe(tenant: string): Promise<KeyInfo[]>;
  /** Forgets cached unwrapped keys (after shredding, or at shutdown). */
  clearCache(): void;
}
