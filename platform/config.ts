// The one configuration loader: validates the environment at start-up, fills defaults and
// fails with one clear line naming the offending variable. Tests use `testConfig()`.
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Pkcs11Settings } from './crypto/pkcs11-master-key.ts';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const positiveInt = z.coerce.number().int().positive();

export const envSchema = z.object({
  CUSTODIA_DATA_DIR: z.string().min(1).default('./data'),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(8080),
  MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  MQTT_PORT: port.default(1883),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** 64 hex characters (256 bits). When absent the key lives in `<data>/master.key` (0600). */
  CUSTODIA_MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (a 256-bit key)')
    .optional(),
  /** Which store: unset or `sqlite:` → embedded SQLite in the data directory; postgres:// or
   *  postgresql:// → PostgreSQL; mongodb:// or mongodb+srv:// → MongoDB (MONGODB_URI is an alias). */
  CUSTODIA_STORE_URL: z
    .string()
    .regex(
      /^(sqlite:$|postgres(ql)?:\/\/|mongodb(\+srv)?:\/\/)/,
      'must be sqlite: or start with postgres://, postgresql://, mongodb:// or mongodb+srv://',
    )
    .optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  /** Session lifetime in minutes (ASVS 3.3.2: idle and absolute timeouts). */
  SESSION_TTL_MINUTES: positiveInt.default(480),
  LOGIN_MAX_FAILURES: positiveInt.default(5),
  LOGIN_LOCKOUT_SECONDS: positiveInt.default(900),
  /** Largest accepted MQTT payload in bytes. */
  MQTT_MAX_PAYLOAD: positiveInt.default(16 * 1024),
  /** Group commit: flush a batch after this many readings or this many milliseconds. */
  INGEST_BATCH_SIZE: positiveInt.default(500),
  INGEST_BATCH_MS: z.coerce.number().int().min(0).default(5),
  /** A device time further ahead of the receive time than this is replaced by the receive time. */
  INGEST_MAX_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** A device time older than this ("absurdly old": a clock never set) is replaced likewise. */
  INGEST_MAX_READING_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  MQTT_TLS_CERT: z.string().optional(),
  MQTT_TLS_KEY: z.string().optional(),
  MQTT_TLS_PORT: port.default(8883),
  AUDIT_CHECKPOINT_EVERY: positiveInt.default(100),
  /** Start the demo simulators with `npm start` (set 0 to run the platform alone). */
  CUSTODIA_DEMO: bool.default(true),
  CUSTODIA_DEMO_SPEED: z.coerce.number().positive().max(1000).default(1),
  /** Days of synthetic history the demo backfills on first start (0: none). */
  CUSTODIA_DEMO_HISTORY_DAYS: z.coerce.number().int().min(0).max(31).default(7),
  /** Where the demo simulators connect (a cluster's front, `npm run cluster`); default this node. */
  CUSTODIA_DEMO_MQTT_URL: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'must start with mqtt:// or mqtts://').optional(),
  /** Demo simulators check the platform's attestation against these measurements (comma-separated
   *  sha256 hex) before sending; unset: no check (docs/attestation.md). */
  CUSTODIA_DEMO_ATTEST_ALLOW: z
    .string()
    .regex(/^[0-9a-f]{64}(\s*,\s*[0-9a-f]{64})*$/, 'must list measurements (64 lowercase hex characters), comma separated')
    .optional(),
  /** Public origin(s) allowed for cookie-authenticated writes, comma separated. */
  CUSTODIA_ALLOWED_ORIGINS: z.string().optional(),
  /** Proxies whose X-Forwarded-* headers are believed: comma-separated IPs, CIDRs or
   *  `loopback`/`linklocal`/`uniquelocal`. Unset: none (the socket address is the client). */
  TRUST_PROXY: z
    .string()
    .refine((v) => v.split(',').every((p) => isProxySpec(p.trim())), 'must list IP addresses, CIDR ranges or loopback/linklocal/uniquelocal')
    .optional(),
  /** PEM files (or PEM text) for HTTPS on the API and dashboard listener. */
  HTTPS_CERT: z.string().optional(),
  HTTPS_KEY: z.string().optional(),
  /** Bearer token a Prometheus scraper presents on /metrics; without it /metrics is off. */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').max(256).optional(),
  /** Label metrics with tenant ids (off: tenant labels are summed away). */
  METRICS_TENANT_LABELS: bool.default(false),
  /** Master key file; default `<data>/master.key`. Keep it off the disk that holds the data. */
  CUSTODIA_MASTER_KEY_FILE: z.string().min(1).optional(),
  /** Where the master key lives: `file` (the key file or CUSTODIA_MASTER_KEY) or `pkcs11` (an HSM
   *  token; the key never leaves it, docs/keys.md). */
  CUSTODIA_MASTER_KEY_PROVIDER: z.enum(['file', 'pkcs11']).default('file'),
  /** PKCS#11 module (the HSM vendor's library, or libsofthsm2.so). */
  CUSTODIA_PKCS11_MODULE: z.string().min(1).optional(),
  /** Token by label (preferred) or by slot index among the slots holding a token. */
  CUSTODIA_PKCS11_TOKEN_LABEL: z.string().min(1).max(32).optional(),
  CUSTODIA_PKCS11_SLOT: z.coerce.number().int().min(0).max(1024).optional(),
  /** User PIN: a 0600 file (first line), or the value itself. */
  CUSTODIA_PKCS11_PIN_FILE: z.string().min(1).optional(),
  CUSTODIA_PKCS11_PIN: z.string().min(4).max(255).optional(),
  /** Label of the master key object, generated in the token on first start. */
  CUSTODIA_PKCS11_KEY_LABEL: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores').default('custodia-master'),
  /** Smallest group shared from personal or health data categories; only raises the floor of 5. */
  SHARING_MIN_GROUP_SIZE: z.coerce.number().int().min(5, 'can only raise the floor of 5').max(1000).default(5),
  /** Residency (docs/architecture.md "Residency"): JSON mapping each region to its own storage
   *  location and backup targets, e.g. {"eu-west":{"store":"/srv/west"},"eu-south":{"store":"postgres://…"}}. */
  CUSTODIA_REGIONS: z.string().min(2).optional(),
  /** Scheduled backups (docs/backup.md): off unless an interval is set. */
  BACKUP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).optional(),
  /** How many backups each target keeps; older ones are pruned after a verified backup. */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  /** Comma-separated targets (directories or s3:// specs), one shard each (1 to 16). */
  BACKUP_TARGETS: z.string().optional(),
  /** Targets needed to restore; default half of them, rounded up. */
  BACKUP_K: z.coerce.number().int().min(1).max(16).optional(),
  /** How often the retention job deletes readings past each tenant's retention period. */
  RETENTION_CHECK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  /** Cluster mode (docs/architecture.md "Cluster mode"): a Redis URL plus a shared PostgreSQL store. */
  CUSTODIA_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** This node's name in the cluster registry; default `<hostname>-<pid>`. */
  /** Outbound notifications (docs/integration.md): webhooks may reach loopback/private addresses
   *  and plain http only when this is set (development and tests); otherwise refused (SSRF). */
  NOTIFY_ALLOW_LOCAL_TARGETS: bool.default(false),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(2000),
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  SMTP_FROM: z.string().min(3).max(254).default('Custodia <no-reply@localhost>'),
  /** The platform's public origin, for links in notifications (default: the HTTP listener). */
  CUSTODIA_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  CUSTODIA_NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores').optional(),
});

const REGION_NAME = /^[a-z][a-z0-9-]{1,39}$/;
const regionLocationSchema = z
  .object({
    /** A directory (sqlite files) or a postgres:// / mongodb:// URL. */
    store: z.string().min(1),
    backupTargets: z.array(z.string().min(1)).max(16).default([]),
    /** Shards needed to restore a backup of this region (default half its targets, rounded up). */
    backupK: z.number().int().min(1).max(16).optional(),
  })
  .strict();
const regionsSchema = z
  .record(z.string(), regionLocationSchema)
  .refine((r) => Object.keys(r).length > 0, 'must name at least one region');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxySpec(p: string): boolean {
  if (PROXY_NAMES.has(p)) return true;
  const [ip, bits, ...rest] = p.split('/');
  const family = isIP(ip ?? '');
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  dataDir: string;
  http: { host: string; port: number };
  mqtt: {
    host: string;
    port: number;
    maxPayload: number;
    tls?: { cert: string; key: string; port: number };
  };
  logLevel: Env['LOG_LEVEL'];
  masterKeyHex?: string;
  mongodbUri?: string;
  /** The store URL when the store is not the embedded SQLite (postgres:// or mongodb://). */
  storeUrl?: string;
  session: { ttlMs: number };
  login: { maxFailures: number; lockoutMs: number; rateLimitPerMinute: number };
  ingest: { batchSize: number; batchMs: number };
  /** Bounds on device clocks (docs/security.md "Device clocks"). */
  deviceClock: { maxSkewMs: number; maxAgeMs: number };
  audit: { checkpointEvery: number };
  demo: { enabled: boolean; speed: number; historyDays: number; mqttUrl?: string; attestAllow?: string[] };
  allowedOrigins: string[];
  /** Express `trust proxy` list; empty: X-Forwarded-For is ignored. */
  trustProxy: string[];
  https?: { cert: string; key: string };
  metrics: { token?: string; tenantLabels: boolean };
  /** Master key file when the key is not given in the environment. */
  masterKeyFile?: string;
  /** CUSTODIA_MASTER_KEY_PROVIDER=pkcs11: the master key lives in this HSM token. */
  hsm?: Pkcs11Settings;
  sharing: { minGroupSize: number };
  /** Residency: each region's own storage location; unset, every tenant lives in the default one. */
  regions?: Record<string, RegionLocation>;
  /** Scheduled backups of the default location; absent when BACKUP_INTERVAL_MINUTES is unset. */
  backup?: { intervalMs: number; keep: number; targets: string[]; k: number };
  retention?: { checkMs: number };
  /** Set in cluster mode only; absent: the embedded single-process mode. */
  cluster?: { redisUrl: string; nodeId: string };
  /** Outbound alarm notifications (platform/notify/). */
  notify: NotifyConfig;
}

export interface NotifyConfig {
  allowLocalTargets: boolean;
  maxAttempts: number;
  retryBaseMs: number;
  timeoutMs: number;
  smtp?: { url: string; from: string };
  publicUrl: string;
}

/** Where one region's tenants are stored: exactly one of dataDir / storeUrl / mongodbUri. */
export interface RegionLocation {
  dataDir?: string;
  storeUrl?: string;
  mongodbUri?: string;
  backupTargets: string[];
  backupK?: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`invalid configuration: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  const store = storeSelection(e.CUSTODIA_STORE_URL, e.MONGODB_URI);
  if (Boolean(e.MQTT_TLS_CERT) !== Boolean(e.MQTT_TLS_KEY)) {
    throw new ConfigError('invalid configuration: MQTT_TLS_CERT and MQTT_TLS_KEY must be set together');
  }
  if (Boolean(e.HTTPS_CERT) !== Boolean(e.HTTPS_KEY)) {
    throw new ConfigError('invalid configuration: HTTPS_CERT and HTTPS_KEY must be set together');
  }
  const regions = e.CUSTODIA_REGIONS ? parseRegions(e.CUSTODIA_REGIONS) : undefined;
  const backup = backupSchedule(e);
  if (regions && backup.backup) checkBackupResidency(regions, backup.backup.targets, store.storeUrl ?? resolve(e.CUSTODIA_DATA_DIR));
  return {
    dataDir: resolve(e.CUSTODIA_DATA_DIR),
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    mqtt: {
      host: e.MQTT_HOST,
      port: e.MQTT_PORT,
      maxPayload: e.MQTT_MAX_PAYLOAD,
      ...(e.MQTT_TLS_CERT && e.MQTT_TLS_KEY
        ? { tls: { cert: e.MQTT_TLS_CERT, key: e.MQTT_TLS_KEY, port: e.MQTT_TLS_PORT } }
        : {}),
    },
    logLevel: e.LOG_LEVEL,
    ...(e.CUSTODIA_MASTER_KEY ? { masterKeyHex: e.CUSTODIA_MASTER_KEY.toLowerCase() } : {}),
    ...store,
    session: { ttlMs: e.SESSION_TTL_MINUTES * 60_000 },
    login: { maxFailures: e.LOGIN_MAX_FAILURES, lockoutMs: e.LOGIN_LOCKOUT_SECONDS * 1000, rateLimitPerMinute: 30 },
    ingest: { batchSize: e.INGEST_BATCH_SIZE, batchMs: e.INGEST_BATCH_MS },
    deviceClock: { maxSkewMs: e.INGEST_MAX_CLOCK_SKEW_SECONDS * 1000, maxAgeMs: e.INGEST_MAX_READING_AGE_DAYS * 86_400_000 },
    audit: { checkpointEvery: e.AUDIT_CHECKPOINT_EVERY },
    demo: {
      enabled: e.CUSTODIA_DEMO,
      speed: e.CUSTODIA_DEMO_SPEED,
      historyDays: e.CUSTODIA_DEMO_HISTORY_DAYS,
      ...(e.CUSTODIA_DEMO_MQTT_URL ? { mqttUrl: e.CUSTODIA_DEMO_MQTT_URL } : {}),
      ...(e.CUSTODIA_DEMO_ATTEST_ALLOW ? { attestAllow: e.CUSTODIA_DEMO_ATTEST_ALLOW.split(',').map((m) => m.trim()) } : {}),
    },
    allowedOrigins: (e.CUSTODIA_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: (e.TRUST_PROXY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(e.HTTPS_CERT && e.HTTPS_KEY ? { https: { cert: e.HTTPS_CERT, key: e.HTTPS_KEY } } : {}),
    metrics: { ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}), tenantLabels: e.METRICS_TENANT_LABELS },
    ...(e.CUSTODIA_MASTER_KEY_FILE ? { masterKeyFile: resolve(e.CUSTODIA_MASTER_KEY_FILE) } : {}),
    ...hsmSelection(e),
    sharing: { minGroupSize: e.SHARING_MIN_GROUP_SIZE },
    ...(regions ? { regions } : {}),
    ...backup,
    retention: { checkMs: e.RETENTION_CHECK_MINUTES * 60_000 },
    ...clusterSelection(e.CUSTODIA_REDIS_URL, e.CUSTODIA_NODE_ID, store.storeUrl),
    notify: {
      allowLocalTargets: e.NOTIFY_ALLOW_LOCAL_TARGETS,
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: e.NOTIFY_RETRY_BASE_MS,
      timeoutMs: e.NOTIFY_TIMEOUT_MS,
      ...(e.SMTP_URL ? { smtp: { url: e.SMTP_URL, from: e.SMTP_FROM } } : {}),
      publicUrl: e.CUSTODIA_PUBLIC_URL ?? `${e.HTTPS_CERT ? 'https' : 'http'}://${e.HTTP_HOST}:${e.HTTP_PORT}`,
    },
  };
}

function backupSchedule(e: Env): Pick<Config, 'backup'> {
  const targets = (e.BACKUP_TARGETS ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (e.BACKUP_INTERVAL_MINUTES === undefined) {
    if (targets.length > 0) throw new ConfigError('invalid configuration: BACKUP_TARGETS is set but BACKUP_INTERVAL_MINUTES is not');
    return {};
  }
  if (targets.length === 0 || targets.length > 16) throw new ConfigError('invalid configuration: BACKUP_TARGETS must list 1 to 16 directories or s3:// targets, comma separated');
  if (new Set(targets.map(backupLocation)).size !== targets.length) throw new ConfigError('invalid configuration: BACKUP_TARGETS names the same target twice');
  const k = e.BACKUP_K ?? Math.ceil(targets.length / 2);
  if (k > targets.length) throw new ConfigError(`invalid configuration: BACKUP_K must be at most the number of BACKUP_TARGETS (${targets.length})`);
  return { backup: { intervalMs: e.BACKUP_INTERVAL_MINUTES * 60_000, keep: e.BACKUP_KEEP, targets: targets.map(backupLocation), k } };
}

/** A backup target as configured: a directory made absolute, or an s3:// spec kept as written
 *  (platform/backup/s3-target.ts parses it; credentials never go in it). */
export const backupLocation = (t: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : resolve(t));

/** CUSTODIA_REGIONS: JSON, each store a directory or a database URL; two regions may not share a
 *  location (that would put both regions' bytes in one place). */
export function parseRegions(text: string): Record<string, RegionLocation> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('invalid configuration: CUSTODIA_REGIONS must be JSON, e.g. {"eu-west":{"store":"./data-west"}}');
  }
  const parsed = regionsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${issue.path.join('.')} ${issue.message}`.replace(/ {2,}/g, ' '));
  }
  const out: Record<string, RegionLocation> = {};
  const seen = new Map<string, string>();
  for (const [name, loc] of Object.entries(parsed.data)) {
    if (!REGION_NAME.test(name)) throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS region names are lowercase letters, digits and dashes (${JSON.stringify(name.slice(0, 40))})`);
    const where = /^postgres(ql)?:\/\//.test(loc.store)
      ? { storeUrl: loc.store }
      : /^mongodb(\+srv)?:\/\//.test(loc.store)
        ? { mongodbUri: loc.store }
        : /^[a-z][a-z0-9+.-]*:\/\//i.test(loc.store)
          ? null
          : { dataDir: resolve(loc.store) };
    if (!where) throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${name}.store must be a directory or a postgres:// or mongodb:// URL`);
    const key = where.dataDir ?? where.storeUrl ?? where.mongodbUri!;
    const other = seen.get(key);
    if (other) throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${other} and ${name} share one storage location`);
    seen.set(key, name);
    if (loc.backupK !== undefined && loc.backupK > loc.backupTargets.length) throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${name}.backupK must be at most the number of its backupTargets`);
    out[name] = { ...where, backupTargets: loc.backupTargets.map(backupLocation), ...(loc.backupK ? { backupK: loc.backupK } : {}) };
  }
  const owner = new Map<string, string>();
  for (const [name, loc] of Object.entries(out)) {
    if (new Set(loc.backupTargets).size !== loc.backupTargets.length) throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${name}.backupTargets names the same target twice`);
    for (const t of loc.backupTargets) {
      const other = owner.get(t);
      if (other) throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${other} and ${name} share a backup target`);
      owner.set(t, name);
    }
  }
  return out;
}

/** Residency of backups: a region's tenants are backed up to its own targets only, so no target
 *  may serve both a region and the default schedule (BACKUP_TARGETS), and a region stored apart
 *  from the default location needs targets of its own (its tenants would not be backed up). */
function checkBackupResidency(regions: Record<string, RegionLocation>, defaults: string[], home: string): void {
  for (const [name, loc] of Object.entries(regions)) {
    const where = loc.storeUrl ?? loc.mongodbUri ?? loc.dataDir;
    if (loc.backupTargets.length === 0 && where !== home) {
      throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${name}.backupTargets is empty, but scheduled backups are on and ${name} is stored apart from the default location`);
    }
    if (loc.backupTargets.some((t) => defaults.includes(t))) throw new ConfigError(`invalid configuration: CUSTODIA_REGIONS ${name}.backupTargets shares a target with BACKUP_TARGETS`);
  }
}

/** Cluster mode needs Redis and a store every node shares; the embedded SQLite file is not one.
 *  Leases live in PostgreSQL (platform/cluster/leases.ts), so MongoDB is refused for now. */
/** CUSTODIA_MASTER_KEY_PROVIDER=pkcs11 needs a module, a PIN source, and no key in the
 *  environment (two master keys would be ambiguous). */
function hsmSelection(e: Env): Pick<Config, 'hsm'> {
  const pkcs11Set = Object.keys(e).some((k) => k.startsWith('CUSTODIA_PKCS11_') && k !== 'CUSTODIA_PKCS11_KEY_LABEL' && e[k as keyof Env] !== undefined);
  if (e.CUSTODIA_MASTER_KEY_PROVIDER !== 'pkcs11') {
    if (pkcs11Set) throw new ConfigError('invalid configuration: CUSTODIA_PKCS11_* is set but CUSTODIA_MASTER_KEY_PROVIDER is not pkcs11');
    return {};
  }
  const fail = (what: string) => new ConfigError(`invalid configuration: CUSTODIA_MASTER_KEY_PROVIDER=pkcs11 ${what}`);
  if (!e.CUSTODIA_PKCS11_MODULE) throw fail('needs CUSTODIA_PKCS11_MODULE');
  if (!e.CUSTODIA_PKCS11_PIN_FILE === !e.CUSTODIA_PKCS11_PIN) throw fail('needs exactly one of CUSTODIA_PKCS11_PIN_FILE and CUSTODIA_PKCS11_PIN');
  if (e.CUSTODIA_PKCS11_TOKEN_LABEL !== undefined && e.CUSTODIA_PKCS11_SLOT !== undefined) throw fail('takes CUSTODIA_PKCS11_TOKEN_LABEL or CUSTODIA_PKCS11_SLOT, not both');
  if (e.CUSTODIA_MASTER_KEY) throw fail('cannot be combined with CUSTODIA_MASTER_KEY (run keys:rotate-master to move that key into the token)');
  return {
    hsm: {
      module: resolve(e.CUSTODIA_PKCS11_MODULE),
      ...(e.CUSTODIA_PKCS11_TOKEN_LABEL !== undefined ? { tokenLabel: e.CUSTODIA_PKCS11_TOKEN_LABEL } : {}),
      ...(e.CUSTODIA_PKCS11_SLOT !== undefined ? { slot: e.CUSTODIA_PKCS11_SLOT } : {}),
      ...(e.CUSTODIA_PKCS11_PIN_FILE ? { pinFile: resolve(e.CUSTODIA_PKCS11_PIN_FILE) } : {}),
      ...(e.CUSTODIA_PKCS11_PIN ? { pin: e.CUSTODIA_PKCS11_PIN } : {}),
      keyLabel: e.CUSTODIA_PKCS11_KEY_LABEL,
    },
  };
}

function clusterSelection(redisUrl: string | undefined, nodeId: string | undefined, storeUrl: string | undefined): Pick<Config, 'cluster'> {
  if (!redisUrl) {
    if (nodeId) throw new ConfigError('invalid configuration: CUSTODIA_NODE_ID needs CUSTODIA_REDIS_URL (cluster mode)');
    return {};
  }
  if (!storeUrl) {
    throw new ConfigError('invalid configuration: CUSTODIA_REDIS_URL (cluster mode) needs a shared store: set CUSTODIA_STORE_URL to postgres://…, not the embedded SQLite');
  }
  if (!/^postgres(ql)?:\/\//.test(storeUrl)) {
    throw new ConfigError('invalid configuration: CUSTODIA_REDIS_URL (cluster mode) needs CUSTODIA_STORE_URL=postgres://… (MongoDB cannot hold the cluster leases yet)');
  }
  return { cluster: { redisUrl, nodeId: nodeId ?? `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) } };
}

/** CUSTODIA_STORE_URL picks the adapter by its scheme; MONGODB_URI alone still selects MongoDB.
 *  Both set to different stores is refused rather than guessed. */
function storeSelection(storeUrl: string | undefined, mongodbUri: string | undefined): Pick<Config, 'storeUrl' | 'mongodbUri'> {
  if (storeUrl === undefined || storeUrl === 'sqlite:') {
    if (storeUrl && mongodbUri) throw new ConfigError('invalid configuration: CUSTODIA_STORE_URL and MONGODB_URI name different stores');
    return mongodbUri ? { mongodbUri, storeUrl: mongodbUri } : {};
  }
  if (/^mongodb(\+srv)?:\/\//.test(storeUrl)) {
    if (mongodbUri && mongodbUri !== storeUrl) {
      throw new ConfigError('invalid configuration: CUSTODIA_STORE_URL and MONGODB_URI name different stores');
    }
    return { mongodbUri: storeUrl, storeUrl };
  }
  if (mongodbUri) throw new ConfigError('invalid configuration: CUSTODIA_STORE_URL and MONGODB_URI name different stores');
  return { storeUrl };
}

/** Test variant: temporary data directory, free ports, quiet logs, no demo fleet. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    CUSTODIA_DATA_DIR: mkdtempSync(join(tmpdir(), 'custodia-test-')),
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    LOG_LEVEL: 'silent',
    CUSTODIA_DEMO: '0',
  });
  // Many users log in from 127.0.0.1 in one test file: keep the per-address limit out of the way
  // (the per-account lock-out stays as configured, and has its own test).
  // Lighting tests replay fixed dates on a manual pilot clock, and must keep doing so when those
  // dates are more than a year behind the wall clock: no age bound (the skew bound stays).
  const deviceClock = { ...base.deviceClock, maxAgeMs: Number.MAX_SAFE_INTEGER };
  return { ...base, login: { ...base.login, rateLimitPerMinute: 10_000 }, deviceClock, ...overrides };
}
