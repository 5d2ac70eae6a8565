// Fleet files and provisioning. A fleet file is what the platform's demo provisioning returns
// (platform/pilot.ts DemoProvision) plus the tenant and pilot: every device with its one-time
// secret, and the pilot's `extra` (patients' profiles, lamp models…). It holds secrets, so it is
// written 0600 and a looser mode is reported when one is loaded.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z, type ZodType } from 'zod';
import { isTopicLevel } from '../../platform/broker/topics.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SimDevice, DeviceCounters } from './device.ts';

const topicLevel = (what: string) =>
  z.string().min(1).max(128).refine(isTopicLevel, `${what} must be usable as one MQTT topic level`);

export const fleetDeviceSchema = z.object({
  id: topicLevel('a device id'),
  kind: z.string().min(1).max(64),
  secret: z.string().min(1).max(1024),
  tenantId: topicLevel('a tenant id'),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  subject: z.string().nullable().default(null),
});
export type FleetDevice = z.infer<typeof fleetDeviceSchema>;

/** The fleet file of one pilot: `extra` is the pilot's own schema. */
export function fleetSchema<E extends ZodType>(pilot: string, extra: E) {
  return z
    .object({
      tenantId: topicLevel('a tenant id'),
      pilot: z.literal(pilot),
      devices: z.array(fleetDeviceSchema).min(1),
      extra,
    })
    .superRefine((f, ctx) => {
      const seen = new Set<string>();
      f.devices.forEach((d, i) => {
        if (d.tenantId !== f.tenantId) ctx.addIssue({ code: 'custom', path: ['devices', i, 'tenantId'], message: 'differs from the fleet tenant' });
        if (seen.has(d.id)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: 'duplicate device id' });
        seen.add(d.id);
      });
    });
}

export class FleetError extends Error {
  override name = 'FleetError';
}

/** One line naming where the first problem is, e.g. `devices.3.secret: Required`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Parses a fleet object against a pilot's schema; throws FleetError with one clear line. */
export function parseFleet<S extends ZodType>(schema: S, value: unknown, source = 'fleet'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new FleetError(`${source} is not a valid fleet: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Reads and validates a fleet file; `warning` is set when its mode lets others read the secrets. */
export async function loadFleet<S extends ZodType>(file: string, schema: S): Promise<{ fleet: z.infer<S>; warning: string | null }> {
  if (!existsSync(file)) throw new FleetError(`fleet file not found: ${file}`);
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FleetError(`fleet file ${file} is not valid JSON`);
  }
  const fleet = parseFleet(schema, json, `fleet file ${file}`);
  const mode = (await stat(file)).mode & 0o777;
  const warning =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? `fleet file ${file} holds device secrets but has mode ${mode.toString(8).padStart(3, '0')}; use 600`
      : null;
  return { fleet, warning };
}

/** Writes a fleet file readable by its owner only (its directory created 0700 when missing). */
export async function writeFleet(file: string, fleet: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(fleet, null, 2) + '\n', { mode: 0o600 });
  await chmod(file, 0o600); // mode above only applies when the file is created
}

export interface ProvisionRequest {
  /** Base URL of the platform, e.g. http://127.0.0.1:8080 */
  api: string;
  username: string;
  password: string;
  pilot: string;
  body: Record<string, unknown>;
  fetch?: typeof fetch;
}

async function problem(res: Response): Promise<string> {
  try {
    const p = (await res.json()) as { title?: unknown; detail?: unknown };
    const detail = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : '';
    return detail ? `${res.status} ${detail}` : String(res.status);
  } catch {
    return `${res.status} ${res.statusText}`.trim();
  }
}

/**
 * Provisions a new demo fleet through the platform's API as a tenant-admin: a bearer token from
 * POST /api/v1/auth/token, then POST /api/v1/pilots/{pilot}/demo/provision. Returns the fleet
 * object (not yet validated against the pilot's schema).
 */
export async function provisionFleet(req: ProvisionRequest): Promise<{ tenantId: string; pilot: string; devices: unknown[]; extra: unknown }> {
  const f = req.fetch ?? fetch;
  const base = req.api.replace(/\/+$/, '');
  const post = (path: string, body: unknown, token?: string) =>
    f(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  let res: Response;
  try {
    res = await post('/api/v1/auth/token', { username: req.username, password: req.password });
  } catch (err) {
    throw new FleetError(`cannot reach the platform at ${base}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new FleetError(`login as ${req.username} failed: ${await problem(res)}`);
  const { token } = z.object({ token: z.string().min(1) }).parse(await res.json());
  try {
    const out = await post(`/api/v1/pilots/${encodeURIComponent(req.pilot)}/demo/provision`, req.body, token);
    if (!out.ok) throw new FleetError(`provisioning a ${req.pilot} fleet failed: ${await problem(out)}`);
    const json = (await out.json()) as { tenantId?: unknown; devices?: unknown; extra?: unknown };
    const devices = Array.isArray(json.devices) ? json.devices : [];
    const first = devices[0] as { tenantId?: unknown } | undefined;
    const tenantId = typeof json.tenantId === 'string' ? json.tenantId : typeof first?.tenantId === 'string' ? first.tenantId : '';
    return { tenantId, pilot: req.pilot, devices, extra: json.extra ?? {} };
  } finally {
    // The session is only needed for provisioning; end it (best effort).
    await post('/api/v1/auth/logout', {}, token).catch(() => undefined);
  }
}

/**
 * Connects a fleet with at most `concurrency` (default 50) connection attempts under way at once,
 * so a large fleet does not hit the broker in one burst: each device that connects (or times out)
 * lets the next one start. Devices that could not connect keep retrying with their own back-off.
 */
export async function connectGradually(
  devices: readonly SimDevice[],
  opts: { concurrency?: number; timeoutMs?: number; stopped?: () => boolean } = {},
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < devices.length && !opts.stopped?.()) {
      const device = devices[next++]!;
      device.goOnline();
      await device.waitConnected(opts.timeoutMs ?? 5_000);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 50, devices.length) }, worker));
}

export type FleetCounters = Omit<DeviceCounters, never> & { devices: number; online: number };

/** Sums the counters of a fleet (numbers only: safe for a status line). */
export function fleetCounters(devices: Iterable<SimDevice>): FleetCounters {
  const total: FleetCounters = {
    devices: 0,
    online: 0,
    sent: 0,
    acked: 0,
    buffered: 0,
    inFlight: 0,
    dropped: 0,
    errorsReceived: 0,
    commandsReceived: 0,
    reconnects: 0,
  };
  for (const d of devices) {
    const c = d.counters;
    total.devices++;
    if (d.online) total.online++;
    total.sent += c.sent;
    total.acked += c.acked;
    total.buffered += c.buffered;
    total.inFlight += c.inFlight;
    total.dropped += c.dropped;
    total.errorsReceived += c.errorsReceived;
    total.commandsReceived += c.commandsReceived;
    total.reconnects += c.reconnects;
  }
  return total;
}

/**
 * One warning per distinct problem per window (default a minute), however many devices hit it:
 * a broker outage with 1,000 devices is one line, with the number of devices in the next one.
 */
export function problemReporter(logger: Logger | undefined, windowMs = 60_000, clock: () => number = Date.now): (message: string, deviceId: string) => void {
  const seen = new Map<string, { since: number; devices: Set<string> }>();
  return (message, deviceId) => {
    const now = clock();
    const entry = seen.get(message);
    if (entry && now - entry.since < windowMs) {
      entry.devices.add(deviceId);
      return;
    }
    const others = entry ? entry.devices.size : 0;
    seen.set(message, { since: now, devices: new Set([deviceId]) });
    logger?.warn({ deviceId, ...(others ? { devicesInLastWindow: others } : {}) }, message);
  };
}

/** The status line both simulators print: fleet counters plus the scheduler's deferred ticks. */
export function fleetStatus(devices: Iterable<SimDevice>, deferred: number) {
  const c = fleetCounters(devices);
  return {
    devices: c.devices,
    online: c.online,
    sent: c.sent,
    acked: c.acked,
    buffered: c.buffered,
    dropped: c.dropped,
    errors: c.errorsReceived,
    commands: c.commandsReceived,
    reconnects: c.reconnects,
    deferred,
  };
}
