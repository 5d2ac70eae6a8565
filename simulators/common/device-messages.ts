// What a device reads from the platform, as pure functions: a notice on …/errors, and a command on
// …/commands/{id} — checked against the wire shape the broker publishes, refused with a reason
// when malformed or expired. The connection (device.ts) decides what to do with each.
import { z } from 'zod';
import { parseDeviceTopic } from '../../platform/broker/topics.ts';

/** A command received on …/commands/{id}; `payload` is what the platform calls `params`. */
export interface DeviceCommand {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  expiresAt: number | null;
}

/** The wire shape the broker publishes (platform/broker/types.ts CommandWire):
 *  `{ id, name, params?, issuedAt, expiresAt? }`. */
const commandMessage = z.object({
  name: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).optional(),
  issuedAt: z.number().finite().optional(),
  expiresAt: z.number().finite().nullable().optional(),
});

/** A notice the platform sent on …/errors: its JSON (or its first 200 characters) and its reason. */
export function readErrorNotice(payload: Buffer): { notice: unknown; reason: string } {
  let notice: unknown = null;
  try {
    notice = JSON.parse(payload.toString('utf8'));
  } catch {
    notice = payload.toString('utf8').slice(0, 200);
  }
  const reason = typeof notice === 'object' && notice !== null && typeof (notice as { reason?: unknown }).reason === 'string' ? (notice as { reason: string }).reason : 'unknown';
  return { notice, reason };
}

/** The command id of a topic on …/commands/{id}, or null for any other topic. */
export function commandIdOf(topic: string): string | null {
  const parsed = parseDeviceTopic(topic);
  return parsed && parsed.family === 'commands' && parsed.commandId ? parsed.commandId : null;
}

/** A command's payload read, or the reason it is refused (acknowledged `failed`). */
export function readCommand(commandId: string, payload: Buffer, now: number): { command: DeviceCommand } | { refused: string } {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return { refused: 'command payload is not JSON' };
  }
  const checked = commandMessage.safeParse(json);
  if (!checked.success) return { refused: 'command has no name or malformed params' };
  const command: DeviceCommand = { id: commandId, name: checked.data.name, payload: checked.data.params ?? {}, expiresAt: checked.data.expiresAt ?? null };
  if (command.expiresAt !== null && command.expiresAt < now) return { refused: 'command expired before it reached the device' };
  return { command };
}

/** The last `limit` ids seen: QoS 1 is at-least-once, so a redelivered command is applied once. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly limit: number) {}

  /** True the first time an id is seen (and remembers it), false after. */
  first(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
