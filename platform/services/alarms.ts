// Alarms: one active alarm per (source, type) in a tenant; lifecycle
// active-unacknowledged → active-acknowledged → cleared, with who and when; severity can rise
// (escalate) while active. An unacknowledged alarm can carry an escalation deadline: when it
// passes, the escalation hook fires once (pilots decide whom to call; the platform records it).
import { randomUUID } from 'node:crypto';
import { asTenantId, type TenantId } from '../ids.ts';
import { z } from 'zod';
import { noteSchema } from '../safe-text.ts';
import { conflict, notFound } from '../errors.ts';
import type { EventBus } from '../events.ts';
import { KeyedQueue } from '../keyed-queue.ts';
import { currentTenant, requireAdmin, runInTenant, systemContext } from '../tenancy/context.ts';
import type { AlarmNotice, AlarmNotifier } from '../notify/message.ts';
import type { AuditSink } from './audit-sink.ts';
import type { Scopes } from './scopes.ts';
import { Deadlines } from './deadlines.ts';
import type { Severity, AlarmState, Alarm } from '../contract.ts';
import { SEVERITIES } from '../contract.ts';
// The wire types live in the pure contract module (the dashboard reads them without Node types).
export type { Severity, AlarmState, Alarm } from '../contract.ts';
export { SEVERITIES } from '../contract.ts';

export const ackSchema = z.object({ note: noteSchema(500).default('') }).strict();
/** Resolving by hand says why: the note is required (it is the only record of what was done). */
export const resolveSchema = z.object({ note: noteSchema(500).refine((n) => n.trim().length > 0, 'a note saying why the alarm is resolved') }).strict();

const KIND = 'alarm';
const rank = (s: Severity) => SEVERITIES.indexOf(s);
/** Writes to one (tenant, source, type) run one at a time: "one active alarm" is a read-modify-write. */
const alarmKey = (tenantId: string, source: string, type: string) => JSON.stringify([tenantId, source, type]);

export interface RaiseInput {
  source: string;
  type: string;
  category?: string;
  severity: Severity;
  title: string;
  detail?: Record<string, unknown>;
  subject?: string | null;
  /** Escalate when still unacknowledged this long after raising (or after a severity rise). */
  escalateAfterMs?: number;
  /** Set by the pilot context, never by a pilot itself. */
  pilot?: string;
}

export type EscalationHook = (tenantId: string, alarm: Alarm) => void | Promise<void>;

/** The fields every new alarm takes from what was raised; the caller adds what its path knows. */
const newAlarm = (input: RaiseInput, state: Alarm['state'], raisedAt: number, updatedAt: number): Alarm => ({
  id: randomUUID(),
  source: input.source,
  type: input.type,
  category: input.category ?? 'technical',
  severity: input.severity,
  state,
  title: input.title,
  detail: input.detail ?? {},
  subject: input.subject ?? null,
  raisedAt,
  updatedAt,
});

export class AlarmService {
  private deadlines = new Deadlines();
  private hooks: EscalationHook[] = [];
  private readonly writes = new KeyedQueue();
  private notifier: AlarmNotifier | undefined;

  constructor(
    private readonly scopes: Scopes,
    private readonly audit: AuditSink,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  onEscalation(hook: EscalationHook): void {
    this.hooks.push(hook);
  }

  /** Outbound notifications (platform/notify/): told of every change, after it is saved. */
  setNotifier(notifier: AlarmNotifier): void {
    this.notifier = notifier;
  }

  private notify(tenantId: string, notice: Omit<AlarmNotice, 'at'>): void {
    this.notifier?.alarmEvent(tenantId, { ...notice, at: this.now() });
  }

  /** Raises an alarm, or updates the active one of the same source and type (severity only rises).
   *  Concurrent raises of one source and type queue behind each other, whoever calls. */
  async raise(input: RaiseInput): Promise<{ alarm: Alarm; change: 'raised' | 'escalated' | 'unchanged' }> {
    const { tenantId } = currentTenant('alarms.raise');
    return this.writes.run(alarmKey(tenantId, input.source, input.type), () => this.raiseNow(input));
  }

  private async raiseNow(input: RaiseInput): Promise<{ alarm: Alarm; change: 'raised' | 'escalated' | 'unchanged' }> {
    const { tenantId, principal } = currentTenant('alarms.raise');
    const records = await this.scopes.records(tenantId);
    const active = await this.findActive(input.source, input.type);
    const at = this.now();
    if (active) {
      if (rank(input.severity) <= rank(active.severity)) return { alarm: active, change: 'unchanged' };
      const next: Alarm = {
        ...active,
        severity: input.severity,
        title: input.title,
        detail: input.detail ?? active.detail,
        state: 'active-unacknowledged',
        updatedAt: at,
        ...(input.escalateAfterMs ? { escalateAt: at + input.escalateAfterMs } : {}),
      };
      await this.save(records, next);
      await this.audited(tenantId, principal.label, 'alarm.escalate', next.id, { type: next.type, source: next.source, from: active.severity, to: next.severity });
      this.announce(tenantId, next);
      this.notify(tenantId, { event: 'escalated', reason: 'severity', alarm: next });
      return { alarm: next, change: 'escalated' };
    }
    const alarm: Alarm = {
      ...newAlarm(input, 'active-unacknowledged', at, at),
      ...(input.escalateAfterMs ? { escalateAt: at + input.escalateAfterMs } : {}),
      ...(input.pilot ? { pilot: input.pilot } : {}),
    };
    await this.save(records, alarm);
    await this.audited(tenantId, principal.label, 'alarm.raise', alarm.id, { type: alarm.type, source: alarm.source, severity: alarm.severity });
    this.announce(tenantId, alarm);
    this.notify(tenantId, { event: 'raised', alarm });
    return { alarm, change: 'raised' };
  }

  async acknowledge(id: string, note = ''): Promise<Alarm> {
    const { tenantId } = currentTenant('alarms.acknowledge');
    const { source, type } = await this.require(id);
    return this.writes.run(alarmKey(tenantId, source, type), () => this.acknowledgeNow(id, note));
  }

  private async acknowledgeNow(id: string, note: string): Promise<Alarm> {
    const { tenantId, principal } = currentTenant('alarms.acknowledge');
    const records = await this.scopes.records(tenantId);
    const alarm = await this.require(id);
    if (alarm.state !== 'active-unacknowledged') throw conflict(`alarm ${id} is ${alarm.state}`);
    const at = this.now();
    const next: Alarm = { ...alarm, state: 'active-acknowledged', acknowledgedBy: principal.label, acknowledgedAt: at, note, updatedAt: at };
    delete next.escalateAt;
    await this.save(records, next);
    await this.audited(tenantId, principal.label, 'alarm.acknowledge', id, { type: alarm.type, severity: alarm.severity });
    this.announce(tenantId, next);
    this.notify(tenantId, { event: 'acknowledged', alarm: next });
    return next;
  }

  /** A person resolves (clears) an active alarm with a note, acknowledged or not: the condition
   *  was dealt with outside the platform. If it persists the pilot raises a new alarm. */
  async resolve(id: string, note: string): Promise<Alarm> {
    const { tenantId } = currentTenant('alarms.resolve');
    const { source, type } = await this.require(id);
    return this.writes.run(alarmKey(tenantId, source, type), () => this.resolveNow(id, note));
  }

  private async resolveNow(id: string, note: string): Promise<Alarm> {
    const { tenantId, principal } = currentTenant('alarms.resolve');
    const alarm = await this.require(id);
    if (alarm.state === 'cleared') throw conflict(`alarm ${id} is already cleared`);
    const at = this.now();
    const next: Alarm = { ...alarm, state: 'cleared', clearedAt: at, clearedBy: principal.label, resolutionNote: note, updatedAt: at };
    delete next.escalateAt;
    await this.save(await this.scopes.records(tenantId), next);
    await this.audited(tenantId, principal.label, 'alarm.resolve', id, { type: alarm.type, severity: alarm.severity, from: alarm.state });
    this.announce(tenantId, next);
    this.notify(tenantId, { event: 'resolved', alarm: next });
    return next;
  }

  /** Clears the active alarm of a source and type, if any. */
  async clear(source: string, type: string): Promise<Alarm | null> {
    const { tenantId } = currentTenant('alarms.clear');
    return this.writes.run(alarmKey(tenantId, source, type), () => this.clearNow(source, type));
  }

  private async clearNow(source: string, type: string): Promise<Alarm | null> {
    const { tenantId, principal } = currentTenant('alarms.clear');
    const active = await this.findActive(source, type);
    if (!active) return null;
    const at = this.now();
    const next: Alarm = { ...active, state: 'cleared', clearedAt: at, clearedBy: principal.label, updatedAt: at };
    delete next.escalateAt;
    await this.save(await this.scopes.records(tenantId), next);
    await this.audited(tenantId, principal.label, 'alarm.clear', next.id, { type, source });
    this.announce(tenantId, next);
    this.notify(tenantId, { event: 'resolved', alarm: next });
    return next;
  }

  /** Writes an alarm of the past as it ended (cleared, acknowledged or still open), stamped with
   *  its own times; no notification, escalation or event. For the demo's history only
   *  (platform/demo-history.ts), which audits the backfill as one entry. */
  async recordPast(input: RaiseInput & { raisedAt: number; acknowledgedAt?: number; clearedAt?: number }): Promise<Alarm> {
    const { tenantId, principal } = currentTenant('alarms.recordPast');
    const updatedAt = Math.max(input.raisedAt, input.acknowledgedAt ?? 0, input.clearedAt ?? 0);
    const state = input.clearedAt !== undefined ? 'cleared' : input.acknowledgedAt !== undefined ? 'active-acknowledged' : 'active-unacknowledged';
    const alarm: Alarm = {
      ...newAlarm(input, state, input.raisedAt, updatedAt),
      ...(input.acknowledgedAt !== undefined ? { acknowledgedAt: input.acknowledgedAt, acknowledgedBy: principal.label } : {}),
      ...(input.clearedAt !== undefined ? { clearedAt: input.clearedAt, clearedBy: principal.label } : {}),
      ...(input.pilot ? { pilot: input.pilot } : {}),
    };
    await this.save(await this.scopes.records(tenantId), alarm);
    return alarm;
  }

  async findActive(source: string, type: string): Promise<Alarm | null> {
    const records = await this.scopes.current('alarms.find');
    const rows = await records.find<Alarm>(KIND, { tags: { source, type, active: '1' }, limit: 1 });
    return rows[0]?.data ?? null;
  }

  async get(id: string): Promise<Alarm | null> {
    const records = await this.scopes.current('alarms.get');
    return (await records.get<Alarm>(KIND, id))?.data ?? null;
  }

  async require(id: string): Promise<Alarm> {
    const a = await this.get(id);
    if (!a) throw notFound(`no alarm ${id}`);
    return a;
  }

  async list(filter: { state?: AlarmState | 'active'; source?: string; subject?: string; limit?: number } = {}): Promise<Alarm[]> {
    const records = await this.scopes.current('alarms.list');
    const tags: Record<string, string> = {};
    if (filter.state === 'active') tags.active = '1';
    else if (filter.state) tags.state = filter.state;
    if (filter.source) tags.source = filter.source;
    const rows = await records.find<Alarm>(KIND, {
      tags,
      newestFirst: true,
      limit: filter.limit ?? 200,
      ...(filter.subject ? { subject: filter.subject } : {}),
    });
    return rows.map((r) => r.data);
  }

  private async save(records: Awaited<ReturnType<Scopes['records']>>, alarm: Alarm) {
    await records.put(KIND, alarm.id, alarm, {
      subject: alarm.subject,
      tags: {
        source: alarm.source,
        type: alarm.type,
        state: alarm.state,
        severity: alarm.severity,
        category: alarm.category,
        active: alarm.state === 'cleared' ? '0' : '1',
      },
    });
    if (alarm.escalateAt && alarm.state === 'active-unacknowledged' && !alarm.escalatedAt) {
      this.deadlines.arm(records.scope, alarm.id, alarm.escalateAt);
    } else {
      this.deadlines.disarm(records.scope, alarm.id);
    }
  }

  /** Every change of an alarm is audited in the same form: who, what, which alarm. */
  private audited(tenantId: string, actor: string, action: string, alarmId: string, details: Record<string, unknown>) {
    return this.audit.record(tenantId, { actor, action, target: `alarm:${alarmId}`, outcome: 'success', details });
  }

  private announce(tenantId: string, alarm: Alarm) {
    this.bus.publish({ tenantId, type: 'alarm', payload: alarm });
  }

  /** Loads pending escalations of a tenant (at start-up) so deadlines survive restarts. */
  async loadPendingForTenant(tenantId: TenantId): Promise<void> {
    requireAdmin(tenantId, 'alarms.loadPendingForTenant');
    const records = await this.scopes.records(tenantId);
    const rows = await records.find<Alarm>(KIND, { tags: { state: 'active-unacknowledged' } });
    for (const r of rows) {
      if (r.data.escalateAt && !r.data.escalatedAt) this.deadlines.arm(tenantId, r.id, r.data.escalateAt);
    }
  }

  /** Fires due escalations; called by the timer and by tests with an injected clock. In cluster
   *  mode `fence` throws unless this node still holds the deadlines lease (platform/cluster/). */
  async tick(fence?: () => Promise<void>): Promise<number> {
    const due = this.deadlines.takeDue(this.now());
    for (const p of due) {
      const tenantId = asTenantId(p.tenantId);
      await runInTenant(systemContext('alarm-escalation', tenantId), async () => {
        const found = await this.get(p.id);
        if (!found) return;
        const next = await this.writes.run(alarmKey(p.tenantId, found.source, found.type), () => this.escalateNow(p.tenantId, p.id, fence));
        // Hooks run outside the queue: a hook may raise or clear alarms of the same source and type.
        if (next) for (const hook of this.hooks) await hook(p.tenantId, next);
      });
    }
    return due.length;
  }

  private async escalateNow(tenantId: string, id: string, fence?: () => Promise<void>): Promise<Alarm | null> {
    const alarm = await this.get(id);
    // The stored alarm decides, not the armed copy: in cluster mode another node may have
    // escalated it already, or a severity rise may have moved its deadline.
    if (!alarm || alarm.state !== 'active-unacknowledged' || !alarm.escalateAt || alarm.escalateAt > this.now()) return null;
    const next: Alarm = { ...alarm, escalatedAt: this.now(), updatedAt: this.now() };
    delete next.escalateAt;
    // A node that lost the deadlines lease writes nothing (platform/cluster/leases.ts).
    await fence?.();
    await this.save(await this.scopes.records(tenantId), next);
    await this.audited(tenantId, 'system:alarm-escalation', 'alarm.escalation', alarm.id, { type: alarm.type, severity: alarm.severity, unacknowledgedForMs: this.now() - alarm.updatedAt });
    this.bus.publish({ tenantId, type: 'alarm.escalation', payload: next });
    this.announce(tenantId, next);
    this.notify(tenantId, { event: 'escalated', reason: 'unacknowledged', alarm: next });
    return next;
  }

  start(intervalMs = 1000, onError: (err: unknown) => void = () => undefined): void {
    this.deadlines.start(() => this.tick(), intervalMs, onError);
  }

  stop(): void {
    this.deadlines.stop();
  }
}
