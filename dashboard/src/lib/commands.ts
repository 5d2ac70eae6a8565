// Command delivery as the platform reports it (platform/services/commands.ts): a status only
// moves forward, and a final one (done, failed, expired) never changes. Live events can arrive
// before the answer of the request that created the command, so views merge whatever they hear
// with this rule instead of trusting the order of arrival.
import type { CommandStatus } from './types.ts';

export const FINAL_STATUSES: ReadonlySet<CommandStatus> = new Set(['done', 'failed', 'expired']);
const RANK: Record<CommandStatus, number> = { queued: 0, sent: 1, delivered: 2, accepted: 3, done: 4, failed: 4, expired: 4 };

/** Every status, in the order a command moves through them. */
export const COMMAND_STATUSES = Object.keys(RANK) as CommandStatus[];

/** The later of two reports of one command. */
export function furthest(a: CommandStatus | undefined, b: CommandStatus | undefined): CommandStatus | undefined {
  if (a === undefined) return b;
  if (b === undefined || FINAL_STATUSES.has(a)) return a;
  return RANK[b] >= RANK[a] ? b : a;
}
