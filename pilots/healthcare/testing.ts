// A small platform for the pilot's unit tests: the real services (sealed records, series, alarms,
// commands, device registry, pilot context) over an in-memory store and a transparent keyring.
// Sealing here is plain JSON — the real keyring and stores have their own tests; what these fakes
// keep is the behaviour the pilot relies on: tags, blind look-ups, subjects and their erasure.
import { ErasedError } from '../../platform/errors.ts';
import { EventBus, type PlatformEvent } from '../../platform/events.ts';
import { Devices } from '../../platform/identity/devices.ts';
import { createLogger } from '../../platform/logger.ts';
import type { PilotContext } from '../../platform/pilot.ts';
import type { HcReading } from './rules.ts';
import { createPilotContext } from '../../platform/pilot-context.ts';
import { storedReadingData } from '../../platform/reading-data.ts';
import { AlarmService } from '../../platform/services/alarms.ts';
import type { AuditEvent } from '../../platform/services/audit-sink.ts';
import { CommandService } from '../../platform/services/commands.ts';
import type { PlatformServices } from '../../platform/services/index.ts';
import { SealedRecords } from '../../platform/services/records.ts';
import type { Scopes } from '../../platform/services/scopes.ts';
import { SeriesService } from '../../platform/services/series.ts';
import type { Keyring } from '../../platform/crypto/types.ts';
import type { RecordQuery, RangeQuery, Store, StoredPoint, StoredRecord, WriteBatch } from '../../platform/storage/port.ts';
import { runInTenant, systemPrincipal, type Principal } from '../../platform/tenancy/context.ts';
import { recordConsent } from './consent.ts';
import { createPatientSchema, type CreatePatientInput, type Patient } from './model.ts';
import { resolveOptions, type HealthcareOptions } from './options.ts';
import { enrolPatient } from './patients.ts';
import { Runtime } from './runtime.ts';

/** The record and series parts of the storage port, in memory. */
export class MemoryStore {
  readonly records = new Map<string, StoredRecord>();
  readonly points: StoredPoint[] = [];
  constructor(readonly scope: string) {}

  async get(kind: string, id: string) {
    return this.records.get(`${kind}\0${id}`) ?? null;
  }
  async find(q: RecordQuery) {
    let rows = [...this.records.values()].filter(
      (r) =>
        r.kind === q.kind &&
        (q.subject === undefined || r.subject === q.subject) &&
        Object.entries(q.where ?? {}).every(([k, v]) => r.index[k] === v),
    );
    if (q.newestFirst) {
      rows.sort((a, b) => b.updatedAt - a.updatedAt);
      if (q.after !== undefined) rows = rows.filter((r) => r.updatedAt < q.after!);
    } else {
      rows.sort((a, b) => a.createdAt - b.createdAt);
      if (q.after !== undefined) rows = rows.filter((r) => r.createdAt > q.after!);
    }
    return q.limit === undefined ? rows : rows.slice(0, q.limit);
  }
  async count(kind: string, where: Record<string, string> = {}) {
    return (await this.find({ kind, where })).length;
  }
  private seq = 0;
  async commit(batch: WriteBatch) {
    for (const r of batch.put ?? []) {
      const prev = this.records.get(`${r.kind}\0${r.id}`);
      // A strictly increasing clock keeps "newest first" deterministic within one millisecond.
      const at = Math.max(r.updatedAt, ++this.seq);
      this.records.set(`${r.kind}\0${r.id}`, { ...r, createdAt: prev?.createdAt ?? at, updatedAt: at + this.seq / 1e6 });
    }
    for (const d of batch.delete ?? []) this.records.delete(`${d.kind}\0${d.id}`);
    this.points.push(...(batch.points ?? []));
  }
  async range(q: RangeQuery) {
    const rows = this.points
      .filter((p) => p.series === q.series && p.ts >= (q.from ?? -Infinity) && p.ts <= (q.to ?? Infinity))
      .sort((a, b) => (q.desc ? b.ts - a.ts : a.ts - b.ts));
    return q.limit === undefined ? rows : rows.slice(0, q.limit);
  }
  async latest(series: string) {
    return (await this.range({ series, desc: true, limit: 1 }))[0] ?? null;
  }
  async countPoints(series?: string) {
    return this.points.filter((p) => series === undefined || p.series === series).length;
  }
}

/** Seals as readable JSON but refuses, like the real keyring, anything of an erased subject. */
export function transparentKeyring() {
  const erased = new Set<string>();
  const check = (tenant: string, subject: string | null | undefined) => {
    if (subject && erased.has(`${tenant}/${subject}`)) throw new ErasedError(subject);
  };
  return {
    erased,
    async sealJson(ref: { tenant: string; subject?: string | null }, value: unknown) {
      check(ref.tenant, ref.subject);
      return Buffer.from(JSON.stringify(value));
    },
    async openJson(ref: { tenant: string; subject?: string | null }, sealed: Buffer) {
      check(ref.tenant, ref.subject);
      return JSON.parse(sealed.toString('utf8'));
    },
    async blindIndex(_tenant: string, field: string, value: string) {
      return `${field}:${value.trim().toLowerCase()}`;
    },
    async shred(tenant: string, subject: string) {
      erased.add(`${tenant}/${subject}`);
    },
    async isErased(tenant: string, subject: string) {
      return erased.has(`${tenant}/${subject}`);
    },
    async rotateSubjectKey() {
      return 2;
    },
    clearCache() {},
  };
}

export interface FakePlatform {
  tenantId: string;
  ctx: PilotContext;
  store: MemoryStore;
  keyring: ReturnType<typeof transparentKeyring>;
  alarms: AlarmService;
  commands: CommandService;
  devices: Devices;
  series: SeriesService;
  /** Audit entries of every scope, in order. */
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
}

export function createFakePlatform(opts: { tenantId?: string; now?: number; pilotId?: string } = {}): FakePlatform {
  const tenantId = opts.tenantId ?? 'tenant-t';
  const pilotId = opts.pilotId ?? 'healthcare';
  const clock = { now: opts.now ?? Date.UTC(2025, 5, 1, 12) };
  const now = () => clock.now;
  const store = new MemoryStore(tenantId);
  const platformStore = new MemoryStore('_platform');
  const keyring = transparentKeyring();
  const k = keyring as unknown as Keyring;
  const tenantRecords = new SealedRecords(store as unknown as Store, k, tenantId);
  const platformRecords = new SealedRecords(platformStore as unknown as Store, k, '_platform');
  const scopes = {
    store: async () => store,
    records: async () => tenantRecords,
    current: async () => tenantRecords,
  } as unknown as Scopes;
  const audit: FakePlatform['audit'] = [];
  const auditSink = {
    record: async (scope: string, event: AuditEvent) => {
      audit.push({ scope, ...event });
    },
  };
  const bus = new EventBus();
  const events: PlatformEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const alarms = new AlarmService(scopes, auditSink, bus, now);
  const commands = new CommandService(scopes, auditSink, bus, now);
  const series = new SeriesService(scopes, k);
  const devices = new Devices(platformRecords);
  const online = new Set<string>();
  const services = {
    logger: createLogger('silent'),
    scopes,
    series,
    alarms,
    commands,
    audit: auditSink,
    devices,
    keyring: k,
    bus,
    tenants: {
      list: async () => [{ id: tenantId, status: 'active', pilots: [pilotId] }],
      get: async (id: string) => (id === tenantId ? { id: tenantId, status: 'active', pilots: [pilotId] } : null),
      require: async () => ({ id: tenantId, status: 'active', pilots: [pilotId], quotas: { maxDevices: 10_000, maxUsers: 200, ingestPerSecond: 20_000 } }),
    },
  } as unknown as PlatformServices;
  const ctx = createPilotContext(
    pilotId,
    services,
    { isOnline: (_t, d) => online.has(d), lastSeen: () => null },
    now,
  );
  const user = (role: Principal['role']): Principal => ({ kind: 'user', id: 'u-1', tenantId, role, label: `user:${role}-1` });
  return {
    tenantId,
    ctx,
    store,
    keyring,
    alarms,
    commands,
    devices,
    series,
    audit,
    events,
    online,
    clock,
    asSystem: (fn) => runInTenant({ tenantId, principal: systemPrincipal(pilotId, tenantId) }, fn),
    asUser: (fn, role = 'operator') => runInTenant({ tenantId, principal: user(role) }, fn),
    appendTelemetry: (deviceId, subject, ts, data, id) =>
      runInTenant({ tenantId, principal: systemPrincipal('ingest', tenantId) }, async () => {
        // Stamped as ingest stores it (platform/reading-data.ts), with the registered device's kind.
        const kind = (await devices.get(tenantId, deviceId))?.kind ?? 'unknown';
        await series.append([{ series: deviceId, id: id ?? `${deviceId}-${ts}`, ts, subject, data: storedReadingData(data, { kind, receivedAt: ts }) }]);
      }),
  };
}

// ---- pilot-level helpers ---------------------------------------------------------------------

export function startedRuntime(fake: FakePlatform, options: Partial<HealthcareOptions> = {}): Runtime {
  const rt = new Runtime(resolveOptions(options));
  rt.reset();
  return rt;
}

/** A synthetic patient with a hub, oximeter, BP cuff, thermometer and wearable, consent given. */
export async function enrolTestPatient(
  fake: FakePlatform,
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
  fake: FakePlatform,
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
  fake: FakePlatform,
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
