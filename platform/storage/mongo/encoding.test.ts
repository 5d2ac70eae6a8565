import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { StoredPoint, WriteBatch } from '../port.ts';
import {
  DuplicateIdError,
  checkAuditEntries,
  checkBatch,
  compareBytes,
  databaseName,
  decodeIndex,
  describeConnectError,
  duplicates,
  encodeIndex,
  isDuplicateKeyError,
  parseServerVersion,
  recordFilter,
  redactText,
  redactUri,
  scopePrefixPattern,
  serverModeFromHello,
  supportsTransactions,
  toBuffer,
} from './encoding.ts';

const point = (id: string, over: Partial<StoredPoint> = {}): StoredPoint => ({
  series: 'dev-1',
  id,
  ts: 1,
  subject: null,
  body: Buffer.from('sealed'),
  ...over,
});

describe('database names', () => {
  it.each([
    ['_platform', undefined, 'custodia_platform'],
    ['tenant-a', undefined, 'custodia_t_tenant-a'],
    ['platform', undefined, 'custodia_t_platform'],
    ['tenant-a', 'ct_run42_', 'ct_run42_t_tenant-a'],
    ['_platform', 'ct_run42_', 'ct_run42_platform'],
  ])('scope %s with prefix %s lives in %s', (scope, prefix, expected) => {
    expect(databaseName(scope, prefix)).toBe(expected);
  });

  it('the longest tenant id with the longest prefix stays under MongoDB’s 64-byte name limit', () => {
    expect(databaseName(`t${'x'.repeat(39)}`, `p${'q'.repeat(19)}`).length).toBeLessThan(64);
  });

  it.each(['', 'A', '1abc', '../tenant-a', 'tenant/a', 'tenant.a', 'tenant a', '_platformx', 'x'.repeat(41)])(
    'refuses tenant id %j before any database is named',
    (bad) => {
      expect(() => databaseName(bad)).toThrow(/invalid tenant id/);
    },
  );

  it.each(['', 'Custodia_', '9x', 'a.b', 'a-b', 'a$', `a${'b'.repeat(20)}`])('refuses database prefix %j', (bad) => {
    expect(() => databaseName('tenant-a', bad)).toThrow(/invalid database prefix/);
  });
});

describe('index entries', () => {
  it('encode to name/value pairs in byte order and decode back to the same object', () => {
    const index = { 't:status': 'open', 'b:mrn': 'a1b2', 't:severity': 'high' };
    const encoded = encodeIndex(index);
    expect(encoded).toEqual([
      { n: 'b:mrn', v: 'a1b2' },
      { n: 't:severity', v: 'high' },
      { n: 't:status', v: 'open' },
    ]);
    expect(decodeIndex(encoded)).toEqual(index);
  });

  it('an empty or missing index decodes to an empty object', () => {
    expect(encodeIndex({})).toEqual([]);
    expect(decodeIndex([])).toEqual({});
    expect(decodeIndex(undefined)).toEqual({});
  });

  it('a non-string value is refused (it would be stored as something a where could not match)', () => {
    expect(() => encodeIndex({ n: 5 as unknown as string })).toThrow(TypeError);
  });
});

describe('record filters', () => {
  it.each<[string, Record<string, string> | undefined, string | undefined, Record<string, unknown>]>([
    ['lamp', undefined, undefined, { kind: 'lamp' }],
    ['lamp', { group: 'g1' }, undefined, { kind: 'lamp', index: { $elemMatch: { n: 'group', v: 'g1' } } }],
    [
      'lamp',
      { group: 'g1', status: 'on' },
      undefined,
      {
        kind: 'lamp',
        $and: [{ index: { $elemMatch: { n: 'group', v: 'g1' } } }, { index: { $elemMatch: { n: 'status', v: 'on' } } }],
      },
    ],
    ['observation', {}, 's1', { kind: 'observation', subject: 's1' }],
  ])('kind %s where %j subject %s', (kind, where, subject, expected) => {
    expect(recordFilter(kind, where, subject)).toEqual(expected);
  });

  it('refuses non-string values, which the server would read as query operators', () => {
    const operator = { $ne: null } as unknown as string;
    expect(() => recordFilter(operator)).toThrow(/kind must be a string/);
    expect(() => recordFilter('lamp', { group: operator })).toThrow(/where.group must be a string/);
    expect(() => recordFilter('lamp', {}, operator)).toThrow(/subject must be a string/);
  });
});

describe('key scope prefixes', () => {
  const scopes = ['subject:a_1', 'subject:b%2', 'subject:a.b', 'subject:(x)', 'tenant', 'subjectX', 'xsubject:a_1'];
  it.each([
    ['subject:', ['subject:a_1', 'subject:b%2', 'subject:a.b', 'subject:(x)']],
    ['subject:a_', ['subject:a_1']],
    ['subject:a%', []],
    ['subject:a.', ['subject:a.b']],
    ['subject:.', []],
    ['subject:(', ['subject:(x)']],
    ['', scopes],
    ['nothing:', []],
  ])('prefix %j matches literally and only at the start', (prefix, expected) => {
    const pattern = scopePrefixPattern(prefix);
    expect(scopes.filter((s) => pattern.test(s))).toEqual(expected);
  });
});

describe('byte order', () => {
  it('orders by UTF-8 bytes like sqlite and MongoDB, not by UTF-16 units like Array.sort', () => {
    // U+FF5E is one UTF-16 unit above the emoji's surrogates (0xD83D), but its UTF-8 bytes
    // (EF BD 9E) sort before the emoji's (F0 9F 98 80).
    const values = ['b', 'B', 'a', '😀', '～'];
    expect([...values].sort()).toEqual(['B', 'a', 'b', '😀', '～']);
    expect([...values].sort(compareBytes)).toEqual(['B', 'a', 'b', '～', '😀']);
  });
});

describe('stored bodies', () => {
  it('a BSON Binary reads back as a Buffer with exactly its bytes, detached from the driver’s buffer', () => {
    const wire = Buffer.from([9, 0, 1, 2, 255, 0, 9]);
    const binary = new mongo.Binary(wire.subarray(1, 6));
    const body = toBuffer(binary);
    expect(Buffer.isBuffer(body)).toBe(true);
    expect([...body]).toEqual([0, 1, 2, 255, 0]);
    wire[1] = 7;
    expect(body[0]).toBe(0);
  });

  it.each<[string, unknown]>([
    ['a string', 'plaintext'],
    ['a number', 42],
    ['null', null],
    ['a look-alike without bytes', { _bsontype: 'Binary' }],
  ])('%s is refused as a body', (_what, value) => {
    expect(() => toBuffer(value)).toThrow(/not binary/);
  });
});

describe('batch checks', () => {
  it('finds repeated values once each, in order of first repeat', () => {
    expect(duplicates(['a', 'b', 'a', 'c', 'b', 'a'])).toEqual(['a', 'b']);
    expect(duplicates([])).toEqual([]);
  });

  it('a batch repeating a point id is refused before anything is written', () => {
    const batch: WriteBatch = { points: [point('pt-1'), point('pt-2', { series: 'dev-2' }), point('pt-1', { ts: 3 })] };
    expect(() => checkBatch(batch)).toThrow(DuplicateIdError);
    expect(() => checkBatch(batch)).toThrow(/duplicate point id "pt-1"/);
  });

  it.each<[string, WriteBatch, RegExp]>([
    ['a string body', { points: [point('p', { body: 'plain' as unknown as Buffer })] }, /must be a Buffer/],
    ['a NaN timestamp', { points: [point('p', { ts: Number.NaN })] }, /ts must be a finite number/],
    [
      'an operator as record id',
      { delete: [{ kind: 'lamp', id: { $gt: '' } as unknown as string }] },
      /id must be a string/,
    ],
    [
      'a record body that is not bytes',
      {
        put: [{ kind: 'k', id: 'i', subject: null, index: {}, body: 'x' as unknown as Buffer, createdAt: 1, updatedAt: 1 }],
      },
      /must be a Buffer/,
    ],
  ])('refuses %s', (_what, batch, message) => {
    expect(() => checkBatch(batch)).toThrow(message);
  });

  it('accepts a well-formed batch', () => {
    expect(() =>
      checkBatch({
        put: [{ kind: 'k', id: 'i', subject: 's', index: { a: 'b' }, body: Buffer.alloc(1), createdAt: 1, updatedAt: 2 }],
        delete: [{ kind: 'k', id: 'j' }],
        points: [point('pt-1'), point('pt-2')],
      }),
    ).not.toThrow();
  });

  it('an audit append repeating a seq is refused before anything is written', () => {
    const entry = (seq: number) => ({
      seq,
      ts: 1,
      actor: 'a',
      action: 'b',
      target: 'c',
      outcome: 'success' as const,
      details: '{}',
      prevHash: 'h0',
      hash: 'h1',
    });
    expect(() => checkAuditEntries([entry(1), entry(2)])).not.toThrow();
    expect(() => checkAuditEntries([entry(3), entry(3)])).toThrow(/duplicate audit seq "3"/);
    expect(() => checkAuditEntries([entry(1.5)])).toThrow(/integer/);
  });

  it('recognises MongoDB duplicate-key errors, single or inside a bulk write', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 112, writeErrors: [{ code: 11000 }] })).toBe(true);
    expect(isDuplicateKeyError({ code: 112 })).toBe(false);
    expect(isDuplicateKeyError(new Error('x'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });
});

describe('server description', () => {
  it.each<[Record<string, unknown>, string, boolean]>([
    [{ isWritablePrimary: true, setName: 'rs0', logicalSessionTimeoutMinutes: 30 }, 'replicaSet', true],
    [{ isWritablePrimary: true, msg: 'isdbgrid', logicalSessionTimeoutMinutes: 30 }, 'sharded', true],
    [{ isWritablePrimary: true, logicalSessionTimeoutMinutes: 30 }, 'standalone', false],
    [{ isWritablePrimary: true, setName: 'rs0' }, 'replicaSet', false],
  ])('hello %j is a %s (transactions: %s)', (hello, mode, transactions) => {
    const m = serverModeFromHello(hello);
    expect(m).toBe(mode);
    expect(supportsTransactions(m, hello)).toBe(transactions);
  });

  it.each<[unknown, [number, number, number]]>([
    ['7.0.12', [7, 0, 12]],
    ['8.0.0-rc1', [8, 0, 0]],
    ['4.4', [4, 4, 0]],
    ['garbage', [0, 0, 0]],
    [undefined, [0, 0, 0]],
  ])('parses server version %j', (version, expected) => {
    expect(parseServerVersion(version)).toEqual(expected);
  });
});

describe('URI redaction', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/custodia', 'mongodb://127.0.0.1:27017/custodia'],
    ['mongodb://app:s3cret@db1:27017,db2:27017/?replicaSet=rs0', 'mongodb://app:***@db1:27017,db2:27017/?replicaSet=rs0'],
    ['mongodb+srv://app:p%40ss%2Fw@cluster0.example.net/', 'mongodb+srv://app:***@cluster0.example.net/'],
    ['mongodb://app@db1/?authMechanism=MONGODB-X509', 'mongodb://app@db1/?authMechanism=MONGODB-X509'],
    [
      'mongodb://db1/?tls=true&tlsCertificateKeyFilePassword=hunter22&w=majority',
      'mongodb://db1/?tls=true&tlsCertificateKeyFilePassword=***&w=majority',
    ],
    [
      'mongodb://db1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok123',
      'mongodb://db1/?authMechanism=MONGODB-AWS&authMechanismProperties=***',
    ],
    ['not a uri', '(unparsable connection string)'],
  ])('%s is shown as %s', (uri, shown) => {
    expect(redactUri(uri)).toBe(shown);
  });

  it('removes the password, raw and percent-decoded, from free text', () => {
    const uri = 'mongodb://app:p%40ssw0rd@db1/';
    expect(redactText(`failed for ${uri} using p@ssw0rd and p%40ssw0rd`, uri)).toBe(
      'failed for mongodb://app:***@db1/ using *** and ***',
    );
  });
});

describe('start-up connection errors', () => {
  const uri = 'mongodb://app:s3cret-pw@db1:27017/?replicaSet=rs0';
  const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), { name, ...extra });

  it.each<[string, unknown, RegExp]>([
    [
      'an unreachable server',
      named('MongooseServerSelectionError', 'connect ECONNREFUSED 10.0.0.9:27017'),
      /^MongoDB at mongodb:\/\/app:\*\*\*@db1:27017\/\?replicaSet=rs0 is unreachable \(no usable server answered within 5 s\): connect ECONNREFUSED/,
    ],
    [
      'rejected credentials',
      named('MongoServerError', 'Authentication failed.', { code: 18, codeName: 'AuthenticationFailed' }),
      /rejected the credentials \(authentication failed\); check the user, password and authSource/,
    ],
    [
      'rejected credentials wrapped in a selection error',
      named('MongoServerSelectionError', 'selection failed', { cause: named('MongoServerError', 'Authentication failed.') }),
      /rejected the credentials/,
    ],
    [
      'missing privileges',
      named('MongoServerError', 'not authorized on custodia_platform to execute command { createIndexes: "records" }', {
        code: 13,
        codeName: 'Unauthorized',
      }),
      /refused an operation for lack of privileges .*: not authorized on custodia_platform/,
    ],
    ['a malformed URI', named('MongoParseError', 'Password contains unescaped characters'), /^MONGODB_URI is not a usable/],
    ['an unparsable host', named('MongoRuntimeError', 'Unable to parse h:99999999 with URL'), /^MONGODB_URI is not a usable/],
    ['anything else', new Error('boom'), /^could not connect to MongoDB at .*: boom$/],
  ])('%s gives one line naming the cause, without the password', (_what, err, expected) => {
    const line = describeConnectError(err, uri, 5000);
    expect(line).toMatch(expected);
    expect(line).not.toContain('s3cret-pw');
    expect(line).not.toContain('\n');
  });

  it('a driver message that quotes the password is scrubbed and folded to one line', () => {
    const err = named('MongoNetworkError', `connection to ${uri} closed\n  at socket\n  s3cret-pw`);
    const line = describeConnectError(err, uri, 1500);
    expect(line).toContain('within 1.5 s');
    expect(line).not.toContain('s3cret-pw');
    expect(line).not.toContain('\n');
  });
});
