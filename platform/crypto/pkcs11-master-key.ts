// Master-key provider on PKCS#11 (interface: ./types.ts). The master key is an AES-256 secret key
// object generated inside the token, never extractable and sensitive: its bytes never reach this
// process. Every wrap and unwrap of a tenant key is an AES-GCM operation the token performs, with
// the wrap context as additional authenticated data (same binding as ./aead.ts wrapKey).
//
// Wrapped format (versioned, so a reader knows what wrapped it; the stored wrappedBy says which
// provider and key: `pkcs11:<CKA_ID hex>`):
//   byte 0     0x01 = PKCS#11 CKM_AES_GCM, 96-bit IV, 128-bit tag
//   bytes 1-12 IV (random, from this process: a token's RNG is not needed for uniqueness)
//   rest       ciphertext || tag, as the token returns them
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
// Default import: under Node's ESM loader the namespace form misses the module's constants.
import pkcs11js from 'pkcs11js';
import { KEY_BYTES } from './aead.ts';
import type { MasterKeyProvider } from './types.ts';

export const PKCS11_WRAP_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BITS = 128;
const ID_BYTES = 8;

export interface Pkcs11Settings {
  /** Path of the PKCS#11 module (e.g. libsofthsm2.so, a vendor's HSM library). */
  module: string;
  /** Token chosen by label (preferred) or by slot index in the list of slots with a token. */
  tokenLabel?: string;
  slot?: number;
  /** User PIN: from a file (0600, first line) or given directly (environment). */
  pinFile?: string;
  pin?: string;
  /** Label of the master key object; created in the token on first use. */
  keyLabel: string;
}

/** One loaded and initialised module per path: C_Initialize runs once per process. */
const modules = new Map<string, pkcs11js.PKCS11>();

function loadModule(path: string): pkcs11js.PKCS11 {
  const hit = modules.get(path);
  if (hit) return hit;
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(path);
  } catch (err) {
    throw new Error(`PKCS#11 module ${path} could not be loaded: ${(err as Error).message}`);
  }
  try {
    lib.C_Initialize();
  } catch (err) {
    if (!isCode(err, 'CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw new Error(`PKCS#11 module ${path} failed to initialise: ${(err as Error).message}`);
  }
  modules.set(path, lib);
  return lib;
}

const isCode = (err: unknown, name: string) => err instanceof Error && err.message.includes(name);

/** Reads the PIN file, refusing one readable by group or others (ASVS 6.4.1, like the key file). */
export async function readPinFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw new Error(`PKCS#11 PIN file ${path} is accessible by group or others (mode ${mode}); refusing to start. Restrict it with: chmod 600 ${path}`);
    }
    const pin = (await handle.readFile('utf8')).split('\n')[0]!.trim();
    if (!pin) throw new Error(`PKCS#11 PIN file ${path} is empty`);
    return pin;
  } finally {
    await handle.close();
  }
}

function findSlot(lib: pkcs11js.PKCS11, s: Pkcs11Settings): pkcs11js.Handle {
  const slots = lib.C_GetSlotList(true);
  if (s.tokenLabel !== undefined) {
    const slot = slots.find((h) => lib.C_GetTokenInfo(h).label.trim() === s.tokenLabel);
    if (!slot) throw new Error(`PKCS#11 token "${s.tokenLabel}" not found in ${s.module} (is the token present and initialised?)`);
    return slot;
  }
  const slot = slots[s.slot ?? 0];
  if (!slot) throw new Error(`PKCS#11 slot ${s.slot ?? 0} has no token in ${s.module}`);
  return slot;
}

export class Pkcs11MasterKeyProvider implements MasterKeyProvider {
  readonly keyId: string;
  #open = true;

  private constructor(
    private readonly lib: pkcs11js.PKCS11,
    private readonly session: pkcs11js.Handle,
    private readonly key: pkcs11js.Handle,
    readonly idHex: string,
    readonly created: boolean,
  ) {
    this.keyId = `pkcs11:${idHex}`;
  }

  /** Opens a session on the token, logs in, finds the key by label or generates it in the token. */
  static async open(s: Pkcs11Settings): Promise<Pkcs11MasterKeyProvider> {
    const pin = s.pinFile ? await readPinFile(s.pinFile) : s.pin;
    if (!pin) throw new Error('PKCS#11 master key: no PIN configured (CUSTODIA_PKCS11_PIN_FILE or CUSTODIA_PKCS11_PIN)');
    const lib = loadModule(s.module);
    const slot = findSlot(lib, s);
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      try {
        lib.C_Login(session, pkcs11js.CKU_USER, pin);
      } catch (err) {
        // Another session of this process is already logged in to the token: it proved the PIN.
        if (!isCode(err, 'CKR_USER_ALREADY_LOGGED_IN')) {
          const why = isCode(err, 'CKR_PIN_INCORRECT') ? 'wrong PIN' : isCode(err, 'CKR_PIN_LOCKED') ? 'PIN locked' : (err as Error).message;
          throw new Error(`PKCS#11 login to token "${s.tokenLabel ?? `slot ${s.slot ?? 0}`}" failed: ${why}; check CUSTODIA_PKCS11_PIN_FILE`);
        }
      }
      const found = findKey(lib, session, s.keyLabel);
      const key = found ?? generateKey(lib, session, s.keyLabel);
      const id = lib.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_ID }])[0]!.value as Buffer;
      assertProtected(lib, session, key, s.keyLabel);
      return new Pkcs11MasterKeyProvider(lib, session, key, id.toString('hex'), !found);
    } catch (err) {
      lib.C_CloseSession(session);
      throw err;
    }
  }

  async wrap(plainKey: Buffer, context: string): Promise<Buffer> {
    if (!context) throw new Error('a wrap context is required');
    const iv = randomBytes(IV_BYTES);
    this.lib.C_EncryptInit(this.session, this.#gcm(iv, context), this.key);
    const out = this.lib.C_Encrypt(this.session, plainKey, Buffer.alloc(plainKey.length + TAG_BITS / 8));
    return Buffer.concat([Buffer.from([PKCS11_WRAP_V1]), iv, out]);
  }

  async unwrap(wrapped: Buffer, context: string, keyId: string): Promise<Buffer> {
    if (keyId !== this.keyId) {
      throw new Error(`key was wrapped by master key ${keyId}, but the configured master key is ${this.keyId}; configure the master key that wrapped it`);
    }
    if (wrapped.length < 1 + IV_BYTES + TAG_BITS / 8 || wrapped[0] !== PKCS11_WRAP_V1) {
      throw new Error(`master key ${this.keyId}: unknown wrapped-key format`);
    }
    const iv = wrapped.subarray(1, 1 + IV_BYTES);
    const body = wrapped.subarray(1 + IV_BYTES);
    try {
      this.lib.C_DecryptInit(this.session, this.#gcm(iv, context), this.key);
      return Buffer.from(this.lib.C_Decrypt(this.session, body, Buffer.alloc(body.length)));
    } catch {
      throw new Error(`master key ${this.keyId} could not unwrap the key for ${context}: wrong context or tampered bytes`);
    }
  }

  /** Ends the session (the token logs the process out when its last session closes). */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.lib.C_CloseSession(this.session);
    } catch {
      // Already closed with the module; nothing left to release.
    }
  }

  #gcm(iv: Buffer, context: string): pkcs11js.Mechanism {
    const parameter: pkcs11js.AesGCM = {
      type: pkcs11js.CK_PARAMS_AES_GCM,
      iv,
      aad: Buffer.from(context, 'utf8'),
      ivBits: IV_BYTES * 8,
      tagBits: TAG_BITS,
    };
    return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
  }
}

function findKey(lib: pkcs11js.PKCS11, session: pkcs11js.Handle, label: string): pkcs11js.Handle | null {
  lib.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: label },
  ]);
  try {
    const hits = lib.C_FindObjects(session, 2);
    if (hits.length > 1) throw new Error(`PKCS#11 token holds more than one key labelled "${label}"; keep exactly one`);
    return hits[0] ?? null;
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

/** AES-256, generated by the token, stored on it, never to leave it. */
function generateKey(lib: pkcs11js.PKCS11, session: pkcs11js.Handle, label: string): pkcs11js.Handle {
  return lib.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: KEY_BYTES },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: randomBytes(ID_BYTES) },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_ENCRYPT, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: true },
    { type: pkcs11js.CKA_WRAP, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
  ]);
}

/** Refuses a key someone created extractable or non-sensitive under our label. */
function assertProtected(lib: pkcs11js.PKCS11, session: pkcs11js.Handle, key: pkcs11js.Handle, label: string): void {
  const [sensitive, extractable] = lib.C_GetAttributeValue(session, key, [
    { type: pkcs11js.CKA_SENSITIVE },
    { type: pkcs11js.CKA_EXTRACTABLE },
  ]);
  const flag = (a: pkcs11js.Attribute | undefined) => (a?.value as Buffer | undefined)?.[0] === 1;
  if (!flag(sensitive) || flag(extractable)) {
    throw new Error(`PKCS#11 key "${label}" is extractable or not sensitive; refusing to use it as the master key`);
  }
}
