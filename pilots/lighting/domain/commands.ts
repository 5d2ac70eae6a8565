// Command delivery status of a group command, and manual overrides over the schedule.
//
// A command to a group fans out to one command per lamp; each moves through
//   queued -> sent -> delivered -> done | failed
// and any not-yet-final status can become `expired` when its deadline passes (the lamp was
// offline for longer than the command's validity). done, failed and expired are final.

export const commandStatuses = ['queued', 'sent', 'delivered', 'done', 'failed', 'expired'] as const;
export type CommandStatus = (typeof commandStatuses)[number];
export type GroupCommandState = 'pending' | 'done' | 'partial' | 'failed';

const FINAL: ReadonlySet<CommandStatus> = new Set(['done', 'failed', 'expired']);
const NEXT: Record<CommandStatus, readonly CommandStatus[]> = {
  queued: ['sent', 'failed', 'expired'],
  sent: ['delivered', 'done', 'failed', 'expired'], // a fast device may ack done before delivered is seen
  delivered: ['done', 'failed', 'expired'],
  done: [],
  failed: [],
  expired: [],
};

export function isFinal(status: CommandStatus): boolean {
  return FINAL.has(status);
}

/** Whether a lamp command may move from `from` to `to` (late or duplicate acks are refused). */
export function canTransition(from: CommandStatus, to: CommandStatus): boolean {
  return NEXT[from].includes(to);
}

export interface GroupCommandAggregate {
  total: number;
  byStatus: Record<CommandStatus, number>;
  /** pending while any lamp is not final; then done (all done), failed (none done) or partial. */
  state: GroupCommandState;
}

/** Aggregate of the per-lamp statuses of one group command (an array or a lampId -> status map). */
export function aggregateGroupCommand(
  statuses: readonly CommandStatus[] | Readonly<Record<string, CommandStatus>>,
): GroupCommandAggregate {
  const list: readonly CommandStatus[] = Array.isArray(statuses)
    ? statuses
    : Object.values(statuses as Readonly<Record<string, CommandStatus>>);
  const byStatus = Object.fromEntries(commandStatuses.map((s) => [s, 0])) as Record<CommandStatus, number>;
  for (const s of list) byStatus[s] += 1;
  const total = list.length;
  const final = byStatus.done + byStatus.failed + byStatus.expired;
  let state: GroupCommandState;
  // An empty group has nothing outstanding: it is done (vacuously), not failed.
  if (final < total) state = 'pending';
  else if (byStatus.done === total) state = 'done';
  else if (byStatus.done === 0) state = 'failed';
  else state = 'partial';
  return { total, byStatus, state };
}

export interface Override {
  level: number;
  /** Epoch ms at which the override lapses; null = until cleared by an operator. */
  until: number | null;
}

export interface EffectiveLevel {
  level: number;
  source: 'override' | 'schedule';
  /** When the schedule takes over again (only for a timed override in force). */
  resumesAt?: number;
}

/** The level a lamp or group should run at: a manual override wins until it expires. */
export function effectiveLevel(
  input: { scheduledLevel: number; override?: Override | null },
  now: number,
): EffectiveLevel {
  const o = input.override;
  if (o && (o.until === null || now < o.until)) {
    return o.until === null
      ? { level: o.level, source: 'override' }
      : { level: o.level, source: 'override', resumesAt: o.until };
  }
  return { level: input.scheduledLevel, source: 'schedule' };
}
