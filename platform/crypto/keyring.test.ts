import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErasedError } from '../errors.ts';
import { createKeyring, normaliseForIndex, type KeyStore } from './keyring.ts';
import { MemoryKeyStore, setup } from './keyring.fixture.ts';
import { EnvMasterKeyProvider, FileMasterKeyProvider } from './master-key.ts';
import { decodeSealed } from './sealed-format.ts';
import type { SealRef } from './types.ts';

const subject = () => randomUUID();
const keyIdOf = (sealed: Buffer) => decodeSealed(sealed).keyId;
const plain = Buffer.from('{"spo2":96,"hr":72}');
const FAILED = /^sealed value failed to open/;

describe('seal and open', () => {
  it('round-trips a value sealed with the tenant key', async () => {
    const { keyring } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'lamps', id: 'lamp-1' };
    const sealed = await keyring.seal(ref, plain);
    expect(sealed.includes(plain)).toBe(false);
    expect(keyIdOf(sealed)).toBe('t1');
    expect((await keyring.open(ref, sealed)).equals(plain)).toBe(true);
  });

  it('round-trips a value sealed with a subject key, creating the key on first seal', async () => {
    const { keyring, store } = setup();
    const s = subject();
    const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'r-1', subject: s };
    const sealed = await keyring.seal(ref, plain);
    expect(keyIdOf(sealed)).toBe(`s1:${s}`);
    expect(store('acme').putsFor(`subject:${s}`)).toHaveLength(1);
    expect(store('acme').putsFor(`subject:${s}`)[0]!.wrappedBy).toBe('t1');
    expect((await keyring.open(ref, sealed)).equals(plain)).toBe(true);
  });

  it('opens subject data whose reference omits the subject: the key id decides', async () => {
    const { keyring } = setup();
    const s = subject();
    const sealed = await keyring.seal({ tenant: 'acme', collection: 'vitals', id: 'r-1', subject: s }, plain);
    const opened = await keyring.open({ tenant: 'acme', collection: 'vitals', id: 'r-1' }, sealed);
    expect(opened.equals(plain)).toBe(true);
  });

  it('refuses to open when the reference names a different subject than the one that sealed', async () => {
    const { keyring } = setup();
    const sealed = await keyring.seal({ tenant: 'acme', collection: 'vitals', id: 'r-1', subject: subject() }, plain);
    await expect(keyring.open({ tenant: 'acme', collection: 'vitals', id: 'r-1', subject: subject() }, sealed)).rejects.toThrow(
      FAILED,
    );
  });

  it('round-trips JSON and an empty value', async () => {
    const { keyring } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'patients', id: 'p-1', subject: subject() };
    const value = { code: '59408-5', value: 97, unit: '%', tags: ['home'] };
    expect(await keyring.openJson(ref, await keyring.sealJson(ref, value))).toEqual(value);
    expect((await keyring.open(ref, await keyring.seal(ref, Buffer.alloc(0)))).length).toBe(0);
  });

  it('seals the same value twice into different bytes (random IV)', async () => {
    const { keyring } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'lamps', id: 'lamp-1' };
    const a = await keyring.seal(ref, plain);
    const b = await keyring.seal(ref, plain);
    expect(a.equals(b)).toBe(false);
  });

  it.each([
    ['a personal-looking subject id', { tenant: 'acme', collection: 'vitals', id: 'r', subject: 'Jane Doe' }, /subject id/],
    ['an invalid tenant id', { tenant: 'ACME!', collection: 'vitals', id: 'r' }, /tenant id/],
    ['a collection with "|"', { tenant: 'acme', collection: 'a|b', id: 'r' }, /collection/],
  ])('refuses to seal with %s', async (_label, ref, message) => {
    const { keyring } = setup();
    await expect(keyring.seal(ref as SealRef, plain)).rejects.toThrow(message);
  });
});

describe('binding to the record (AAD)', () => {
  const original: SealRef = { tenant: 'acme', collection: 'vitals', id: 'obs-1', subject: 'pt-1' };
  it.each([
    ['another record id', { ...original, id: 'obs-2' }],
    ['another collection', { ...original, collection: 'alarms' }],
    ['another tenant', { ...original, tenant: 'globex' }],
  ])('a value moved to %s fails to open', async (_label, moved) => {
    const { keyring } = setup();
    await keyring.ensureSubject('globex', 'pt-1'); // the other tenant even has a subject of that id
    const sealed = await keyring.seal(original, plain);
    await expect(keyring.open(moved, sealed)).rejects.toThrow(FAILED);
    await expect(keyring.open(moved, sealed)).rejects.not.toBeInstanceOf(ErasedError);
    expect((await keyring.open(original, sealed)).equals(plain)).toBe(true);
  });

  it('a tenant-key value moved to another tenant fails to open', async () => {
    const { keyring } = setup();
    const sealed = await keyring.seal({ tenant: 'acme', collection: 'lamps', id: 'l-1' }, plain);
    await keyring.ensureTenant('globex');
    await expect(keyring.open({ tenant: 'globex', collection: 'lamps', id: 'l-1' }, sealed)).rejects.toThrow(FAILED);
  });
});

describe('tampering', () => {
  it.each([
    ['tenant key', undefined],
    ['subject key', 'pt-7'],
  ])('flipping any single bit of a value sealed with the %s makes it fail to open', async (_label, s) => {
    const { keyring } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'obs-1', subject: s ?? null };
    const sealed = await keyring.seal(ref, plain);
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i]! ^= 0x01;
      await expect(keyring.open(ref, tampered), `byte ${i}`).rejects.toThrow(FAILED);
    }
  });

  const malformed: [string, Buffer][] = [
    ['an empty buffer', Buffer.alloc(0)],
    ['one byte', Buffer.from([1])],
    ['a header promising a key id past the end', Buffer.from([1, 250, 0x74])],
    ['a key id with no iv or tag', Buffer.from([1, 2, 0x74, 0x31])],
    ['an unknown format version', Buffer.concat([Buffer.from([9, 2]), Buffer.from('t1'), Buffer.alloc(28)])],
  ];
  it.each(malformed)('opening %s gives a clear "malformed" error, not a crash', async (_label, bytes) => {
    const { keyring } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'obs-1' };
    await expect(keyring.open(ref, bytes)).rejects.toThrow(/^sealed value failed to open: malformed sealed value/);
  });

  it('a well-formed value naming a key version that does not exist fails to open', async () => {
    const { keyring } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'obs-1' };
    const forged = Buffer.concat([Buffer.from([1, 2]), Buffer.from('t9'), Buffer.alloc(40)]);
    await expect(keyring.open(ref, forged)).rejects.toThrow(/^sealed value failed to open: unknown key t9/);
  });
});

describe('tenant key rotation', () => {
  it('new seals use the new version and data sealed before still opens', async () => {
    const { keyring, restart, store } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'lamps', id: 'l-1' };
    const before = await keyring.seal(ref, plain);
    expect(await keyring.rotateTenantKey('acme')).toBe(2);
    const after = await keyring.seal(ref, plain);
    expect(keyIdOf(before)).toBe('t1');
    expect(keyIdOf(after)).toBe('t2');
    expect((await keyring.open(ref, before)).equals(plain)).toBe(true);
    expect((await keyring.open(ref, after)).equals(plain)).toBe(true);
    expect(await keyring.rotateTenantKey('acme')).toBe(3);

    const fresh = restart();
    expect((await fresh.open(ref, before)).equals(plain)).toBe(true);
    expect(keyIdOf(await fresh.seal(ref, plain))).toBe('t3');
    expect(store('acme').putsFor('tenant').map((k) => k.version)).toEqual([1, 2, 3]);
  });

  it('subject keys stay wrapped by the tenant version that wrapped them and still open after restart', async () => {
    const { keyring, restart, store } = setup();
    const early = subject();
    const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'o-1', subject: early };
    const sealed = await keyring.seal(ref, plain);
    await keyring.rotateTenantKey('acme');
    const late = subject();
    await keyring.ensureSubject('acme', late);

    expect(store('acme').rows.get(`subject:${early}`)!.get(1)!.wrappedBy).toBe('t1');
    expect(store('acme').rows.get(`subject:${late}`)!.get(1)!.wrappedBy).toBe('t2');
    expect((await restart().open(ref, sealed)).equals(plain)).toBe(true);
  });

  it('a keyring learns of a rotation done by another keyring over the same store', async () => {
    const { keyring, restart } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'lamps', id: 'l-1' };
    await keyring.ensureTenant('acme');
    const other = restart();
    await other.rotateTenantKey('acme');
    const sealedByOther = await other.seal(ref, plain);
    expect((await keyring.open(ref, sealedByOther)).equals(plain)).toBe(true);
  });
});

describe('re-wrapping subject keys', () => {
  it('re-wraps every subject key under the current tenant version without touching the data', async () => {
    const { keyring, restart, store } = setup();
    const subjects = [subject(), subject(), subject()];
    const sealed = await Promise.all(
      subjects.map((s, i) => keyring.seal({ tenant: 'acme', collection: 'vitals', id: `o-${i}`, subject: s }, plain)),
    );
    await keyring.rotateSubjectKey('acme', subjects[0]!); // two versions for the first subject
    await keyring.rotateTenantKey('acme');
    await keyring.rotateTenantKey('acme');

    expect(await keyring.rewrapSubjectKeys('acme')).toBe(4);
    for (const s of subjects) {
      for (const row of store('acme').rows.get(`subject:${s}`)!.values()) expect(row.wrappedBy).toBe('t3');
    }
    const fresh = restart();
    for (const [i, s] of subjects.entries()) {
      const opened = await fresh.open({ tenant: 'acme', collection: 'vitals', id: `o-${i}`, subject: s }, sealed[i]!);
      expect(opened.equals(plain)).toBe(true);
    }
    expect(await keyring.rewrapSubjectKeys('acme')).toBe(0);
  });

  it('says clearly when the store cannot list key scopes', async () => {
    const master = new EnvMasterKeyProvider(randomBytes(32).toString('hex'));
    const store = new MemoryKeyStore();
    const limited: KeyStore = {
      getKeys: (s) => store.getKeys(s),
      putKey: (k) => store.putKey(k),
      destroyKeys: (s) => store.destroyKeys(s),
    };
    const keyring = createKeyring({ master, storeFor: async () => limited });
    await expect(keyring.rewrapSubjectKeys('acme')).rejects.toThrow(/cannot list key scopes/);
  });
});

describe('subject key rotation', () => {
  it('new seals use the new subject version, old ones still open', async () => {
    const { keyring, restart } = setup();
    const s = subject();
    const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'o-1', subject: s };
    const v1 = await keyring.seal(ref, plain);
    expect(await keyring.rotateSubjectKey('acme', s)).toBe(2);
    const v2 = await keyring.seal(ref, plain);
    expect(keyIdOf(v1)).toBe(`s1:${s}`);
    expect(keyIdOf(v2)).toBe(`s2:${s}`);
    const fresh = restart();
    expect((await fresh.open(ref, v1)).equals(plain)).toBe(true);
    expect((await fresh.open(ref, v2)).equals(plain)).toBe(true);
  });
});

describe('crypto-shredding', () => {
  it('after shred the subject data throws ErasedError, sealing refuses, other subjects are unaffected', async () => {
    const { keyring, restart, store } = setup();
    const [gone, kept] = [subject(), subject()];
    const goneRef: SealRef = { tenant: 'acme', collection: 'vitals', id: 'o-1', subject: gone };
    const keptRef: SealRef = { tenant: 'acme', collection: 'vitals', id: 'o-2', subject: kept };
    const goneSealed = await keyring.seal(goneRef, plain);
    await keyring.rotateSubjectKey('acme', gone);
    const goneSealedV2 = await keyring.seal(goneRef, plain);
    const keptSealed = await keyring.seal(keptRef, plain);
    expect(await keyring.isErased('acme', gone)).toBe(false);

    await keyring.shred('acme', gone);

    expect(store('acme').rows.has(`subject:${gone}`)).toBe(false);
    expect(store('acme').rows.get(`erased:${gone}`)!.get(1)!.wrapped.length).toBe(0);
    for (const kr of [keyring, restart()]) {
      await expect(kr.open(goneRef, goneSealed)).rejects.toBeInstanceOf(ErasedError);
      await expect(kr.open(goneRef, goneSealedV2)).rejects.toBeInstanceOf(ErasedError);
      await expect(kr.open({ ...goneRef, subject: null }, goneSealed)).rejects.toBeInstanceOf(ErasedError);
      await expect(kr.seal(goneRef, plain)).rejects.toBeInstanceOf(ErasedError);
      await expect(kr.ensureSubject('acme', gone)).rejects.toBeInstanceOf(ErasedError);
      await expect(kr.rotateSubjectKey('acme', gone)).rejects.toBeInstanceOf(ErasedError);
      expect(await kr.isErased('acme', gone)).toBe(true);
      expect(await kr.isErased('acme', kept)).toBe(false);
      expect((await kr.open(keptRef, keptSealed)).equals(plain)).toBe(true);
    }
  });

  it('shredding a subject in one tenant leaves a subject with the same id in another tenant alone', async () => {
    const { keyring } = setup();
    const ref = (tenant: string): SealRef => ({ tenant, collection: 'vitals', id: 'o-1', subject: 'pt-1' });
    await keyring.seal(ref('acme'), plain);
    const other = await keyring.seal(ref('globex'), plain);
    await keyring.shred('acme', 'pt-1');
    expect((await keyring.open(ref('globex'), other)).equals(plain)).toBe(true);
    expect(await keyring.isErased('globex', 'pt-1')).toBe(false);
  });

  it('shredding a subject that never had a key still blocks later seals', async () => {
    const { keyring } = setup();
    await keyring.shred('acme', 'pt-never');
    await expect(keyring.seal({ tenant: 'acme', collection: 'v', id: '1', subject: 'pt-never' }, plain)).rejects.toBeInstanceOf(
      ErasedError,
    );
  });
});

describe('blind index', () => {
  it('is deterministic, hex, and stable across restarts and tenant key rotation', async () => {
    const { keyring, restart } = setup();
    const first = await keyring.blindIndex('acme', 'identifier', 'NHS-000-111');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyring.blindIndex('acme', 'identifier', 'NHS-000-111')).toBe(first);
    await keyring.rotateTenantKey('acme');
    expect(await keyring.blindIndex('acme', 'identifier', 'NHS-000-111')).toBe(first);
    expect(await restart().blindIndex('acme', 'identifier', 'NHS-000-111')).toBe(first);
  });

  it.each([
    ['surrounding spaces', '  abc-123 ', 'abc-123'],
    ['upper case', 'ABC-123', 'abc-123'],
    ['full-width characters (NFKC)', 'ＡＢＣ－１２３', 'abc-123'],
    ['a composed vs decomposed accent', 'E\u0301lan', '\u00e9lan'],
  ])('normalises %s', async (_label, a, b) => {
    const { keyring } = setup();
    expect(normaliseForIndex(a)).toBe(normaliseForIndex(b));
    expect(await keyring.blindIndex('acme', 'identifier', a)).toBe(await keyring.blindIndex('acme', 'identifier', b));
  });

  it('differs per tenant, per field and per value', async () => {
    const { keyring } = setup();
    const values = await Promise.all([
      keyring.blindIndex('acme', 'identifier', 'x-1'),
      keyring.blindIndex('globex', 'identifier', 'x-1'),
      keyring.blindIndex('acme', 'email', 'x-1'),
      keyring.blindIndex('acme', 'identifier', 'x-2'),
    ]);
    expect(new Set(values).size).toBe(4);
  });

  it('does not let field and value run together ("ab"+"c" vs "a"+"bc")', async () => {
    const { keyring } = setup();
    expect(await keyring.blindIndex('acme', 'ab', 'c')).not.toBe(await keyring.blindIndex('acme', 'a', 'bc'));
  });
});

describe('wrapped keys are bound to their tenant and scope', () => {
  it('a tenant data key copied into another tenant store does not unwrap', async () => {
    const { keyring, storeFor, store } = setup();
    await keyring.ensureTenant('acme');
    const intruder = await storeFor('initech');
    for (const row of store('acme').rows.get('tenant')!.values()) await intruder.putKey(row);
    await expect(keyring.ensureTenant('initech')).rejects.toThrow(/failed to unwrap/);
  });

  it('a subject key copied into another tenant store does not unwrap', async () => {
    const { keyring, store } = setup();
    await keyring.ensureSubject('acme', 'pt-1');
    await keyring.ensureTenant('globex');
    await store('globex').putKey(store('acme').rows.get('subject:pt-1')!.get(1)!);
    await expect(keyring.ensureSubject('globex', 'pt-1')).rejects.toThrow(/failed to unwrap/);
  });

  it('a subject key copied to another subject scope does not unwrap', async () => {
    const { keyring, store } = setup();
    await keyring.ensureSubject('acme', 'pt-1');
    await store('acme').putKey({ ...store('acme').rows.get('subject:pt-1')!.get(1)!, scope: 'subject:pt-2' });
    await expect(keyring.ensureSubject('acme', 'pt-2')).rejects.toThrow(/failed to unwrap/);
  });

  it('the index key copied over the data key does not unwrap', async () => {
    const { keyring, restart, store } = setup();
    await keyring.ensureTenant('acme');
    await store('acme').putKey({ ...store('acme').rows.get('index')!.get(1)!, scope: 'tenant' });
    await expect(restart().ensureTenant('acme')).rejects.toThrow(/failed to unwrap/);
  });
});

describe('concurrency and caching', () => {
  it('concurrent first seals for a new tenant and subject create exactly one key of each', async () => {
    const { keyring, store } = setup();
    const s = subject();
    const refs = Array.from({ length: 50 }, (_, i): SealRef => ({ tenant: 'acme', collection: 'vitals', id: `o-${i}`, subject: s }));
    const sealed = await Promise.all(refs.map((ref) => keyring.seal(ref, plain)));
    expect(store('acme').putsFor('tenant')).toHaveLength(1);
    expect(store('acme').putsFor('index')).toHaveLength(1);
    expect(store('acme').putsFor(`subject:${s}`)).toHaveLength(1);
    expect(new Set(sealed.map(keyIdOf))).toEqual(new Set([`s1:${s}`]));
    const opened = await Promise.all(refs.map((ref, i) => keyring.open(ref, sealed[i]!)));
    expect(opened.every((b) => b.equals(plain))).toBe(true);
  });

  it('ensureTenant is idempotent', async () => {
    const { keyring, restart, store } = setup();
    await Promise.all([keyring.ensureTenant('acme'), keyring.ensureTenant('acme')]);
    await restart().ensureTenant('acme');
    expect(store('acme').puts).toHaveLength(2);
  });

  it('clearCache forgets keys but data still opens from the store', async () => {
    const { keyring } = setup();
    const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'o-1', subject: 'pt-1' };
    const sealed = await keyring.seal(ref, plain);
    keyring.clearCache();
    expect((await keyring.open(ref, sealed)).equals(plain)).toBe(true);
  });

  it('10,000 seal and open pairs all round-trip', async () => {
    const { keyring } = setup();
    for (let i = 0; i < 10_000; i++) {
      const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: `o-${i}`, subject: i % 2 ? `pt-${i % 10}` : null };
      const value = Buffer.from(`reading ${i}`);
      const opened = await keyring.open(ref, await keyring.seal(ref, value));
      if (!opened.equals(value)) throw new Error(`round trip ${i} differs`);
    }
    expect(await keyring.isErased('acme', 'pt-1')).toBe(false);
  });
});

describe('describe', () => {
  it('lists tenant, index and subject keys with versions and current flags, never key material', async () => {
    const { keyring, master } = setup();
    await keyring.ensureSubject('acme', 'pt-b');
    await keyring.rotateTenantKey('acme');
    await keyring.ensureSubject('acme', 'pt-a');
    await keyring.shred('acme', 'pt-b');
    const infos = await keyring.describe('acme');
    expect(infos.map(({ scope, version, wrappedBy, current }) => ({ scope, version, wrappedBy, current }))).toEqual([
      { scope: 'tenant', version: 1, wrappedBy: master.keyId, current: false },
      { scope: 'tenant', version: 2, wrappedBy: master.keyId, current: true },
      { scope: 'index', version: 1, wrappedBy: master.keyId, current: true },
      { scope: 'subject:pt-a', version: 1, wrappedBy: 't2', current: true },
    ]);
    for (const info of infos) {
      expect(Object.keys(info).sort()).toEqual(['createdAt', 'current', 'scope', 'version', 'wrappedBy']);
    }
  });
});

describe('with the file master key', () => {
  it('data sealed before a restart opens with a new keyring over the same store and key file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custodia-keyring-'));
    try {
      const store = new MemoryKeyStore();
      const storeFor = async () => store;
      const ref: SealRef = { tenant: 'acme', collection: 'vitals', id: 'o-1', subject: 'pt-1' };
      const first = createKeyring({ master: await FileMasterKeyProvider.open(dataDir), storeFor });
      const sealed = await first.seal(ref, plain);
      const index = await first.blindIndex('acme', 'identifier', 'abc');

      const second = createKeyring({ master: await FileMasterKeyProvider.open(dataDir), storeFor });
      expect((await second.open(ref, sealed)).equals(plain)).toBe(true);
      expect(await second.blindIndex('acme', 'identifier', 'abc')).toBe(index);

      const otherDir = mkdtempSync(join(tmpdir(), 'custodia-keyring-'));
      try {
        const wrongMaster = createKeyring({ master: await FileMasterKeyProvider.open(otherDir), storeFor });
        await expect(wrongMaster.open(ref, sealed)).rejects.toThrow(/failed to unwrap/);
      } finally {
        rmSync(otherDir, { recursive: true, force: true });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
