// A small platform for the pilot's unit tests: the real services (platform/services/build.ts, as
// the server builds them: sealed records, series, alarms, commands, device registry, keyring,
// audit chain) over the in-memory store adapter that passes the storage contract suite, and the
// real pilot context on top. No HTTP, no broker: presence is a set the test fills.
import { rm } from 'node:fs/promises';
import { afterEach } from 'vitest';
import { testConfig } from '../../platform/config.ts';
import { EnvMasterKeyProvider } from '../../platform/crypto/master-key.ts';
import type { PlatformEvent } from '../../platform/events.ts';
import { createLogger } from '../../platform/logger.ts';
import type { PilotContext } from '../../platform/pilot.ts';
import type { HcReading } from './rules.ts';
import { createPilotContext } from '../../platform/pilot-context.ts';
import { storedReadingData } from '../../platform/reading-data.ts';
import type { AuditEvent } from '../../platform/services/audit-sink.ts';
import { buildServices } from '../../platform/services/build.ts';
import type { PlatformServices } from '../../platform/services/index.ts';
import { createMemoryStorage, type MemoryStore } from '../../platform/storage/memory/index.ts';
import { asTenantId } from '../../platform/ids.ts';
import { runInTenant, systemContext, type Principal } from '../../platform/tenancy/context.ts';
import { recordConsent } from './consent.ts';
import { createPatientSchema, type CreatePatientInput, type Patient } from './model.ts';
import { resolveOptions, type HealthcareOptions } from './options.ts';
import { enrolPatient } from './patients.ts';
import { Runtime } from './runtime.ts';

export interface TestPlatform {
  tenantId: string;
  ctx: PilotContext;
  services: PlatformServices;
  /** The tenant's store (sealed rows as stored: `store.dump().records`). */
  store: MemoryStore;
  keyring: PlatformServices['keyring'];
  alarms: PlatformServices['alarms'];
  commands: PlatformServices['commands'];
  devices: PlatformServices['devices'];
  series: PlatformServices['series'];
  /** Audit entries of every scope, in order, as the services hand them over (the chain stays real). */
  audit: (AuditEvent & { scope: string })[];
  /** Realtime events published through the bus. */
  events: PlatformEvent[];
  online: Set<string>;
  clock: { now: number };
  /** Runs fn as the pilot's system principal of the tenant (how rules run). */
  asSystem<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs fn as a user of the tenant (how routes run). */
  asUser<T>(fn: () => Promise<T>, role?: Principal['role']): Promise<T>;
  /** Stores a telemetry point as the ingest would (for window reloads and history). */
  appendTelemetry(deviceId: string, subject: string | null, ts: number, data: Record<string, unknown>, id?: string): Promise<void>;
  close(): Promise<void>;
}

// Every platform a test built is closed after it (stores, audit, the temporary key directory).
const open = new Set<TestPlatform>();
afterEach(async () => {
  for (const p of open) await p.close();
});

export async function createTestPlatform(opts: { tenantId?: string; now?: number; pilotId?: string } = {}): Promise<TestPlatform> {
  const tenantId = asTenantId(opts.tenantId ?? 'tenant-t');
  const pilotId = opts.pilotId ?? 'healthcare';
  const clock = { now: opts.now ?? Date.UTC(2025, 5, 1, 12) };
  const now = () => clock.now;
  const config = testConfig();
  const services = await buildServices({
    config,
    logger: createLogger('silent'),
    now,
    storage: createMemoryStorage(),
    master: new EnvMasterKeyProvider('5a'.repeat(32)),
  });
  const audit: TestPlatform['audit'] = [];
  const record = services.audit.record;
  services.audit.record = async (scope, event) => {
    audit.push({ scope, ...event });
    return record(scope, event);
  };
  await services.tenants.create({ id: tenantId, name: 'Test tenant', pilots: [pilotId] });
  const events: PlatformEvent[] = [];
  services.bus.subscribe((e) => events.push(e));
  const online = new Set<string>();
  const ctx = createPilotContext(
    pilotId,
    services,
    { isOnline: (_t, d) => online.has(d), lastSeen: () => null },
    now,
  );
  const user = (role: Principal['role']): Principal => ({ kind: 'user', id: 'u-1', tenantId, role, label: `user:${role}-1` });
  const platform: TestPlatform = {
    tenantId,
    ctx,
    services,
    store: (await services.storage.tenant(tenantId)) as MemoryStore,
    keyring: services.keyring,
    alarms: services.alarms,
    commands: services.commands,
    devices: services.devices,
    series: services.series,
    audit,
    events,
    online,
    clock,
    asSystem: (fn) => runInTenant(systemContext(pilotId, tenantId), fn),
    asUser: (fn, role = 'operator') => runInTenant({ tenantId, principal: user(role) }, fn),
    appendTelemetry: (deviceId, subject, ts, data, id) =>
      runInTenant(systemContext('ingest', tenantId), async () => {
        // Stamped as ingest stores it (platform/reading-data.ts), with the registered device's kind.
        const kind = (await services.devices.get(deviceId))?.kind ?? 'unknown';
        await services.series.append([{ series: deviceId, id: id ?? `${deviceId}-${ts}`, ts, subject, data: storedReadingData(data, { kind, receivedAt: ts }) }]);
      }),
    close: async () => {
      open.delete(platform);
      await services.notifications.stop();
      await services.audit.close();
      await services.storage.close();
      await rm(config.dataDir, { recursive: true, force: true });
    },
  };
  open.add(platform);
  return platform;
}

// ---- pilot-level helpers ---------------------------------------------------------------------

export function startedRuntime(fake: TestPlatform, options: Partial<HealthcareOptions> = {}): Runtime {
  const rt = new Runtime(resolveOptions(options));
  rt.reset();
  return rt;
}

/** A synthetic patient with a hub, oximeter, BP cuff, thermometer and wearable, consent given. */
export async function enrolTestPatient(
  fake: TestPlatform,
  rt: Runtime,
  overrides: Partial<CreatePatientInput> = {},
  consent = true,
): Promise<Patient> {
  const input = createPatientSchema.parse({
    identifier: `SYN-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    givenName: 'Synthia',
    familyName: 'Testcase',
    birthDate: '1948-03-09',
    sex: 'female',
    ...overrides,
  });
  const { consent: _c, ...rest } = input;
  return fake.asUser(async () => {
    const { patient } = await enrolPatient(fake.ctx, rest);
    if (consent) await recordConsent(fake.ctx, rt, patient.id, 'given', '');
    return patient;
  });
}

let readingSeq = 0;

/** An accepted reading as platform/ingest.ts hands it to the rules. */
export function accepted(
  fake: TestPlatform,
  patient: Patient,
  suffix: 'hub' | 'ox' | 'bp' | 'temp' | 'wear' | 'scale' | 'gluc',
  data: Record<string, unknown>,
  family: 'telemetry' | 'events' = 'telemetry',
): HcReading {
  const deviceId = patient.deviceIds.find((d) => d.endsWith(`-${suffix}`));
  if (!deviceId) throw new Error(`patient has no ${suffix} device`);
  const kinds = { hub: 'home-hub', ox: 'pulse-oximeter', bp: 'bp-cuff', temp: 'thermometer', wear: 'wearable', scale: 'scale', gluc: 'glucometer' };
  const ts = typeof data.ts === 'number' ? data.ts : fake.clock.now;
  return {
    tenantId: fake.tenantId,
    deviceId,
    kind: kinds[suffix],
    family,
    subject: patient.id,
    id: `r-${++readingSeq}`,
    ts,
    receivedAt: ts,
    data: { ts, ...data },
  } as HcReading; // as the ingest hands it over after the kind's schema accepted it
}

/** One full observation set (every NEWS2 parameter) at time ts. */
export function fullSet(
  fake: TestPlatform,
  patient: Patient,
  v: { rr: number; spo2: number; sys: number; hr: number; temp: number; avpu?: 'A' | 'C' | 'V' | 'P' | 'U'; o2?: boolean },
  ts = fake.clock.now,
): HcReading[] {
  return [
    accepted(fake, patient, 'wear', { ts, heartRate: v.hr, respiratoryRate: v.rr, movement: 0.2 }),
    accepted(fake, patient, 'ox', { ts, spo2: v.spo2, heartRate: v.hr }),
    accepted(fake, patient, 'bp', { ts, systolic: v.sys, diastolic: Math.round(v.sys * 0.6), heartRate: v.hr }),
    accepted(fake, patient, 'temp', { ts, temperature: v.temp }),
    accepted(fake, patient, 'hub', { ts, battery: 90, connectivity: 'wifi', consciousness: v.avpu ?? 'A', onOxygen: v.o2 ?? false }),
  ];
}
