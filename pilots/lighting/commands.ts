// Switching commands to lamps: a request names a lamp, a group or a cabinet; it fans out to one
// platform command per lamp (name 'switch', payload { action, level }, a shared batch id), which the
// platform delivers over MQTT now or when the lamp reconnects. A manual command holds the lamps
// against their schedule for `overrideMinutes` (domain/commands.ts effectiveLevel).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Command } from '../../platform/services/commands.ts';
import {
  aggregateGroupCommand,
  lightingCommandSchema,
  type CommandStatus,
  type GroupCommandAggregate,
  type LightingCommand,
} from './domain/index.ts';

import type { BatchStatus, LampHistoryEntry } from './contract.ts';

export type { BatchStatus, LampHistoryEntry } from './contract.ts';

const refId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/);
export const targetSchema = z.union([
  z.strictObject({ lampId: refId }),
  z.strictObject({ groupId: refId }),
  z.strictObject({ cabinetId: refId }),
]);

/** Most minutes a manual command may hold against the schedule (a week). */
export const MAX_OVERRIDE_MINUTES = 7 * 24 * 60;

export const commandRequestSchema = z
  .strictObject({
    target: targetSchema,
    action: z.enum(['on', 'off', 'dim']),
    level: z.number().int().min(0).max(100).optional(),
    /** 0: no hold, the schedule's next step takes over; absent: the pilot's default. */
    overrideMinutes: z.number().int().min(0).max(MAX_OVERRIDE_MINUTES).optional(),
  })
  .superRefine((v, ctx) => {
    const r = lightingCommandSchema.safeParse({ action: v.action, ...(v.level !== undefined ? { level: v.level } : {}) });
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const SWITCH_COMMAND = 'switch';

/** The device payload of a level: 0 is off, 100 is on, anything between is a dim. */
export function commandForLevel(level: number): LightingCommand {
  if (level <= 0) return { action: 'off', level: 0 };
  if (level >= 100) return { action: 'on', level: 100 };
  return { action: 'dim', level: Math.round(level) };
}

/** The device payload of a request (the level made explicit, as the lamp node expects it). */
export function commandOfRequest(r: Pick<CommandRequest, 'action' | 'level'>): LightingCommand {
  if (r.action === 'off') return { action: 'off', level: 0 };
  if (r.action === 'on') return { action: 'on', level: r.level ?? 100 };
  return { action: 'dim', level: r.level! };
}

export interface CommandSink {
  create(input: { deviceId: string; name: string; payload: Record<string, unknown>; ttlMs: number; batchId?: string | null }): Promise<Command>;
}

/** One command per lamp, sharing a batch id (a new one unless the caller names it). */
export async function fanOut(
  sink: CommandSink,
  lampIds: readonly string[],
  command: LightingCommand,
  ttlMs: number,
  batchId: string = randomUUID(),
): Promise<{ batchId: string; commands: Command[] }> {
  const commands: Command[] = [];
  for (const deviceId of lampIds) {
    commands.push(await sink.create({ deviceId, name: SWITCH_COMMAND, payload: { ...command }, ttlMs, batchId }));
  }
  return { batchId, commands };
}

/** The platform's 'accepted' (the node took it, not yet applied) counts as delivered here. */
const lampStatus = (s: Command['status']): CommandStatus => (s === 'accepted' ? 'delivered' : s);

/** Per-lamp statuses and the aggregate of one batch; null when the batch has no commands. */
export function batchStatus(batchId: string, commands: readonly Command[]): BatchStatus | null {
  const first = commands[0];
  if (!first) return null;
  const lamps = [...commands]
    .sort((a, b) => a.deviceId.localeCompare(b.deviceId))
    .map((c) => ({ lampId: c.deviceId, commandId: c.id, status: lampStatus(c.status), updatedAt: c.updatedAt }));
  return {
    batchId,
    name: first.name,
    payload: first.payload,
    createdAt: Math.min(...commands.map((c) => c.createdAt)),
    createdBy: first.createdBy,
    lamps,
    aggregate: aggregateGroupCommand(lamps.map((l) => l.status)),
  };
}

/** A page of a lamp's or a group's command history (newest first); `next` is the offset of the
 *  next page, null on the last. */
export const historyQuery = z
  .strictObject({
    lampId: refId.optional(),
    groupId: refId.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .refine((v) => Boolean(v.lampId) !== Boolean(v.groupId), { message: 'give exactly one of lampId or groupId' });
export type HistoryQuery = z.infer<typeof historyQuery>;


export function lampHistoryEntry(c: Command): LampHistoryEntry {
  return { commandId: c.id, batchId: c.batchId, name: c.name, payload: c.payload, status: lampStatus(c.status), createdAt: c.createdAt, updatedAt: c.updatedAt, createdBy: c.createdBy };
}

/** A batch belongs to a group's history when it reached every lamp of the group: a group command,
 *  and a cabinet's or a schedule's that covered it whole. */
export function coversLamps(batch: Pick<BatchStatus, 'lamps'>, lampIds: readonly string[]): boolean {
  const reached = new Set(batch.lamps.map((l) => l.lampId));
  return lampIds.length > 0 && lampIds.every((id) => reached.has(id));
}
