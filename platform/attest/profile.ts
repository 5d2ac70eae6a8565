// The security-relevant configuration the attestation covers (docs/attestation.md): switches and
// limits an evaluator would ask about, never a secret — no key, PIN, token or store URL (which
// may carry a password), only whether one is set and of which kind.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/hash.ts';
import type { Config } from '../config.ts';

export type SecurityProfile = Record<string, string | number | boolean | string[]>;

export function storeKind(c: Pick<Config, 'storeUrl' | 'mongodbUri'>): 'sqlite' | 'postgres' | 'mongodb' {
  if (c.mongodbUri) return 'mongodb';
  if (c.storeUrl && /^postgres(ql)?:\/\//.test(c.storeUrl)) return 'postgres';
  return 'sqlite';
}

export function securityProfile(c: Config): SecurityProfile {
  return {
    httpsEnabled: Boolean(c.https),
    mqttTlsEnabled: Boolean(c.mqtt.tls),
    mqttMaxPayload: c.mqtt.maxPayload,
    store: storeKind(c),
    masterKey: c.hsm ? 'pkcs11' : c.masterKeyHex ? 'environment' : 'file',
    sessionTtlMs: c.session.ttlMs,
    loginMaxFailures: c.login.maxFailures,
    loginLockoutMs: c.login.lockoutMs,
    loginRateLimitPerMinute: c.login.rateLimitPerMinute,
    allowedOrigins: [...c.allowedOrigins].sort(),
    trustProxy: [...c.trustProxy].sort(),
    metricsEnabled: Boolean(c.metrics.token),
    metricsTenantLabels: c.metrics.tenantLabels,
    notifyAllowLocalTargets: c.notify.allowLocalTargets,
    sharingMinGroupSize: c.sharing.minGroupSize,
    regions: Object.keys(c.regions ?? {}).sort(),
    scheduledBackups: Boolean(c.backup),
    clusterMode: Boolean(c.cluster),
    demoFleets: c.demo.enabled,
    auditCheckpointEvery: c.audit.checkpointEvery,
  };
}

export const profileDigest = (p: SecurityProfile): string => createHash('sha256').update(canonicalJson(p)).digest('hex');
