import { EventEmitter } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAuditSigner } from '../../platform/audit/signer.ts';
import { combinedMeasurement, signStatement, type AttestationStatement } from '../../platform/attest/statement.ts';
import { attestSettings, checkPlatform } from './attest.ts';
import { COMMON_FLAGS, commonFlagShape, EXIT_REFUSED, runCli, type CliDefinition } from './cli.ts';

const key = createAuditSigner(generateKeyPairSync('ed25519').privateKey);
const code = '1'.repeat(64);
const config = '2'.repeat(64);
const statement: AttestationStatement = {
  kind: 'custodia-attestation',
  measurement: combinedMeasurement(code, config),
  code,
  config,
  profile: { store: 'sqlite' },
  files: 10,
  version: '0.1.0',
  nodeId: 'n1',
  issuedAt: '2026-01-31T12:00:00.000Z',
  keyId: key.keyId,
};
const envelope = signStatement(statement, (d) => key.sign(d));
const serving = (body: unknown, status = 200): typeof fetch => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const settings = { url: 'http://platform.test', publicKeyPem: key.publicKeyPem, allow: new Set([statement.measurement]) };

describe('simulator attestation settings (flags, then CUSTODIA_ATTEST_*)', () => {
  const readKey = () => key.publicKeyPem;
  it('is off when nothing is configured', () => {
    expect(attestSettings({}, {}, readKey)).toBeNull();
  });
  it('reads the environment', () => {
    const s = attestSettings({}, { CUSTODIA_ATTEST_URL: 'http://p:8080', CUSTODIA_ATTEST_KEY: 'k.pem', CUSTODIA_ATTEST_ALLOW: `${'a'.repeat(64)}, ${'b'.repeat(64)}` }, readKey);
    expect(s?.url).toBe('http://p:8080');
    expect([...s!.allow]).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
  });
  it.each([
    [{ 'attest-url': 'http://p' }, {}, /needs all three/],
    [{ 'attest-url': 'http://p', 'attest-key': 'k.pem' }, {}, /needs all three/],
    [{}, { CUSTODIA_ATTEST_URL: 'ftp://p', CUSTODIA_ATTEST_KEY: 'k', CUSTODIA_ATTEST_ALLOW: 'a'.repeat(64) }, /url/],
    [{}, { CUSTODIA_ATTEST_URL: 'http://p', CUSTODIA_ATTEST_KEY: 'k', CUSTODIA_ATTEST_ALLOW: 'XYZ' }, /64 lowercase hex/],
  ])('refuses an incomplete or invalid setting %#', (flags, env, message) => {
    expect(() => attestSettings(flags, env, readKey)).toThrow(message);
  });
  it('refuses a key that is not an Ed25519 public key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => attestSettings({ 'attest-url': 'http://p', 'attest-key': 'k.pem', 'attest-allow': ['a'.repeat(64)] }, {}, () => rsa)).toThrow(/not the platform's Ed25519/);
  });
});

describe('checkPlatform', () => {
  it.each([
    ['an attested platform', serving(envelope), true, undefined],
    ['a platform without a statement (404)', serving({ title: 'Not Found' }, 404), false, 'unreachable'],
    ['an unreachable platform', (async () => { throw new Error('ECONNREFUSED'); }) as typeof fetch, false, 'unreachable'],
    ['a tampered statement', serving({ ...envelope, statement: { ...statement, nodeId: 'n2' } }), false, 'bad-signature'],
  ])('%s → accepted %s', async (_what, fetchFn, ok, reason) => {
    const v = await checkPlatform(settings, fetchFn);
    expect(v.ok).toBe(ok);
    if (!v.ok) expect(v.reason).toBe(reason);
  });
});

describe('a simulator refusing an unattested or altered platform', () => {
  const schema = z.object({ ...commonFlagShape });
  const def = (started: string[]): CliDefinition<typeof schema> => ({
    name: 'sim:test',
    usage: 'sim',
    summary: 'test',
    defs: COMMON_FLAGS,
    schema,
    async start() {
      started.push('started');
      return { status: () => ({}), command: () => '', stop: async () => undefined };
    },
  });
  const run = async (fetchFn: typeof fetch, allow: string) => {
    const out: string[] = [];
    const started: string[] = [];
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const keyFile = join(mkdtempSync(join(tmpdir(), 'sim-attest-')), 'platform.pub.pem');
    writeFileSync(keyFile, key.publicKeyPem);
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(`ERR ${s}`) }, stdin: null, env: {}, signals: new EventEmitter(), fetch: fetchFn };
    const code = await runCli(def(started), ['--fleet', 'f.json', '--duration', '0.01', '--quiet', '--attest-url', 'http://platform.test', '--attest-key', keyFile, '--attest-allow', allow], io);
    return { code, out: out.join(''), started };
  };

  it('starts when the statement verifies and its measurement is allowed', async () => {
    const r = await run(serving(envelope), statement.measurement);
    expect(r.code).toBe(0);
    expect(r.started).toEqual(['started']);
  });

  it('exits 3 with a reason, and starts no device, when the measurement is not allowed: an altered platform (ETSI 5.7-2, ASVS 10.3.2)', async () => {
    const r = await run(serving(envelope), 'f'.repeat(64));
    expect(r.code).toBe(EXIT_REFUSED);
    expect(r.started).toEqual([]);
    expect(r.out).toContain('refused: platform attestation failed (not-allowed)');
  });

  it('exits 3 when the statement is tampered with', async () => {
    const r = await run(serving({ ...envelope, statement: { ...statement, profile: { store: 'postgres' } } }), statement.measurement);
    expect(r.code).toBe(EXIT_REFUSED);
    expect(r.started).toEqual([]);
    expect(r.out).toContain('(bad-signature)');
  });
});
