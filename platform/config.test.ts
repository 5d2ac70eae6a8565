import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, testConfig } from './config.ts';

describe('configuration', () => {
  it('fills defaults from an empty environment', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.mqtt.port).toBe(1883);
    expect(c.dataDir.endsWith('data')).toBe(true);
    expect(c.masterKeyHex).toBeUndefined();
    expect(c.mongodbUri).toBeUndefined();
  });

  it.each([
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT'],
    [{ MQTT_PORT: '70000' }, 'MQTT_PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CUSTODIA_MASTER_KEY: 'abc' }, 'CUSTODIA_MASTER_KEY'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ CUSTODIA_STORE_URL: 'mysql://db/custodia' }, 'CUSTODIA_STORE_URL'],
    [{ CUSTODIA_STORE_URL: 'postgres://db/x', MONGODB_URI: 'mongodb://db' }, 'CUSTODIA_STORE_URL and MONGODB_URI'],
    [{ CUSTODIA_DEMO: 'maybe' }, 'CUSTODIA_DEMO'],
    [{ CUSTODIA_DEMO_ATTEST_ALLOW: 'ABC' }, 'CUSTODIA_DEMO_ATTEST_ALLOW'],
    [{ MQTT_TLS_CERT: 'cert.pem' }, 'MQTT_TLS_KEY'],
    [{ INGEST_MAX_CLOCK_SKEW_SECONDS: '0' }, 'INGEST_MAX_CLOCK_SKEW_SECONDS'],
    [{ INGEST_MAX_READING_AGE_DAYS: 'forever' }, 'INGEST_MAX_READING_AGE_DAYS'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ HTTPS_CERT: 'cert.pem' }, 'HTTPS_KEY'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ SHARING_MIN_GROUP_SIZE: '2' }, 'SHARING_MIN_GROUP_SIZE'],
    [{ CUSTODIA_MASTER_KEY_PROVIDER: 'kms' }, 'CUSTODIA_MASTER_KEY_PROVIDER'],
    [{ CUSTODIA_MASTER_KEY_PROVIDER: 'pkcs11', CUSTODIA_PKCS11_PIN_FILE: 'pin' }, 'CUSTODIA_PKCS11_MODULE'],
    [{ CUSTODIA_MASTER_KEY_PROVIDER: 'pkcs11', CUSTODIA_PKCS11_MODULE: 'm.so' }, 'CUSTODIA_PKCS11_PIN_FILE'],
    [{ CUSTODIA_MASTER_KEY_PROVIDER: 'pkcs11', CUSTODIA_PKCS11_MODULE: 'm.so', CUSTODIA_PKCS11_PIN: '123456', CUSTODIA_PKCS11_PIN_FILE: 'pin' }, 'CUSTODIA_PKCS11_PIN'],
    [{ CUSTODIA_MASTER_KEY_PROVIDER: 'pkcs11', CUSTODIA_PKCS11_MODULE: 'm.so', CUSTODIA_PKCS11_PIN_FILE: 'pin', CUSTODIA_MASTER_KEY: 'ab'.repeat(32) }, 'CUSTODIA_MASTER_KEY'],
    [{ CUSTODIA_PKCS11_MODULE: 'm.so' }, 'CUSTODIA_MASTER_KEY_PROVIDER'],
    [{ CUSTODIA_MASTER_KEY_PROVIDER: 'pkcs11', CUSTODIA_PKCS11_MODULE: 'm.so', CUSTODIA_PKCS11_PIN: '12' }, 'CUSTODIA_PKCS11_PIN'],
  ])('an invalid %o stops start-up with one line naming %s', (env, name) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(name);
    expect(message.split('\n')).toHaveLength(1);
    // the offending secret value is never echoed
    if (name === 'CUSTODIA_MASTER_KEY') expect(message).not.toContain('abc');
  });

  it('CUSTODIA_MASTER_KEY_PROVIDER=pkcs11 selects the HSM token: module, token, PIN file and key label (ETSI 5.4-1)', () => {
    expect(loadConfig({}).hsm).toBeUndefined();
    const c = loadConfig({
      CUSTODIA_MASTER_KEY_PROVIDER: 'pkcs11',
      CUSTODIA_PKCS11_MODULE: '/opt/hsm/lib.so',
      CUSTODIA_PKCS11_TOKEN_LABEL: 'custodia',
      CUSTODIA_PKCS11_PIN_FILE: '/etc/custodia/hsm.pin',
    });
    expect(c.hsm).toEqual({ module: '/opt/hsm/lib.so', tokenLabel: 'custodia', pinFile: '/etc/custodia/hsm.pin', keyLabel: 'custodia-master' });
  });

  it('device clocks: 5 minutes of skew and a year of age by default, both configurable', () => {
    expect(loadConfig({}).deviceClock).toEqual({ maxSkewMs: 300_000, maxAgeMs: 365 * 86_400_000 });
    expect(loadConfig({ INGEST_MAX_CLOCK_SKEW_SECONDS: '60', INGEST_MAX_READING_AGE_DAYS: '30' }).deviceClock).toEqual({
      maxSkewMs: 60_000,
      maxAgeMs: 30 * 86_400_000,
    });
  });

  it('demo history: 7 days by default, 0 turns it off, anything else than 0–31 whole days is refused in one line', () => {
    expect(loadConfig({}).demo.historyDays).toBe(7);
    expect(loadConfig({ CUSTODIA_DEMO_HISTORY_DAYS: '0' }).demo.historyDays).toBe(0);
    expect(loadConfig({ CUSTODIA_DEMO_HISTORY_DAYS: '2' }).demo.historyDays).toBe(2);
    for (const bad of ['-1', '1.5', '32', 'week']) {
      expect(() => loadConfig({ CUSTODIA_DEMO_HISTORY_DAYS: bad })).toThrow(/CUSTODIA_DEMO_HISTORY_DAYS/);
    }
  });

  it('surfaces are closed by default: no trusted proxy, no metrics token, no tenant labels, group floor 5 (ASVS 14.5.4; ETSI 5.6-2)', () => {
    const c = loadConfig({});
    expect(c.trustProxy).toEqual([]);
    expect(c.metrics).toEqual({ tenantLabels: false });
    expect(c.https).toBeUndefined();
    expect(c.sharing.minGroupSize).toBe(5);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig({ SHARING_MIN_GROUP_SIZE: '8' }).sharing.minGroupSize).toBe(8);
  });

  it('CUSTODIA_STORE_URL picks the store by its scheme; MONGODB_URI stays an alias', () => {
    expect(loadConfig({ CUSTODIA_STORE_URL: 'sqlite:' }).storeUrl).toBeUndefined();
    const pgUrl = 'postgresql://app:pw@db.internal:5432/custodia';
    expect(loadConfig({ CUSTODIA_STORE_URL: pgUrl })).toMatchObject({ storeUrl: pgUrl });
    expect(loadConfig({ CUSTODIA_STORE_URL: pgUrl }).mongodbUri).toBeUndefined();
    const mongoUrl = 'mongodb://db.internal:27017/?replicaSet=rs0';
    expect(loadConfig({ CUSTODIA_STORE_URL: mongoUrl })).toMatchObject({ storeUrl: mongoUrl, mongodbUri: mongoUrl });
    expect(loadConfig({ MONGODB_URI: mongoUrl })).toMatchObject({ storeUrl: mongoUrl, mongodbUri: mongoUrl });
    expect(loadConfig({ CUSTODIA_STORE_URL: mongoUrl, MONGODB_URI: mongoUrl }).mongodbUri).toBe(mongoUrl);
  });

  it('cluster mode: a Redis URL plus a shared PostgreSQL store; without them nothing changes; SQLite refused in one line', () => {
    expect(loadConfig({}).cluster).toBeUndefined();
    const pgUrl = 'postgres://app:pw@db.internal:5432/custodia';
    const c = loadConfig({ CUSTODIA_REDIS_URL: 'redis://127.0.0.1:6379', CUSTODIA_STORE_URL: pgUrl, CUSTODIA_NODE_ID: 'node-a' });
    expect(c.cluster).toEqual({ redisUrl: 'redis://127.0.0.1:6379', nodeId: 'node-a' });
    expect(loadConfig({ CUSTODIA_REDIS_URL: 'redis://r:6379', CUSTODIA_STORE_URL: pgUrl }).cluster?.nodeId).toMatch(/-\d+$/);
    for (const env of [{ CUSTODIA_REDIS_URL: 'redis://r:6379' }, { CUSTODIA_REDIS_URL: 'redis://r:6379', CUSTODIA_STORE_URL: 'sqlite:' }]) {
      expect(() => loadConfig(env)).toThrow(/^invalid configuration: CUSTODIA_REDIS_URL \(cluster mode\) needs a shared store[^\n]*$/);
    }
    expect(() => loadConfig({ CUSTODIA_REDIS_URL: 'redis://r:6379', CUSTODIA_STORE_URL: 'mongodb://m:27017' })).toThrow(/MongoDB cannot hold/);
    expect(() => loadConfig({ CUSTODIA_REDIS_URL: 'http://r' })).toThrow(/CUSTODIA_REDIS_URL must start with redis:\/\//);
    expect(() => loadConfig({ CUSTODIA_NODE_ID: 'a' })).toThrow(/CUSTODIA_NODE_ID needs CUSTODIA_REDIS_URL/);
  });

  it('demo simulators check attestation only when CUSTODIA_DEMO_ATTEST_ALLOW lists measurements', () => {
    expect(loadConfig({}).demo.attestAllow).toBeUndefined();
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    expect(loadConfig({ CUSTODIA_DEMO_ATTEST_ALLOW: `${a}, ${b}` }).demo.attestAllow).toEqual([a, b]);
  });

  it('the test variant uses a fresh temporary directory and free ports', () => {
    const a = testConfig();
    const b = testConfig();
    expect(a.dataDir).not.toBe(b.dataDir);
    expect(a.http.port).toBe(0);
    expect(a.demo.enabled).toBe(false);
  });
});

describe('backup targets and residency', () => {
  const s3 = 's3://custodia-backups/site-a?endpoint=http://127.0.0.1:9000&region=eu-west-3';
  const on = { BACKUP_INTERVAL_MINUTES: '60', CUSTODIA_DATA_DIR: '/srv/home' };
  const regions = (r: object) => JSON.stringify(r);

  it('keeps an s3:// target as written and makes directories absolute', () => {
    expect(loadConfig({ ...on, BACKUP_TARGETS: `/mnt/a,${s3}` }).backup?.targets).toEqual(['/mnt/a', s3]);
    expect(loadConfig({ CUSTODIA_REGIONS: regions({ 'eu-west': { store: '/srv/west', backupTargets: [s3, '/mnt/w'], backupK: 2 } }) }).regions?.['eu-west']).toEqual({
      dataDir: '/srv/west',
      backupTargets: [s3, '/mnt/w'],
      backupK: 2,
    });
  });

  it.each([
    [{ ...on, BACKUP_TARGETS: `${s3},${s3}` }, 'BACKUP_TARGETS names the same target twice'],
    [{ CUSTODIA_REGIONS: regions({ 'eu-west': { store: '/w', backupTargets: ['/t'] }, 'eu-south': { store: '/s', backupTargets: ['/t'] } }) }, 'eu-west and eu-south share a backup target'],
    [{ CUSTODIA_REGIONS: regions({ 'eu-west': { store: '/w', backupTargets: ['/t'], backupK: 2 } }) }, 'eu-west.backupK must be at most'],
    [{ ...on, BACKUP_TARGETS: '/t', CUSTODIA_REGIONS: regions({ 'eu-west': { store: '/w', backupTargets: ['/t'] } }) }, 'eu-west.backupTargets shares a target with BACKUP_TARGETS'],
    [{ ...on, BACKUP_TARGETS: '/t', CUSTODIA_REGIONS: regions({ 'eu-west': { store: '/w' } }) }, 'eu-west.backupTargets is empty, but scheduled backups are on'],
  ])('refuses a backup layout that would put one region on another\'s targets or leave it out: %#', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('a region stored in the default location may use the default targets', () => {
    const config = loadConfig({ ...on, BACKUP_TARGETS: '/t', CUSTODIA_REGIONS: regions({ 'eu-west': { store: '/srv/home' }, 'eu-south': { store: '/s', backupTargets: ['/u'] } }) });
    expect(config.regions?.['eu-west']?.backupTargets).toEqual([]);
  });
});
