import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointPayload } from '../audit/hash.ts';
import { createAuditSigner } from '../audit/signer.ts';
import { checkStatement, combinedMeasurement, signStatement, statementBytes, type AttestationStatement } from './statement.ts';

const platformKey = createAuditSigner(generateKeyPairSync('ed25519').privateKey);
const otherKey = createAuditSigner(generateKeyPairSync('ed25519').privateKey);
const code = 'c'.repeat(64);
const config = 'f'.repeat(64);
const statement: AttestationStatement = {
  kind: 'custodia-attestation',
  measurement: combinedMeasurement(code, config),
  code,
  config,
  profile: { httpsEnabled: false, store: 'sqlite', trustProxy: [] },
  files: 360,
  version: '0.1.0',
  nodeId: 'node-1',
  issuedAt: '2026-01-31T12:00:00.000Z',
  keyId: platformKey.keyId,
};
const good = signStatement(statement, (d) => platformKey.sign(d));
const allow = new Set([statement.measurement]);

describe('the device-side check of an attestation statement', () => {
  it('accepts a statement signed by the pinned key whose measurement is allowed', () => {
    const v = checkStatement(JSON.parse(JSON.stringify(good)), platformKey.publicKeyPem, allow);
    expect(v).toEqual({ ok: true, statement });
  });

  const resigned = (s: AttestationStatement) => signStatement(s, (d) => platformKey.sign(d));
  const altered = combinedMeasurement('d'.repeat(64), config);
  it.each([
    ['no statement at all', null, 'malformed'],
    ['an HTML error page', '<html>', 'malformed'],
    ['an unknown field', { ...good, extra: 1 }, 'malformed'],
    ['a tampered measurement', { ...good, statement: { ...statement, measurement: altered } }, 'bad-signature'],
    ['a tampered code digest', { ...good, statement: { ...statement, code: 'd'.repeat(64) } }, 'bad-signature'],
    ['a tampered profile switch', { ...good, statement: { ...statement, profile: { ...statement.profile, httpsEnabled: true } } }, 'bad-signature'],
    ['a tampered time', { ...good, statement: { ...statement, issuedAt: '2030-01-01T00:00:00.000Z' } }, 'bad-signature'],
    ['a signature by another key', signStatement(statement, (d) => otherKey.sign(d)), 'bad-signature'],
    ['the right key over the bytes without the domain prefix', { ...good, signature: platformKey.sign(Buffer.from(JSON.stringify(statement))).toString('base64') }, 'bad-signature'],
    ['a measurement not derived from its parts', resigned({ ...statement, measurement: 'e'.repeat(64) }), 'inconsistent'],
    ['an altered code tree, honestly signed', resigned({ ...statement, code: 'd'.repeat(64), measurement: altered }), 'not-allowed'],
  ])('refuses %s (%s)', (_what, raw, reason) => {
    const v = checkStatement(raw, platformKey.publicKeyPem, allow);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toBe(reason);
  });

  it('refuses when the pinned key is not a key at all', () => {
    expect(checkStatement(good, 'not a pem', allow)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('keeps statement and audit checkpoint signatures apart (domain separation)', () => {
    const checkpoint = checkpointPayload('_platform', 1, 'a'.repeat(64), 1);
    expect(statementBytes(statement).toString().startsWith('custodia-attestation|v1\0')).toBe(true);
    expect(checkpoint.toString().startsWith('custodia-attestation')).toBe(false);
    // A checkpoint signature of the same key is no statement signature.
    const forged = { ...good, signature: platformKey.sign(checkpoint).toString('base64') };
    expect(checkStatement(forged, platformKey.publicKeyPem, allow)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});
