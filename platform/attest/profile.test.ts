import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { profileDigest, securityProfile, storeKind } from './profile.ts';

describe('securityProfile', () => {
  it('holds no secret: master key, store URL password, metrics token and HSM PIN stay out', () => {
    const c = testConfig({
      masterKeyHex: 'ab'.repeat(32),
      storeUrl: 'postgres://custodia:s3cret-pass@db.example:5432/custodia',
      metrics: { token: 'metrics-token-0123456789-0123456789', tenantLabels: false },
      hsm: { module: '/usr/lib/softhsm/libsofthsm2.so', pin: '98765432', keyLabel: 'custodia-master' },
    });
    const text = JSON.stringify(securityProfile(c));
    for (const secret of ['ab'.repeat(32), 's3cret-pass', 'metrics-token-0123456789', '98765432', 'db.example']) expect(text).not.toContain(secret);
    expect(securityProfile(c)).toMatchObject({ store: 'postgres', masterKey: 'pkcs11', metricsEnabled: true });
  });

  it.each([
    ['TLS on the broker', { mqtt: { ...testConfig().mqtt, tls: { cert: 'c', key: 'k', port: 8883 } } }],
    ['HTTPS', { https: { cert: 'c', key: 'k' } }],
    ['a longer session', { session: { ttlMs: 24 * 3600_000 } }],
    ['a looser login lock-out', { login: { maxFailures: 50, lockoutMs: 1000, rateLimitPerMinute: 30 } }],
    ['another store', { storeUrl: 'postgres://h/db' }],
    ['trusted proxies', { trustProxy: ['loopback'] }],
  ])('%s changes the config digest', (_what, override) => {
    const base = testConfig();
    expect(profileDigest(securityProfile({ ...base, ...override }))).not.toBe(profileDigest(securityProfile(base)));
  });

  it.each([
    [{}, 'sqlite'],
    [{ storeUrl: 'postgresql://h/db' }, 'postgres'],
    [{ storeUrl: 'mongodb://h/db', mongodbUri: 'mongodb://h/db' }, 'mongodb'],
  ] as const)('store kind of %j is %s', (c, kind) => {
    expect(storeKind(c)).toBe(kind);
  });
});
