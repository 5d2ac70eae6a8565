import { describe, expect, it } from 'vitest';
import { deviceIdentity, isDeviceName, mqttIdentity, parseMqttIdentity, type Device } from './devices.ts';

describe('device names on MQTT (ASVS 4.2.1, 4.1.3)', () => {
  it('the MQTT identity is <tenant>/<device> and parses back', () => {
    expect(mqttIdentity('tenant-a', 'lamp-001')).toBe('tenant-a/lamp-001');
    expect(parseMqttIdentity(mqttIdentity('tenant-a', 'lamp-001'))).toEqual({ tenantId: 'tenant-a', deviceId: 'lamp-001' });
  });

  it.each([
    ['a bare device id', 'lamp-001'],
    ['three levels', 'tenant-a/lamp-001/x'],
    ['an empty tenant', '/lamp-001'],
    ['an empty device', 'tenant-a/'],
    ['an upper-case device', 'tenant-a/Lamp-001'],
    ['a tenant starting with a digit', '1tenant/lamp-001'],
    ['a wildcard', 'tenant-a/+'],
    ['the tool username', 'token'],
  ])('%s is not a device identity the broker accepts', (_what, name) => {
    expect(parseMqttIdentity(name)).toBeNull();
  });

  it.each([
    ['the qualified identity', 'tenant-a/lamp-001', true],
    ['a bare device id (the older form, still reserved)', 'lamp-001', true],
    ['a tool client id with an underscore', 'ops_console-1', false],
    ["mqtt.js's default client id", 'mqttjs_5f3a9c1e', false],
    ['a qualified name with an underscore', 'tenant-a/ops_1', false],
  ])('%s is in the devices\' client-id namespace: %s', (_what, name, expected) => {
    expect(isDeviceName(name)).toBe(expected);
  });
});

describe('registering many devices at once', () => {
  it('commits all of them or none: a failing commit leaves no device and no cached one', async () => {
    const { serviceRig } = await import('../../test/support/services.ts');
    const { PLATFORM_SCOPE } = await import('../storage/port.ts');
    const rig = await serviceRig();
    try {
      const registry = rig.services.devices;
      // The registry serves the tenant in context (docs/architecture.md "Service tenancy").
      const devices = {
        registerMany: (rows: { id: string; kind: string }[]) => rig.inTenant('tenant-a', () => registry.registerMany(rows)),
        list: () => rig.inTenant('tenant-a', () => registry.list()),
        get: (id: string) => rig.inTenant('tenant-a', () => registry.get(id)),
        authenticate: registry.authenticate.bind(registry),
      };
      const store = await rig.services.scopes.store(PLATFORM_SCOPE);
      const commit = store.commit.bind(store);
      let commits = 0;
      store.commit = async (batch) => {
        commits++;
        if (commits === 1) throw new Error('disk full');
        return commit(batch);
      };
      const rows = Array.from({ length: 20 }, (_, i) => ({ id: `lamp-${String(i).padStart(3, '0')}`, kind: 'lamp' }));
      await expect(devices.registerMany(rows)).rejects.toThrow('disk full');
      expect(await devices.list()).toEqual([]);
      expect(await devices.get('lamp-000')).toBeNull();
      const made = await devices.registerMany(rows);
      expect(commits).toBe(2); // one commit for twenty devices
      expect(made).toHaveLength(20);
      expect((await devices.list()).map((d) => d.id).sort()).toEqual(rows.map((r) => r.id));
      expect(await devices.authenticate('tenant-a/lamp-007', made[7]!.secret)).toMatchObject({ deviceId: 'lamp-007' });
      await expect(devices.registerMany([{ id: 'lamp-999', kind: 'lamp' }, { id: 'lamp-003', kind: 'lamp' }])).rejects.toMatchObject({ status: 409 });
      expect(await devices.get('lamp-999')).toBeNull();
    } finally {
      await rig.close();
    }
  });
});

describe('the device identity', () => {
  it('is mapped from a registry record in one place, with nothing beyond tenant, id and kind', () => {
    const d: Device = {
      id: 'lamp-1', tenantId: 'city-a', kind: 'lamp', label: 'Lamp 1', subject: 'p-1', attributes: {}, status: 'active',
      secretSalt: 's', secretHash: 'h', createdAt: 1, rotatedAt: 1,
    };
    expect(deviceIdentity(d)).toStrictEqual({ tenantId: 'city-a', deviceId: 'lamp-1', kind: 'lamp' });
  });
});
