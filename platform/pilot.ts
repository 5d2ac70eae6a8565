// What a pilot (an application hosted on the platform) declares, and the context it receives.
// A pilot never imports a storage adapter, the broker or the keyring: everything it may do
// goes through PilotContext. Adding a pilot must not touch platform/ (docs/architecture.md
// "Layout and boundaries").
import type { Router } from 'express';
import type { ErrorWriter } from './api/problem.ts';
import type { ZodType } from 'zod';
import type { Device, DeviceWithSubject } from './identity/devices.ts';
import type { Logger } from './logger.ts';
import type { AlarmService, RaiseInput } from './services/alarms.ts';
import type { AuditEvent } from './services/audit-sink.ts';
import type { CommandService } from './services/commands.ts';
import type { FindOptions, Opened, PutOptions } from './services/records.ts';
import type { SeriesService } from './services/series.ts';
import type { Principal } from './tenancy/context.ts';
import type { Obligations, Operation, Purpose } from './policy/agreements.ts';
import type { Sensitivity } from './policy/sharing-floors.ts';

// Route guards and the tenant of a request, for a pilot's routes (pure; api/guards.ts).
export { allow, allowAny, tenantOf } from './api/guards.ts';
// What a route declares for the API contract (api/route-doc.ts), on the route's own line.
export { anyObject, doc, itemsOf, noContent, type RouteDoc } from './api/route-doc.ts';
/** Writes an error answer (status, title, detail) in a mount's own format. */
export type { ErrorWriter } from './api/problem.ts';
// A stored reading's payload without the platform's stamps, for the pilot's schema to parse (pure).
export { storedPayload } from './reading-data.ts';
// When a demo backfill writes a device's readings: fine recently, coarser further back (pure).
export { historyTimes, type HistoryStepOptions } from './history-steps.ts';

/** Payload types of a pilot's readings when it does not name its own. */
export type AnyPayload = Record<string, unknown>;

export interface DeviceKindSpec<TTelemetry = AnyPayload, TEvent = AnyPayload> {
  kind: string;
  description: string;
  /** zod schema of a telemetry payload (validated at ingest; rejects are reported to the device) */
  telemetry: ZodType<TTelemetry>;
  /** zod schema of an event payload, if the kind sends events */
  events?: ZodType<TEvent>;
}

interface ReadingBase {
  tenantId: string;
  deviceId: string;
  kind: string;
  subject: string | null;
  id: string;
  ts: number;
  receivedAt: number;
}

/** A reading the platform accepted and durably committed (after the device's PUBACK), its data
 *  as the pilot's own schema for its family parsed it. */
export type AcceptedReading<TTelemetry = AnyPayload, TEvent = AnyPayload> =
  | (ReadingBase & { family: 'telemetry'; data: TTelemetry })
  | (ReadingBase & { family: 'events'; data: TEvent });

/** A reading before it is stored, as a gate judges it: its data typed by the pilot's own schema
 *  for its family, like an accepted reading's. */
export type GateReading<TTelemetry = AnyPayload, TEvent = AnyPayload> =
  | (Omit<ReadingBase, 'id' | 'receivedAt'> & { family: 'telemetry'; data: TTelemetry })
  | (Omit<ReadingBase, 'id' | 'receivedAt'> & { family: 'events'; data: TEvent });

/** Decides whether a reading may be stored (e.g. consent); runs before the durable commit. */
export type IngestGate<TTelemetry = AnyPayload, TEvent = AnyPayload> = (
  reading: GateReading<TTelemetry, TEvent>,
) => Promise<{ allow: true } | { allow: false; reason: string }>;

/** Sealed records of the tenant in context: what a pilot may do with them (the storage port
 *  underneath stays the platform's). */
export interface PilotRecords {
  get<T>(kind: string, id: string): Promise<Opened<T> | null>;
  /** Records whose subject was erased are left out. */
  find<T>(kind: string, opts?: FindOptions): Promise<Opened<T>[]>;
  count(kind: string, tags?: Record<string, string>): Promise<number>;
  put<T>(kind: string, id: string, data: T, opts?: PutOptions): Promise<void>;
  delete(kind: string, id: string): Promise<void>;
  /** Several puts and deletes in one atomic commit, stamped `at` (default: now). */
  commit(ops: { put?: { kind: string; id: string; data: unknown; opts?: PutOptions }[]; delete?: { kind: string; id: string }[] }, at?: number): Promise<void>;
}

/** Time series of the tenant in context (written by ingest, read by pilots). */
export type PilotSeries = Pick<SeriesService, 'range' | 'latest' | 'count'>;

/** Alarms of the tenant in context. Escalation hooks hear only tenants that enabled the pilot. */
export type PilotAlarms = Pick<AlarmService, 'raise' | 'acknowledge' | 'clear' | 'findActive' | 'get' | 'require' | 'list' | 'onEscalation'>;

/** Commands to devices of the tenant in context (delivery, expiry and other tenants stay the platform's). */
export type PilotCommands = Pick<CommandService, 'create' | 'get' | 'require' | 'list'>;

/** The audit chain of the tenant in context. */
export interface PilotAudit {
  record(event: AuditEvent): Promise<void>;
}

/** A reading of the past for the demo's history: `data` is the payload as the device would have
 *  published it (its kind's schema parses it, as at ingest). */
export interface PastReading {
  deviceId: string;
  family: 'telemetry' | 'events';
  ts: number;
  data: Record<string, unknown>;
}

/** An alarm of the past as it ended: cleared when `clearedAt` is set, else still open. */
export type PastAlarm = Omit<RaiseInput, 'pilot' | 'escalateAfterMs'> & { raisedAt: number; acknowledgedAt?: number; clearedAt?: number };

/** A command of the past that the device carried out. */
export interface PastCommand {
  deviceId: string;
  name: string;
  payload: Record<string, unknown>;
  at: number;
  batchId?: string | null;
  subject?: string | null;
}

/** Backfills a demo tenant's history (platform/demo-history.ts): readings sealed and stamped as
 *  ingest seals them, in one commit per call; alarms and commands as they ended. Refused (403)
 *  outside the demo tenants and for devices of another pilot's kinds. Rules and gates do not run:
 *  the pilot writes what its rules would have derived (scores, alarms) itself. */
export interface PilotDemoHistory {
  /** Returns how many readings were stored. */
  readings(rows: PastReading[]): Promise<number>;
  alarms(rows: PastAlarm[]): Promise<void>;
  commands(rows: PastCommand[]): Promise<void>;
}

/** A job of the pilot that must run on one node at a time across a cluster (a scheduler). In
 *  embedded mode (one process) it is always held; in cluster mode it is a lease with a fencing
 *  token in the shared store, passed to another node when its holder stops or dies
 *  (docs/architecture.md "Cluster mode"). */
export interface PilotSingleton {
  readonly name: string;
  /** True when other nodes run this pilot too: what a node caches of the tenants' records may be
   *  stale, so the holder re-reads what its job depends on. False in embedded mode. */
  readonly shared: boolean;
  /** Whether this node may run the job now. */
  held(): boolean;
  /** Changes each time this node gains the job (a new fencing token): the job then resumes from
   *  what the store says was done, not from what this node remembers. */
  epoch(): number;
  /** Hears gains (true) and losses (false); returns the function that stops listening. */
  onChange(listener: (held: boolean) => void): () => void;
  /** Runs `write` only while this node's token is still the job's current one; otherwise throws
   *  StaleLeaseError (platform/errors.ts) and writes nothing. */
  fence<T>(write: () => Promise<T>): Promise<T>;
}

/** A pilot's realtime events, type → payload (its contract module declares them). */
export type EventMap = Record<string, unknown>;

/** One event of a pilot's map, as `publish` takes it. */
export type PilotEvent<TEvents extends EventMap = EventMap> = {
  [K in keyof TEvents & string]: {
    type: K;
    payload: TEvents[K];
    /** Finer room inside the tenant (e.g. "patient:<id>"); absent: the tenant room. */
    room?: string;
    /** Batched per room (clients receive an array of payloads). */
    batch?: boolean;
  };
}[keyof TEvents & string];

// The default event map is `any` on purpose: a context typed by a pilot's own events and the
// platform's untyped one must be assignable both ways (type arguments are compared by variance).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface PilotContext<TEvents extends EventMap = any> {
  readonly pilotId: string;
  readonly logger: Logger;
  now(): number;
  /** How far ahead of the platform clock a stored reading's time may lie (ingest replaces a device
   *  time beyond it, docs/security.md "Device clocks"): windows and "latest" views bound their
   *  reads with it, so no reading, however stored, pins them to the future. */
  readonly deviceClock: { maxSkewMs: number; maxAgeMs: number };
  /** Sealed records of the tenant in the current context. */
  records(): Promise<PilotRecords>;
  series: PilotSeries;
  alarms: PilotAlarms;
  commands: PilotCommands;
  audit: PilotAudit;
  /** Devices of the tenant in the current context. */
  devices: {
    list(filter?: { kind?: string }): Promise<Device[]>;
    get(id: string): Promise<Device>;
    /** The device, or null when the tenant has none by that id; a failing store still throws. */
    find(id: string): Promise<Device | null>;
    register(input: { id: string; kind: string; label?: string; subject?: string | null; attributes?: Device['attributes'] }): Promise<{ device: Device; secret: string }>;
    update(id: string, patch: Partial<Pick<Device, 'label' | 'attributes' | 'subject'>>): Promise<Device>;
    isOnline(id: string): boolean;
    lastSeen(id: string): number | null;
  };
  /** Crypto-shredding and key rotation of a data subject of the current tenant. */
  subjects: {
    erase(subject: string): Promise<void>;
    isErased(subject: string): Promise<boolean>;
    rotate(subject: string): Promise<number>;
  };
  /** Writes the history of a demo tenant on its first start (PilotInstance.backfillDemo). */
  demoHistory: PilotDemoHistory;
  /** Pushes an event to the current tenant's realtime room (or a finer room). */
  publish(event: PilotEvent<TEvents>): void;
  /** The principal of the current request or job. */
  principal(): Principal;
  /** Runs fn in the context of each tenant that enabled this pilot (for background jobs). */
  forEachTenant(fn: (tenantId: string) => Promise<void>): Promise<void>;
  /** The job `name` of this pilot that runs once across the cluster (the same handle on every call). */
  singleton(name: string): PilotSingleton;
  /** Runs fn in one tenant's context as this pilot's system principal; refuses (403) a tenant that
   *  does not exist, is not active or has not enabled this pilot. */
  inTenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T>;
}

export interface DemoProvision {
  /** Devices created, with their one-time secrets, for the simulator to use. */
  devices: { id: string; kind: string; secret: string; tenantId: string; attributes: Device['attributes']; subject: string | null }[];
  /** Anything else the pilot's simulator needs (patients' profiles, lamp models…). */
  extra?: unknown;
}

/** What a pilot's demo backfill wrote, for the start banner and the audit. */
export interface DemoBackfill {
  readings: number;
  records: number;
  alarms: number;
  commands: number;
}

/** A data category a pilot can share under a Data Sharing Agreement. */
export interface ShareProvider {
  /** "<pilot>.<category>", e.g. "healthcare.vitals". */
  category: string;
  description: string;
  /** What the data is about. Personal and health categories (and any category that does not say)
   *  get the platform's sharing floors (platform/policy/sharing-floors.ts). */
  sensitivity?: Sensitivity;
  /** Runs in the provider tenant's context and must honour every obligation it is given
   *  (aggregation only, minimum group size, consent for the purpose). */
  provide(
    ctx: PilotContext,
    request: { agreementId: string; operation: Operation; purpose: Purpose; obligations: Obligations; params: Record<string, string> },
  ): Promise<{ rows: unknown[]; subjects: number; suppressed: number }>;
}

/** What a pilot declares: its device kinds (with their zod schemas, which type its readings),
 *  what it can share, and `create`, which the platform calls once at start with the pilot's
 *  context bound for good (docs/architecture.md "Pilots"). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Pilot<TTelemetry = AnyPayload, TEvent = AnyPayload, TEvents extends EventMap = any> {
  id: string;
  title: string;
  deviceKinds: DeviceKindSpec<TTelemetry, TEvent>[];
  /** Data categories this pilot can share under an agreement. */
  shares?: ShareProvider[];
  create(ctx: PilotContext<TEvents>): PilotInstance<TTelemetry, TEvent> | Promise<PilotInstance<TTelemetry, TEvent>>;
}


/** Routes a pilot serves under a root path of its own, outside /api/v1, for a standard another
 *  system speaks (e.g. `/fhir/R4`). The platform puts the same authentication, rate limit and
 *  pilot-enabled check in front as for `routes`, and writes every error of the mount with
 *  `sendError` (default: problem+json). The path must not collide with the platform's own. */
export interface PilotMount {
  path: string;
  router: Router;
  sendError?: ErrorWriter;
}

/** A running pilot: what the platform calls, each in the tenant's context. */
export interface PilotInstance<TTelemetry = AnyPayload, TEvent = AnyPayload> {
  /** REST routes, mounted at /api/v1/pilots/<id> behind authentication. */
  routes?: Router;
  /** Routes under root paths of the pilot's own (see PilotMount). */
  mounts?: PilotMount[];
  /** May refuse a reading before it is stored (e.g. no consent); the device is told why. */
  // Method syntax, like onReadings: a pilot typed by its own schemas stays a `Pilot` the platform
  // can hold (parameters of methods are compared bivariantly).
  gate?(reading: GateReading<TTelemetry, TEvent>): ReturnType<IngestGate>;
  /** Rules run on accepted readings of this pilot's device kinds, in the tenant's context. */
  onReadings?(readings: AcceptedReading<TTelemetry, TEvent>[]): Promise<void>;
  /** A device of this pilot's kinds came online or went offline; `subject` is its data subject now. */
  onPresence?(device: DeviceWithSubject, online: boolean, at: number): Promise<void>;
  /** The tenant's readings before `cutoff` were deleted under its retention period: delete what
   *  the pilot derived from them and keeps (docs/architecture.md "Retention"). */
  onRetention?(cutoff: number): Promise<void>;
  /** Creates the demo data of the tenant in context (idempotent: called only when the tenant is new). */
  seedDemo?(opts: { seed: number; size: number }): Promise<DemoProvision>;
  /** Writes `from`..`to` of seeded synthetic history for the demo devices `seedDemo` created,
   *  through `ctx.demoHistory`, in the tenant's context; called once per demo tenant (a marker
   *  keeps restarts from writing it again). */
  backfillDemo?(opts: { seed: number; from: number; to: number; provision: DemoProvision }): Promise<DemoBackfill>;
  stop?(): Promise<void>;
}
