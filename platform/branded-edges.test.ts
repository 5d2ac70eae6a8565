// Branded ids at the edges (docs/architecture.md "Branded ids"): the registries and services that
// take a tenant or device explicitly accept only a TenantId / DeviceId, which only the validating
// constructors in ids.ts make. The type half of this test is checked by `tsc -p tsconfig.json`
// (the first step of `npm test`): each `@ts-expect-error` fails the type check as soon as the line
// under it compiles, that is, as soon as a raw string from a body, query or topic could reach
// the registry unchecked.
import { describe, expect, it } from 'vitest';
import { asDeviceId, asTenantId, deviceIdParamSchema, tenantIdSchema, type TenantId } from './ids.ts';
import { parseMqttIdentity, type Devices } from './identity/devices.ts';
import type { DeviceCertificates } from './identity/device-certs.ts';
import type { ToolTokens } from './identity/tool-tokens.ts';
import type { Users } from './identity/users.ts';
import type { AgreementService } from './policy/agreement-service.ts';
import type { AlarmService } from './services/alarms.ts';
import type { CommandService } from './services/commands.ts';
import { currentTenant, runInTenant, systemContext, systemPrincipal } from './tenancy/context.ts';

interface Registries {
  devices: Devices;
  certs: DeviceCertificates;
  tokens: ToolTokens;
  users: Users;
  agreements: AgreementService;
  alarms: AlarmService;
  commands: CommandService;
}

/** Never called: it exists for the type checker. */
export function rawStringsDoNotReachTheRegistries(r: Registries, raw: string, der: Uint8Array): void {
  // @ts-expect-error a raw string is not a tenant id
  void r.devices.countForTenant(raw);
  // @ts-expect-error nor a device id
  void r.devices.getForTenant(asTenantId(raw), raw);
  // @ts-expect-error a device id is not a tenant id
  void r.devices.countForTenant(asDeviceId(raw));
  // @ts-expect-error registering for a tenant named by a request field
  void r.devices.register({ id: raw, tenantId: raw, kind: raw });
  // @ts-expect-error
  void r.certs.verify(raw, asDeviceId(raw), der);
  // @ts-expect-error
  void r.certs.list(asTenantId(raw), raw);
  // @ts-expect-error
  void r.tokens.revoke(raw, raw);
  // @ts-expect-error
  void r.users.list(raw);
  // @ts-expect-error
  void r.agreements.listFor(raw);
  // @ts-expect-error
  void r.alarms.loadPendingForTenant(raw);
  // @ts-expect-error
  void r.commands.loadPendingForTenant(raw);
  // The tenant context is made only from a checked id (REST auth, the broker's identity, jobs).
  // @ts-expect-error a context for a tenant named by a raw string
  void runInTenant({ tenantId: raw, principal: systemPrincipal('x') }, () => 0);
  // @ts-expect-error nor a principal of one
  void systemPrincipal('x', raw);
  // @ts-expect-error
  void systemContext('x', raw);

  // Through the constructors, the same calls compile.
  const tenant = asTenantId(raw);
  const device = asDeviceId(raw);
  void r.devices.countForTenant(tenant);
  void r.devices.getForTenant(tenant, device);
  void r.certs.verify(tenant, device, der);
  void r.users.list(tenant);
  void r.users.list(null);
  void r.agreements.listFor(tenant);
  void runInTenant(systemContext('x', tenant), () => currentTenant().tenantId satisfies TenantId);
}

describe('branded ids at the edges', () => {
  it('the request schemas brand valid ids and refuse the rest with the field named', () => {
    expect(tenantIdSchema.parse('city-a')).toBe('city-a');
    for (const bad of ['', 'City', '../a', 'a/b', '_platform', 7]) expect(tenantIdSchema.safeParse(bad).success, String(bad)).toBe(false);
    expect(deviceIdParamSchema.parse('lamp-001')).toBe('lamp-001');
    for (const bad of ['ab', 'Lamp-1', 'a/b', 'city-a/lamp-1']) expect(deviceIdParamSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('an MQTT username yields branded ids only when both halves are valid', () => {
    expect(parseMqttIdentity('city-a/lamp-001')).toEqual({ tenantId: 'city-a', deviceId: 'lamp-001' });
    for (const bad of ['lamp-001', 'City/lamp-001', 'city-a/Lamp', 'city-a/lamp-001/x', '../x/lamp-001', '_platform/lamp-001']) {
      expect(parseMqttIdentity(bad), bad).toBeNull();
    }
  });
});
