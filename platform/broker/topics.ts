// The device topic scheme (docs/architecture.md "Topics") and the access rules on it. Pure functions, deny
// by default: anything not explicitly allowed below is refused.
//
//   tenants/{t}/devices/{d}/telemetry          device → platform
//   tenants/{t}/devices/{d}/events             device → platform
//   tenants/{t}/devices/{d}/status             device → platform (retained, last will)
//   tenants/{t}/devices/{d}/commands/{id}      platform → device
//   tenants/{t}/devices/{d}/commands/{id}/ack  device → platform
//   tenants/{t}/devices/{d}/errors             platform → device
//   platform/attestation                       platform → every device (retained, read-only)
import type { DeviceIdentity, ToolIdentity } from './types.ts';

export type TopicFamily = 'telemetry' | 'events' | 'status' | 'commands' | 'command-ack' | 'errors';

export interface DeviceTopic {
  tenantId: string;
  deviceId: string;
  family: TopicFamily;
  commandId?: string;
}

export type Decision<T> = ({ allow: true } & T) | { allow: false; reason: string };

const SIMPLE_FAMILIES: ReadonlySet<string> = new Set(['telemetry', 'events', 'status', 'errors']);
const DEVICE_PUBLISHES: ReadonlySet<TopicFamily> = new Set(['telemetry', 'events', 'status', 'command-ack']);
/** What an operator tool may receive: never raw readings, which only leave the broker sealed. */
const TOOL_RECEIVES: ReadonlySet<TopicFamily> = new Set(['status', 'commands', 'command-ack', 'errors']);

/** One level of a topic name carrying an id: non-empty, no separator, no wildcard (MQTT-3.3.2-2),
 *  no U+0000 (MQTT-4.7.3-2) and no leading `$`, which marks server topics (MQTT 4.7.2). */
export function isTopicLevel(s: string): boolean {
  return s.length > 0 && s.length <= 128 && !/[/+#\u0000]/.test(s) && !s.startsWith('$');
}

/** The platform's signed attestation statement (platform/attest/, docs/attestation.md): the one
 *  topic outside the tenant tree a device may read; only the platform itself publishes it. */
export const PLATFORM_ATTESTATION_TOPIC = 'platform/attestation';

/** Every topic of a tenant starts with this (the trailing slash keeps `acme` from matching `acme-2`). */
export const tenantTopicPrefix = (tenantId: string) => `tenants/${tenantId}/`;
export const topicPrefix = (tenantId: string, deviceId: string) => `${tenantTopicPrefix(tenantId)}devices/${deviceId}`;
/** The MQTT identity of a device, its username and its client id alike: `<tenant>/<device>`,
 *  unique platform-wide. The only form the broker accepts (docs/security.md "Client ids"). */
export const mqttIdentity = (tenantId: string, deviceId: string) => `${tenantId}/${deviceId}`;
export const telemetryTopic = (t: string, d: string) => `${topicPrefix(t, d)}/telemetry`;
export const eventsTopic = (t: string, d: string) => `${topicPrefix(t, d)}/events`;
export const statusTopic = (t: string, d: string) => `${topicPrefix(t, d)}/status`;
export const errorsTopic = (t: string, d: string) => `${topicPrefix(t, d)}/errors`;
export const commandTopic = (t: string, d: string, id: string) => `${topicPrefix(t, d)}/commands/${id}`;
export const commandAckTopic = (t: string, d: string, id: string) => `${commandTopic(t, d, id)}/ack`;
/** The one filter a device uses to receive its commands. */
export const commandsFilter = (t: string, d: string) => `${topicPrefix(t, d)}/commands/+`;
/** The status (presence) topics of every device of a tenant. */
export const statusFilter = (t: string) => statusTopic(t, '+');

/** Parses a topic name of the device scheme; null for anything else. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const s = topic.split('/');
  if (s.length < 5 || s.length > 7 || s[0] !== 'tenants' || s[2] !== 'devices') return null;
  const [, tenantId, , deviceId, family, commandId, ack] = s as [string, string, string, string, string, string?, string?];
  if (!isTopicLevel(tenantId) || !isTopicLevel(deviceId)) return null;
  if (s.length === 5) {
    return SIMPLE_FAMILIES.has(family) ? { tenantId, deviceId, family: family as TopicFamily } : null;
  }
  if (family !== 'commands' || commandId === undefined || !isTopicLevel(commandId)) return null;
  if (s.length === 6) return { tenantId, deviceId, family: 'commands', commandId };
  return ack === 'ack' ? { tenantId, deviceId, family: 'command-ack', commandId } : null;
}

/** Where the first level of a name or filter starts with `$` (MQTT 4.7.2: server topics). */
const isReserved = (topic: string) => topic.startsWith('$');

/** A device may publish telemetry, events, status and command acks under its own prefix only. */
export function authorizePublishTopic(id: DeviceIdentity, topic: string): Decision<{ topic: DeviceTopic }> {
  if (isReserved(topic)) return { allow: false, reason: 'reserved-topic' };
  const parsed = parseDeviceTopic(topic);
  if (!parsed) return { allow: false, reason: 'not-a-device-topic' };
  if (parsed.tenantId !== id.tenantId) return { allow: false, reason: 'other-tenant' };
  if (parsed.deviceId !== id.deviceId) return { allow: false, reason: 'other-device' };
  if (!DEVICE_PUBLISHES.has(parsed.family)) return { allow: false, reason: 'platform-only-topic' };
  return { allow: true, topic: parsed };
}

const isWildcard = (level: string | undefined) => level === '+' || level === '#';

/** A device may subscribe to exactly three filters: its `commands/+`, its `errors` and the
 *  platform's attestation topic. Everything else (other devices, other tenants, wildcards above
 *  its prefix, `$SYS`) is refused; the reason only feeds the audit entry. Publishing on the
 *  attestation topic is refused by authorizePublishTopic (not a device topic). */
export function authorizeSubscribeTopic(
  id: DeviceIdentity,
  filter: string,
): Decision<{ kind: 'commands' | 'errors' | 'attestation' }> {
  if (filter === commandsFilter(id.tenantId, id.deviceId)) return { allow: true, kind: 'commands' };
  if (filter === errorsTopic(id.tenantId, id.deviceId)) return { allow: true, kind: 'errors' };
  if (filter === PLATFORM_ATTESTATION_TOPIC) return { allow: true, kind: 'attestation' };
  return { allow: false, reason: subscribeDenialReason(id.tenantId, id.deviceId, filter) };
}

function subscribeDenialReason(tenantId: string, deviceId: string | null, filter: string): string {
  if (isReserved(filter)) return 'reserved-topic';
  const s = filter.split('/');
  if (isWildcard(s[0]) || isWildcard(s[1]) || isWildcard(s[2])) return 'wildcard-above-prefix';
  if (s[0] !== 'tenants' || s[2] !== 'devices') return 'not-a-device-topic';
  if (s[1] !== tenantId) return 'other-tenant';
  if (deviceId === null) return 'not-allowed';
  if (isWildcard(s[3])) return 'wildcard-above-prefix';
  if (s[3] !== deviceId) return 'other-device';
  return 'not-allowed';
}

/** Topic filter syntax (MQTT 4.7.1): `#` only as the whole last level, `+` only as a whole level. */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false; // MQTT-4.7.3-1, -2
  const s = filter.split('/');
  return s.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === s.length - 1; // MQTT-4.7.1-2
    if (level.includes('+')) return level === '+'; // MQTT-4.7.1-3
    return true;
  });
}

/** True when every topic name matched by `requested` is also matched by `allowed`. */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < a.length; i++) {
    const al = a[i]!;
    const rl = r[i];
    if (al === '#') return true; // also matches the parent level (MQTT 4.7.1.2)
    if (rl === undefined || rl === '#') return false;
    if (al === '+') continue;
    if (al !== rl) return false;
  }
  return r.length === a.length;
}

/** An operator tool may subscribe to a filter covered by one of its token's filters, within its
 *  own tenant; the tenant level must be literal, and the token's filters are themselves confined
 *  to the tenant (defence in depth: a broad filter from the token service is ignored). */
export function authorizeToolSubscribe(tool: ToolIdentity, filter: string): Decision<object> {
  if (isReserved(filter)) return { allow: false, reason: 'reserved-topic' };
  if (!isValidFilter(filter)) return { allow: false, reason: 'invalid-filter' };
  const own = tenantTopicPrefix(tool.tenantId);
  if (!filter.startsWith(own)) return { allow: false, reason: subscribeDenialReason(tool.tenantId, null, filter) };
  const ok = tool.topics.some((a) => a.startsWith(own) && isValidFilter(a) && filterCovers(a, filter));
  return ok ? { allow: true } : { allow: false, reason: 'not-in-token-scope' };
}

export type BrokerPrincipal = { kind: 'device'; identity: DeviceIdentity } | { kind: 'tool'; tool: ToolIdentity };

/** Last check before a message leaves the broker for a subscriber (aedes `authorizeForward`).
 *  A device receives only its own commands and errors, and the platform's attestation; a tool only its tenant's non-reading
 *  topics that its token covers. */
export function mayForward(principal: BrokerPrincipal, topicName: string): boolean {
  if (topicName === PLATFORM_ATTESTATION_TOPIC) return principal.kind === 'device';
  const topic = parseDeviceTopic(topicName);
  if (!topic) return false;
  if (principal.kind === 'device') {
    const { tenantId, deviceId } = principal.identity;
    return (
      topic.tenantId === tenantId &&
      topic.deviceId === deviceId &&
      (topic.family === 'commands' || topic.family === 'errors')
    );
  }
  const { tool } = principal;
  const own = tenantTopicPrefix(tool.tenantId);
  return (
    topic.tenantId === tool.tenantId &&
    TOOL_RECEIVES.has(topic.family) &&
    tool.topics.some((a) => a.startsWith(own) && filterCovers(a, topicName))
  );
}
