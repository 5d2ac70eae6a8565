// Commands to devices, persisted with their delivery lifecycle:
// queued → sent → delivered → done | failed, or expired when the time to live passes first.
// Delivery itself is the broker's (platform/broker); this service owns state, audit and events.
import type { Logger } from '../logger.ts';
import { asTenantId, type TenantId } from '../ids.ts';
import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '../errors.ts';
import { KeyedQueue } from '../keyed-queue.ts';
import type { EventBus } from '../events.ts';
import { currentTenant, requireAdmin, runInTenant, systemContext } from '../tenancy/context.ts';
import type { AuditSink } from './audit-sink.ts';
import type { Scopes } from './scopes.ts';
import { Deadlines } from './deadlines.ts';
import type { CommandStatus, Command } from '../contract.ts';
import { COMMAND_STATUSES } from '../contract.ts';
// The wire types live in the pure contract module (the dashboard reads them without Node types).
export type { CommandStatus, Command } from '../contract.ts';
export { COMMAND_STATUSES } from '../contract.ts';

const FINAL: ReadonlySet<CommandStatus> = new Set(['done', 'failed', 'expired']);

/** Allowed transitions; a late or duplicate report never moves a command backwards. */
const NEXT: Record<CommandStatus, readonly CommandStatus[]> = {
  queued: ['sent', 'delivered', 'accepted', 'done', 'failed', 'expired'],
  sent: ['sent', 'delivered', 'accepted', 'done', 'failed', 'expired'],
  delivered: ['accepted', 'done', 'failed', 'expired'],
  accepted: ['done', 'failed', 'expired'],
  done: [],
  failed: [],
  expired: [],
};

export interface OutgoingCommand {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  expiresAt: number;
}

/** Delivers a command to a device if it is online now; resolves true when published. */
export type Deliverer = (tenantId: string, deviceId: string, command: OutgoingCommand) => Promise<boolean>;

const KIND = 'command';

/** A new command: what the caller asked for, its author, and the protocol steps it has taken
 *  (its status is the last step's). */
function commandRecord(
  input: { deviceId: string; name: string; payload: Record<string, unknown>; batchId?: string | null; subject?: string | null },
  createdBy: string,
  steps: Command['history'],
  expiresAt: number,
): Command {
  const last = steps[steps.length - 1]!;
  return {
    id: randomUUID(),
    deviceId: input.deviceId,
    name: input.name,
    payload: input.payload,
    status: last.status,
    batchId: input.batchId ?? null,
    subject: input.subject ?? null,
    createdBy,
    createdAt: steps[0]!.at,
    updatedAt: last.at,
    expiresAt,
    history: steps,
  };
}

export class CommandService {
  private deliverer: Deliverer | undefined;
  private expiries = new Deadlines();
  private readonly transitions = new KeyedQueue();

  constructor(
    private readonly scopes: Scopes,
    private readonly audit: AuditSink,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {}

  setDeliverer(d: Deliverer): void {
    this.deliverer = d;
  }

  async create(input: {
    deviceId: string;
    name: string;
    payload: Record<string, unknown>;
    ttlMs: number;
    batchId?: string | null;
    subject?: string | null;
  }): Promise<Command> {
    const { tenantId, principal } = currentTenant('commands.create');
    const at = this.now();
    const cmd = commandRecord(input, principal.label, [{ status: 'queued', at }], at + input.ttlMs);
    await this.save(tenantId, cmd);
    await this.audit.record(tenantId, {
      actor: principal.label,
      action: 'command.create',
      target: `device:${cmd.deviceId}`,
      outcome: 'success',
      details: { command: cmd.id, operation: cmd.name, batch: cmd.batchId },
    });
    this.announce(tenantId, cmd);
    if (this.deliverer) {
      // A failed delivery leaves the command queued (the device gets it when it subscribes), but
      // the failure is an operator's to see.
      await this.deliverer(tenantId, cmd.deviceId, toOutgoing(cmd)).catch((err: unknown) => {
        this.logger?.warn({ err, tenantId, command: cmd.id }, 'command delivery failed; left queued');
        return false;
      });
    }
    return (await this.get(cmd.id)) ?? cmd;
  }

  async get(id: string): Promise<Command | null> {
    const records = await this.scopes.current('commands.get');
    return (await records.get<Command>(KIND, id))?.data ?? null;
  }

  async require(id: string): Promise<Command> {
    const c = await this.get(id);
    if (!c) throw notFound(`no command ${id}`);
    return c;
  }

  async list(filter: { deviceId?: string; batchId?: string; status?: CommandStatus; limit?: number; offset?: number } = {}): Promise<Command[]> {
    const records = await this.scopes.current('commands.list');
    const tags: Record<string, string> = {};
    if (filter.deviceId) tags.device = filter.deviceId;
    if (filter.batchId) tags.batch = filter.batchId;
    if (filter.status) tags.status = filter.status;
    const offset = filter.offset ?? 0;
    const rows = await records.find<Command>(KIND, { tags, newestFirst: true, limit: offset + (filter.limit ?? 200) });
    // Newest first by creation (a backfilled history is written after newer live commands).
    return rows
      .map((r) => r.data)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(offset);
  }

  /** Writes a command of the past that the device carried out (done), with its protocol steps
   *  stamped from `at`; never delivered again (final). For the demo's history only
   *  (platform/demo-history.ts), which audits the backfill as one entry. */
  async recordPast(input: { deviceId: string; name: string; payload: Record<string, unknown>; at: number; batchId?: string | null; subject?: string | null }): Promise<Command> {
    const { tenantId, principal } = currentTenant('commands.recordPast');
    const at = input.at;
    const steps: Command['history'] = [
      { status: 'queued', at },
      { status: 'sent', at: at + 200 },
      { status: 'delivered', at: at + 400 },
      { status: 'done', at: at + 1_200 },
    ];
    const cmd = commandRecord(input, principal.label, steps, at + 60_000);
    await this.save(tenantId, cmd);
    return cmd;
  }

  /** Commands a device should receive on (re)connect: not final, not expired. */
  async pendingFor(deviceId: string): Promise<OutgoingCommand[]> {
    const records = await this.scopes.current('commands.pending');
    const out: OutgoingCommand[] = [];
    for (const status of ['queued', 'sent'] as const) {
      const rows = await records.find<Command>(KIND, { tags: { device: deviceId, status } });
      for (const r of rows) if (r.data.expiresAt > this.now()) out.push(toOutgoing(r.data));
    }
    return out.sort((a, b) => a.expiresAt - b.expiresAt);
  }

  /** Moves a command on; ignores reports that would move it backwards or out of a final state.
   *  Transitions of one command are serialised: the broker's "delivered" (device PUBACK) and the
   *  device's "done" ack can arrive together, and neither may overwrite the other. */
  transition(id: string, status: CommandStatus, detail?: string): Promise<Command | null> {
    return this.transitions.run(id, () => this.applyTransition(id, status, detail));
  }

  private async applyTransition(id: string, status: CommandStatus, detail?: string): Promise<Command | null> {
    const { tenantId, principal } = currentTenant('commands.transition');
    let cmd = await this.get(id);
    if (!cmd) return null;
    // A device's own ack can overtake the broker's PUBACK report; the ack proves delivery, so
    // record "delivered" first and keep the history in protocol order.
    if ((status === 'accepted' || status === 'done' || status === 'failed') && (cmd.status === 'queued' || cmd.status === 'sent')) {
      cmd = (await this.applyTransition(id, 'delivered')) ?? cmd;
    }
    if (!NEXT[cmd.status].includes(status)) {
      if (FINAL.has(cmd.status)) return cmd;
      throw conflict(`command ${id} cannot go from ${cmd.status} to ${status}`);
    }
    if (cmd.status === status) return cmd;
    const at = this.now();
    const next: Command = {
      ...cmd,
      status,
      updatedAt: at,
      history: [...cmd.history, { status, at, ...(detail ? { detail } : {}) }],
    };
    await this.save(tenantId, next);
    await this.audit.record(tenantId, {
      actor: principal.label,
      action: `command.${status}`,
      target: `device:${cmd.deviceId}`,
      outcome: status === 'failed' || status === 'expired' ? 'failure' : 'success',
      details: { command: id, ...(detail ? { reason: detail.slice(0, 200) } : {}) },
    });
    this.announce(tenantId, next);
    return next;
  }

  private async save(tenantId: string, cmd: Command) {
    const records = await this.scopes.records(tenantId);
    await records.put(KIND, cmd.id, cmd, {
      subject: cmd.subject ?? null,
      tags: { device: cmd.deviceId, status: cmd.status, ...(cmd.batchId ? { batch: cmd.batchId } : {}) },
    });
    if (FINAL.has(cmd.status)) this.expiries.disarm(tenantId, cmd.id);
    else this.expiries.arm(tenantId, cmd.id, cmd.expiresAt);
  }

  private announce(tenantId: string, cmd: Command) {
    this.bus.publish({ tenantId, type: 'command', payload: cmd });
  }

  /** Re-arms expiry deadlines of a tenant's open commands after a restart. */
  async loadPendingForTenant(tenantId: TenantId): Promise<void> {
    requireAdmin(tenantId, 'commands.loadPendingForTenant');
    const records = await this.scopes.records(tenantId);
    for (const status of ['queued', 'sent', 'delivered', 'accepted'] as const) {
      for (const r of await records.find<Command>(KIND, { tags: { status } })) {
        this.expiries.arm(tenantId, r.id, r.data.expiresAt);
      }
    }
  }

  /** Expires overdue commands; called by the timer and by tests with an injected clock. In
   *  cluster mode `fence` throws unless this node still holds the deadlines lease. */
  async tick(fence?: () => Promise<void>): Promise<number> {
    const due = this.expiries.takeDue(this.now());
    for (const e of due) {
      await fence?.();
      const tenantId = asTenantId(e.tenantId);
      await runInTenant(systemContext('command-expiry', tenantId), () =>
        this.transition(e.id, 'expired', 'time to live passed'),
      );
    }
    return due.length;
  }

  start(intervalMs = 1000, onError: (err: unknown) => void = () => undefined): void {
    this.expiries.start(() => this.tick(), intervalMs, onError);
  }

  stop(): void {
    this.expiries.stop();
  }
}

const toOutgoing = (c: Command): OutgoingCommand => ({ id: c.id, name: c.name, payload: c.payload, expiresAt: c.expiresAt });
