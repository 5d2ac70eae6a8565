// The sealed value's byte layout (docs/architecture.md "Keys and sealing"):
//
//   version (1 byte = 1) | keyIdLength (1 byte) | keyId (ASCII) | iv (12) | ciphertext | tag (16)
//
// Key ids: `t<version>` — the tenant data key; `s<version>:<subjectId>` — a data subject's key.
// The AAD is the UTF-8 of `custodia/v1|<tenant>|<collection>|<id>|<keyId>`, so a value copied to
// another record, collection or tenant, or relabelled with another key id, fails to open.
// Decoding never trusts a length byte: every read is bounds-checked first.
import { PLATFORM_SCOPE, TENANT_ID_PATTERN } from '../storage/port.ts';
import { IV_BYTES, TAG_BYTES } from './aead.ts';

export const SEALED_FORMAT_VERSION = 1;
export const AAD_PREFIX = 'custodia/v1';

/** Subject ids are opaque ids (UUIDs and the like), never personal data. */
export const SUBJECT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,80}$/;

const TENANT_KEY_ID = /^t([1-9][0-9]{0,8})$/;
const SUBJECT_KEY_ID = /^s([1-9][0-9]{0,8}):(.+)$/;
const HEADER_BYTES = 2;

export type SealKeyId = { kind: 'tenant'; version: number } | { kind: 'subject'; version: number; subject: string };

export interface SealedParts {
  keyId: string;
  key: SealKeyId;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Raised for bytes that are not a sealed value of a known layout. */
export class SealedFormatError extends Error {
  override name = 'SealedFormatError';
}

export function isSubjectId(id: unknown): id is string {
  return typeof id === 'string' && SUBJECT_ID_PATTERN.test(id);
}

export function assertSubjectId(id: unknown): asserts id is string {
  if (!isSubjectId(id)) {
    throw new Error('invalid subject id: expected an opaque id of 1-80 characters from [A-Za-z0-9_.:-]');
  }
}

export function formatKeyId(key: SealKeyId): string {
  if (!Number.isSafeInteger(key.version) || key.version < 1 || key.version > 999_999_999) {
    throw new Error(`invalid key version ${key.version}`);
  }
  if (key.kind === 'tenant') return `t${key.version}`;
  assertSubjectId(key.subject);
  return `s${key.version}:${key.subject}`;
}

export function parseKeyId(keyId: string): SealKeyId {
  const t = TENANT_KEY_ID.exec(keyId);
  if (t) return { kind: 'tenant', version: Number(t[1]) };
  const s = SUBJECT_KEY_ID.exec(keyId);
  if (s && isSubjectId(s[2])) return { kind: 'subject', version: Number(s[1]), subject: s[2] };
  throw new SealedFormatError(`malformed sealed value: unknown key id ${JSON.stringify(keyId.slice(0, 90))}`);
}

export function encodeSealed(keyId: string, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  parseKeyId(keyId);
  if (iv.length !== IV_BYTES) throw new Error(`iv must be ${IV_BYTES} bytes`);
  if (tag.length !== TAG_BYTES) throw new Error(`tag must be ${TAG_BYTES} bytes`);
  const id = Buffer.from(keyId, 'latin1');
  const header = Buffer.from([SEALED_FORMAT_VERSION, id.length]);
  return Buffer.concat([header, id, iv, ciphertext, tag]);
}

export function decodeSealed(sealed: Uint8Array): SealedParts {
  if (!(sealed instanceof Uint8Array)) {
    throw new SealedFormatError('malformed sealed value: expected bytes');
  }
  const buf = Buffer.isBuffer(sealed) ? sealed : Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (buf.length < HEADER_BYTES) {
    throw new SealedFormatError(`malformed sealed value: ${buf.length} bytes is shorter than the header`);
  }
  const version = buf[0];
  if (version !== SEALED_FORMAT_VERSION) {
    throw new SealedFormatError(`malformed sealed value: unsupported format version ${version}`);
  }
  const idLength = buf[1]!;
  const ivStart = HEADER_BYTES + idLength;
  const minimum = ivStart + IV_BYTES + TAG_BYTES;
  if (idLength === 0 || buf.length < minimum) {
    throw new SealedFormatError(
      `malformed sealed value: ${buf.length} bytes, at least ${Math.max(minimum, HEADER_BYTES + 2 + IV_BYTES + TAG_BYTES)} expected`,
    );
  }
  const keyId = buf.toString('latin1', HEADER_BYTES, ivStart);
  const key = parseKeyId(keyId);
  return {
    keyId,
    key,
    iv: buf.subarray(ivStart, ivStart + IV_BYTES),
    ciphertext: buf.subarray(ivStart + IV_BYTES, buf.length - TAG_BYTES),
    tag: buf.subarray(buf.length - TAG_BYTES),
  };
}

/** Where a sealed value lives. `|` cannot occur in the tenant, the collection or the key id, so the
 *  joined AAD is unambiguous even when a record id contains `|`. */
export interface AadRef {
  tenant: string;
  collection: string;
  id: string;
}

const COLLECTION_PATTERN = /^[^|\0]{1,128}$/;
const MAX_RECORD_ID_LENGTH = 512;

/** Tenant ids follow the storage port's pattern (the platform's own store may seal too). */
export function isKeyringTenant(tenant: unknown): tenant is string {
  return typeof tenant === 'string' && (TENANT_ID_PATTERN.test(tenant) || tenant === PLATFORM_SCOPE);
}

export function assertKeyringTenant(tenant: unknown): asserts tenant is string {
  if (!isKeyringTenant(tenant)) throw new Error(`invalid tenant id: ${JSON.stringify(tenant)}`);
}

export function assertAadRef(ref: AadRef): void {
  assertKeyringTenant(ref.tenant);
  if (typeof ref.collection !== 'string' || !COLLECTION_PATTERN.test(ref.collection)) {
    throw new Error('invalid seal reference: collection must be 1-128 characters without "|"');
  }
  if (typeof ref.id !== 'string' || ref.id.length === 0 || ref.id.length > MAX_RECORD_ID_LENGTH) {
    throw new Error(`invalid seal reference: record id must be 1-${MAX_RECORD_ID_LENGTH} characters`);
  }
}

export function sealAad(ref: AadRef, keyId: string): Buffer {
  return Buffer.from(`${AAD_PREFIX}|${ref.tenant}|${ref.collection}|${ref.id}|${keyId}`, 'utf8');
}
