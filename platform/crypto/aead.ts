// AES-256-GCM primitives shared by the master-key providers (./master-key.ts) and the keyring
// (./keyring.ts). 96-bit random IVs and 128-bit tags, as NIST SP 800-38D recommends for GCM.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.ts';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export type AesKey = KeyObject | Buffer;

export interface GcmOutput {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** A fresh 96-bit IV from the CSPRNG (./random-pool.ts). */
export const freshIv = (): Buffer => pooledRandomBytes(IV_BYTES);

export function gcmEncrypt(key: AesKey, plaintext: Buffer, aad: Buffer): GcmOutput {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** Throws (node's "unable to authenticate data") when the key, AAD, IV, ciphertext or tag differ. */
export function gcmDecrypt(key: AesKey, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Key wrapping with a context string as AAD. Layout: iv (12) | ciphertext | tag (16). */
export function wrapKey(wrappingKey: AesKey, plainKey: Buffer, context: string): Buffer {
  const { iv, ciphertext, tag } = gcmEncrypt(wrappingKey, plainKey, Buffer.from(context, 'utf8'));
  return Buffer.concat([iv, ciphertext, tag]);
}

export function unwrapKey(wrappingKey: AesKey, wrapped: Buffer, context: string): Buffer {
  if (!Buffer.isBuffer(wrapped) || wrapped.length < IV_BYTES + TAG_BYTES + 1) {
    throw new Error('wrapped key is malformed: too short');
  }
  const iv = wrapped.subarray(0, IV_BYTES);
  const tag = wrapped.subarray(wrapped.length - TAG_BYTES);
  const ciphertext = wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES);
  return gcmDecrypt(wrappingKey, iv, ciphertext, tag, Buffer.from(context, 'utf8'));
}

/** Turns raw key bytes into a KeyObject and wipes the source buffer, so plain key bytes do not
 *  linger in the JS heap where a heap dump or a stray log line could reach them. */
export function toKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== KEY_BYTES) {
    raw.fill(0);
    throw new Error(`key has ${raw.length} bytes; AES-256 needs ${KEY_BYTES}`);
  }
  const key = createSecretKey(raw); // copies the bytes into the KeyObject
  raw.fill(0);
  return key;
}
