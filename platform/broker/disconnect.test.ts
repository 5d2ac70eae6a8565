import { describe, expect, it } from 'vitest';
import { takeoverAllowed } from './authenticate.ts';
import { matches } from './disconnect.ts';
import type { BrokerPrincipal } from './topics.ts';

const device = (tenantId: string, deviceId: string): BrokerPrincipal => ({ kind: 'device', identity: { tenantId, deviceId, kind: 'lamp' } });
const tool = (tenantId: string, label: string, owner?: string, tokenId?: string): BrokerPrincipal => ({
  kind: 'tool',
  tool: { tenantId, label, topics: [], ...(owner ? { owner } : {}), ...(tokenId ? { tokenId } : {}) },
});

describe('which live connections a revocation ends (ASVS 3.3.1, ETSI 5.1-1)', () => {
  it.each([
    ['the revoked device', device('t1', 'lamp-1'), { tenantId: 't1', deviceId: 'lamp-1' }, true],
    ['another device of the tenant', device('t1', 'lamp-2'), { tenantId: 't1', deviceId: 'lamp-1' }, false],
    ['the same device id in another tenant', device('t2', 'lamp-1'), { tenantId: 't1', deviceId: 'lamp-1' }, false],
    ['a tool, when one device is revoked', tool('t1', 'tool:u1', 'u1'), { tenantId: 't1', deviceId: 'lamp-1' }, false],
    ['every device of a suspended tenant', device('t1', 'lamp-2'), { tenantId: 't1' }, true],
    ['every tool of a suspended tenant', tool('t1', 'tool:u1', 'u1'), { tenantId: 't1' }, true],
    ['nothing of another tenant', device('t2', 'lamp-2'), { tenantId: 't1' }, false],
    ['the tools of a disabled user', tool('t1', 'tool:u1', 'u1'), { owner: 'u1' }, true],
    ["another user's tools", tool('t1', 'tool:u2', 'u2'), { owner: 'u1' }, false],
    ['no device, for a user', device('t1', 'u1'), { owner: 'u1' }, false],
    ['the tool connected with a revoked token', tool('t1', 'x', undefined, 'h1'), { tokenId: 'h1' }, true],
    ['a tool connected with another token', tool('t1', 'x', undefined, 'h2'), { tokenId: 'h1' }, false],
  ] as const)('%s: %s', (_what, principal, match, expected) => {
    expect(matches(principal, match)).toBe(expected);
  });
});

describe('client-id takeover (MQTT-3.1.4-2) never crosses principals', () => {
  it.each([
    ['a free id', undefined, device('t1', 'lamp-1'), true],
    ['the same device reconnecting', device('t1', 'lamp-1'), device('t1', 'lamp-1'), true],
    ['a device of another tenant', device('t2', 'lamp-1'), device('t1', 'lamp-1'), false],
    ['a device against a tool holding its id: its own credentials win', tool('t2', 'tool:x'), device('t1', 'lamp-1'), true],
    ['a tool against a device', device('t1', 'lamp-1'), tool('t1', 'tool:x'), false],
    ['a tool against another tenant’s tool', tool('t2', 'tool:x'), tool('t1', 'tool:x'), false],
    ['the same tool reconnecting', tool('t1', 'tool:x'), tool('t1', 'tool:x'), true],
  ] as const)('%s', (_what, prev, next, expected) => {
    expect(takeoverAllowed(prev, next)).toBe(expected);
  });
});
