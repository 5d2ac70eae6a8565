// The platform's records as its REST API answers them, and the device identity: what the server
// modules declare their data with and the dashboard reads. Types and pure constants only, and no
// import of Node or express, so that the dashboard's own tsconfig (no Node types) checks what it
// imports (test/architecture/dashboard-types.test.ts; docs/architecture.md "Layout and boundaries").
// The server modules re-export these names where they were declared before.
import type { Role } from './policy/role-names.ts';

// ---- The audit chain (audit/verify.ts) -----------------------------------------

export type ChainBreak = 'edited' | 'deleted' | 'reordered' | 'truncated' | 'bad-checkpoint';

export interface ChainVerified {
  ok: true;
  /** Number of entries verified. */
  entries: number;
  /** Number of checkpoints whose signature and head hash verified. */
  checkpoints: number;
  headSeq: number;
  headHash: string;
}

export interface ChainBroken {
  ok: false;
  /** Lowest sequence number at which the chain is no longer what was recorded. */
  firstBrokenSeq: number;
  reason: ChainBreak;
  detail: string;
  /** Entries that verified before the break. */
  entriesChecked: number;
}

export type ChainVerdict = ChainVerified | ChainBroken;

// ---- Users (identity/users.ts) -------------------------------------------------

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** null only for platform-admin */
  tenantId: string | null;
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  /** Set while the password is one an administrator drew (a reset): it opens no session, only the
   *  change to a password of the user's own choosing, and only until this time (ASVS 2.3.1). */
  passwordTemporaryUntil?: number;
}

export type PublicUser = Omit<User, 'passwordHash'>;

// ---- Devices (identity/devices.ts) ---------------------------------------------

export interface Device {
  id: string;
  tenantId: string;
  kind: string;
  label: string;
  /** Optional data subject the device measures (e.g. a patient id): readings seal under its key. */
  subject: string | null;
  /** Pilot-defined, non-personal attributes (group, cabinet, model…). */
  attributes: Record<string, string | number | boolean>;
  status: 'active' | 'revoked';
  secretSalt: string;
  secretHash: string;
  createdAt: number;
  rotatedAt: number;
}

export type PublicDevice = Omit<Device, 'secretSalt' | 'secretHash'>;

/** A device as authenticated by its own credentials (ETSI EN 303 645 provision 5.1): the one
 *  identity shape of the broker, ingest and the pilots. */
export interface DeviceIdentity {
  tenantId: string;
  /** Unique within its tenant; `<tenant>/<device>` is its MQTT client id. */
  deviceId: string;
  /** Device kind declared by a pilot; selects the telemetry and event schemas. */
  kind: string;
}

/** A device's identity and the data subject it measures (null: none), as pilots' presence hooks get it. */
export type DeviceWithSubject = DeviceIdentity & { subject: string | null };

// ---- Alarms (services/alarms.ts) -----------------------------------------------

export const SEVERITIES = ['info', 'minor', 'major', 'critical'] as const;

export type Severity = (typeof SEVERITIES)[number];

export type AlarmState = 'active-unacknowledged' | 'active-acknowledged' | 'cleared';

export interface Alarm {
  id: string;
  source: string;
  type: string;
  category: string;
  severity: Severity;
  state: AlarmState;
  title: string;
  /** Non-personal description; clinical values live in the pilot's own records. */
  detail: Record<string, unknown>;
  subject: string | null;
  raisedAt: number;
  updatedAt: number;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  note?: string;
  clearedAt?: number;
  clearedBy?: string;
  /** Why a person resolved it by hand (absent when the condition cleared by itself). */
  resolutionNote?: string;
  escalateAt?: number;
  escalatedAt?: number;
  /** The pilot that raised it (set by the pilot's context); absent for the platform's own. */
  pilot?: string;
}

// ---- Commands (services/commands.ts) -------------------------------------------

export const COMMAND_STATUSES = ['queued', 'sent', 'delivered', 'accepted', 'done', 'failed', 'expired'] as const;

export type CommandStatus = (typeof COMMAND_STATUSES)[number];

export interface Command {
  id: string;
  deviceId: string;
  name: string;
  payload: Record<string, unknown>;
  status: CommandStatus;
  /** Commands sent together (to a group of devices) share a batch id. */
  batchId: string | null;
  /** Data subject the command concerns (e.g. a message to a patient): sealed under its key. */
  subject?: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  history: { status: CommandStatus; at: number; detail?: string }[];
}

// ---- Keys (crypto/types.ts) ----------------------------------------------------

export interface KeyInfo {
  scope: string; // "tenant" | "index" | "subject:<id>"
  version: number;
  createdAt: number;
  wrappedBy: string;
  current: boolean;
}

// ---- Validation runs (api/routes/validation.ts) --------------------------------

export interface ValidationRunSummary {
  id: string;
  profile: 'fast' | 'full';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  summary: { total: number; pass: number; fail: number; notRun: number };
  /** Scenario ids that failed. */
  failed: string[];
  html: boolean;
}

/** GET /validation/current and the answer of POST /validation/runs. */
/** How far a running validation has come: scenarios done of total, their verdicts so far, and
 *  the scenario running now. */
export interface RunProgress {
  total: number;
  done: number;
  pass: number;
  fail: number;
  notRun: number;
  current: { id: string; title: string } | null;
}

export type RunState =
  | { state: 'idle' }
  | { state: 'running'; startedAt: number; startedBy: string; progress?: RunProgress }
  | { state: 'finished'; startedAt: number; finishedAt: number; reportId: string }
  | { state: 'failed'; startedAt: number; finishedAt: number; error: string };
// ---- The audit log (GET /audit) ----------------------------------------------------------------

/** One entry of an audit chain as the API lists it: the stored row itself. */
export type { AuditEntry } from './audit/entry.ts';
