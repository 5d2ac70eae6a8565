import { describe, it, expect } from 'vitest';
import {
  authorizePublishTopic,
  authorizeSubscribeTopic,
  authorizeToolSubscribe,
  commandTopic,
  commandsFilter,
  filterCovers,
  isTopicLevel,
  isValidFilter,
  mayForward,
  parseDeviceTopic,
  statusFilter,
  statusTopic,
  tenantTopicPrefix,
  type BrokerPrincipal,
} from './topics.ts';
import type { DeviceIdentity, ToolIdentity } from './types.ts';

const lamp: DeviceIdentity = { tenantId: 'city-a', deviceId: 'lamp-001', kind: 'lamp' };
const tool: ToolIdentity = {
  tenantId: 'city-a',
  label: 'tool:night-shift',
  topics: ['tenants/city-a/devices/+/status', 'tenants/city-a/devices/lamp-001/#', 'tenants/city-b/#', '#'],
};

describe('parseDeviceTopic', () => {
  it.each([
    ['tenants/city-a/devices/lamp-001/telemetry', { tenantId: 'city-a', deviceId: 'lamp-001', family: 'telemetry' }],
    ['tenants/city-a/devices/lamp-001/events', { tenantId: 'city-a', deviceId: 'lamp-001', family: 'events' }],
    ['tenants/city-a/devices/lamp-001/status', { tenantId: 'city-a', deviceId: 'lamp-001', family: 'status' }],
    ['tenants/city-a/devices/lamp-001/errors', { tenantId: 'city-a', deviceId: 'lamp-001', family: 'errors' }],
    ['tenants/city-a/devices/lamp-001/commands/c-1', { tenantId: 'city-a', deviceId: 'lamp-001', family: 'commands', commandId: 'c-1' }],
    ['tenants/city-a/devices/lamp-001/commands/c-1/ack', { tenantId: 'city-a', deviceId: 'lamp-001', family: 'command-ack', commandId: 'c-1' }],
  ])('reads %s', (topic, expected) => {
    expect(parseDeviceTopic(topic)).toEqual(expected);
  });

  it.each([
    'tenants/city-a/devices/lamp-001',
    'tenants/city-a/devices/lamp-001/telemetry/extra',
    'tenants/city-a/devices/lamp-001/unknown',
    'tenants/city-a/devices/lamp-001/commands',
    'tenants/city-a/devices/lamp-001/commands/c-1/nack',
    'tenants/city-a/devices/lamp-001/commands/c-1/ack/more',
    'tenants/city-a/lamps/lamp-001/telemetry',
    'tenant/city-a/devices/lamp-001/telemetry',
    'tenants//devices/lamp-001/telemetry',
    'tenants/city-a/devices/+/telemetry',
    'tenants/city-a/devices/#',
    'tenants/city-a/devices/$lamp/telemetry',
    'tenants/city-a/devices/lamp\u0000/telemetry',
    '/tenants/city-a/devices/lamp-001/telemetry',
  ])('rejects %j', (topic) => {
    expect(parseDeviceTopic(topic)).toBeNull();
  });
});

describe('isTopicLevel', () => {
  it.each([
    ['lamp-001', true],
    ['0f8e2a64-7a55-4cf5-9d1c-6d0d2e4b8c11', true],
    ['', false],
    ['a/b', false],
    ['+', false],
    ['a#', false],
    ['$SYS', false],
    ['x'.repeat(129), false],
  ])('%j → %s', (level, ok) => {
    expect(isTopicLevel(level)).toBe(ok);
  });
});

describe('a device publishing', () => {
  it.each([
    ['tenants/city-a/devices/lamp-001/telemetry', true, undefined],
    ['tenants/city-a/devices/lamp-001/events', true, undefined],
    ['tenants/city-a/devices/lamp-001/status', true, undefined],
    ['tenants/city-a/devices/lamp-001/commands/c-9/ack', true, undefined],
    ['tenants/city-a/devices/lamp-002/telemetry', false, 'other-device'],
    ['tenants/city-b/devices/lamp-001/telemetry', false, 'other-tenant'],
    ['tenants/city-a/devices/lamp-001/commands/c-9', false, 'platform-only-topic'],
    ['tenants/city-a/devices/lamp-001/errors', false, 'platform-only-topic'],
    ['$SYS/broker/clients', false, 'reserved-topic'],
    ['anything/else', false, 'not-a-device-topic'],
    ['platform/attestation', false, 'not-a-device-topic'],
    ['tenants/city-a/devices/lamp-001/telemetry/x', false, 'not-a-device-topic'],
  ])('to %s: allowed=%s', (topic, allow, reason) => {
    const d = authorizePublishTopic(lamp, topic);
    expect(d.allow).toBe(allow);
    if (!d.allow) expect(d.reason).toBe(reason);
  });
});

describe('a device subscribing', () => {
  it.each([
    ['tenants/city-a/devices/lamp-001/commands/+', true, 'commands'],
    ['tenants/city-a/devices/lamp-001/errors', true, 'errors'],
    ['platform/attestation', true, 'attestation'],
    ['platform/#', false, 'wildcard-above-prefix'],
    ['platform/+', false, 'wildcard-above-prefix'],
    ['tenants/city-a/devices/lamp-001/commands/#', false, 'not-allowed'],
    ['tenants/city-a/devices/lamp-001/#', false, 'not-allowed'],
    ['tenants/city-a/devices/lamp-001/telemetry', false, 'not-allowed'],
    ['tenants/city-a/devices/lamp-002/commands/+', false, 'other-device'],
    ['tenants/city-a/devices/+/commands/+', false, 'wildcard-above-prefix'],
    ['tenants/city-a/devices/#', false, 'wildcard-above-prefix'],
    ['tenants/city-a/#', false, 'wildcard-above-prefix'],
    ['tenants/+/devices/lamp-001/commands/+', false, 'wildcard-above-prefix'],
    ['tenants/#', false, 'wildcard-above-prefix'],
    ['#', false, 'wildcard-above-prefix'],
    ['+/city-a/devices/lamp-001/commands/+', false, 'wildcard-above-prefix'],
    ['$SYS/#', false, 'reserved-topic'],
    ['tenants/city-b/devices/lamp-001/commands/+', false, 'other-tenant'],
    ['other/topic', false, 'not-a-device-topic'],
  ])('to %s: allowed=%s (%s)', (filter, allow, detail) => {
    const d = authorizeSubscribeTopic(lamp, filter);
    expect(d.allow).toBe(allow);
    if (d.allow) expect(d.kind).toBe(detail);
    else expect(d.reason).toBe(detail);
  });
});

describe('isValidFilter (MQTT 4.7.1)', () => {
  it.each([
    ['a/b/c', true],
    ['a/+/c', true],
    ['a/#', true],
    ['#', true],
    ['+', true],
    ['a/#/c', false],
    ['a/b#', false],
    ['a/b+/c', false],
    ['', false],
  ])('%j → %s', (f, ok) => {
    expect(isValidFilter(f)).toBe(ok);
  });
});

describe('filterCovers', () => {
  it.each([
    ['a/#', 'a/b/c', true],
    ['a/#', 'a', true],
    ['a/#', 'a/#', true],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/+/c', true],
    ['a/+/c', 'a/#', false],
    ['a/b/c', 'a/+/c', false],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['a/+', 'a/b/c', false],
    ['#', 'anything/at/all', true],
  ])('%s covers %s: %s', (allowed, requested, expected) => {
    expect(filterCovers(allowed, requested)).toBe(expected);
  });
});

describe('an operator tool subscribing', () => {
  it.each([
    ['tenants/city-a/devices/+/status', true, undefined],
    ['tenants/city-a/devices/lamp-002/status', true, undefined],
    ['tenants/city-a/devices/lamp-001/commands/+', true, undefined],
    ['tenants/city-a/devices/+/commands/+', false, 'not-in-token-scope'],
    // the token's 'tenants/city-b/#' and '#' are outside its tenant and are ignored
    ['tenants/city-b/devices/x/status', false, 'other-tenant'],
    ['tenants/+/devices/x/status', false, 'wildcard-above-prefix'],
    ['#', false, 'wildcard-above-prefix'],
    ['$SYS/#', false, 'reserved-topic'],
    ['tenants/city-a/devices/a#', false, 'invalid-filter'],
  ])('to %s: allowed=%s', (filter, allow, reason) => {
    const d = authorizeToolSubscribe(tool, filter);
    expect(d.allow).toBe(allow);
    if (!d.allow) expect(d.reason).toBe(reason);
  });
});

describe('mayForward', () => {
  const device: BrokerPrincipal = { kind: 'device', identity: lamp };
  const op: BrokerPrincipal = { kind: 'tool', tool };
  it.each([
    [device, commandTopic('city-a', 'lamp-001', 'c-1'), true],
    [device, 'tenants/city-a/devices/lamp-001/errors', true],
    [device, commandTopic('city-a', 'lamp-002', 'c-1'), false],
    [device, 'tenants/city-a/devices/lamp-001/telemetry', false],
    [device, 'tenants/city-a/devices/lamp-001/status', false],
    [device, '$SYS/x/new/clients', false],
    [device, 'platform/attestation', true],
    [op, 'platform/attestation', false],
    [op, 'tenants/city-a/devices/lamp-007/status', true],
    [op, commandTopic('city-a', 'lamp-001', 'c-1'), true],
    [op, 'tenants/city-a/devices/lamp-001/telemetry', false],
    [op, 'tenants/city-a/devices/lamp-001/events', false],
    [op, commandTopic('city-a', 'lamp-002', 'c-1'), false],
    [op, 'tenants/city-b/devices/lamp-001/status', false],
  ])('%#: to %s → %s', (principal, topic, expected) => {
    expect(mayForward(principal, topic)).toBe(expected);
  });

  it('builds the command filter a device is allowed to use', () => {
    expect(authorizeSubscribeTopic(lamp, commandsFilter('city-a', 'lamp-001')).allow).toBe(true);
  });
});

describe('topic builders', () => {
  it('the tenant-wide status filter covers every device’s status of that tenant and nothing else', () => {
    expect(statusFilter('city-a')).toBe('tenants/city-a/devices/+/status');
    expect(filterCovers(statusFilter('city-a'), statusTopic('city-a', 'lamp-001'))).toBe(true);
    expect(filterCovers(statusFilter('city-a'), statusTopic('city-a2', 'lamp-001'))).toBe(false);
    expect(filterCovers(statusFilter('city-a'), commandTopic('city-a', 'lamp-001', 'c1'))).toBe(false);
    expect(statusTopic('city-a', 'lamp-001').startsWith(tenantTopicPrefix('city-a'))).toBe(true);
    expect(statusTopic('city-a2', 'lamp-001').startsWith(tenantTopicPrefix('city-a'))).toBe(false);
  });
});
