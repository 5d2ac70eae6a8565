// buildServices over the in-memory adapter: the whole service wiring, real keyring and real
// audit chain, with no files but the audit public key. What pilot and service unit tests can use
// instead of hand-made doubles.
import { rm } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { EnvMasterKeyProvider } from '../crypto/master-key.ts';
import { createLogger } from '../logger.ts';
import { createMemoryStorage } from '../storage/memory/index.ts';
import { runInTenant, systemContext, systemPrincipal, type Principal } from '../tenancy/context.ts';
import { buildServices } from './build.ts';
import type { PlatformServices } from './index.ts';
import { asDeviceId, asTenantId } from '../ids.ts';

let services: PlatformServices | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await services?.audit.close();
  await services?.storage.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('builds the services over the in-memory store: sealed records, alarms and a verifiable audit chain', async () => {
  const config = testConfig();
  dataDir = config.dataDir;
  const storage = createMemoryStorage();
  services = await buildServices({ config, logger: createLogger('silent'), storage, master: new EnvMasterKeyProvider('cd'.repeat(32)) });
  expect(services.storage).toBe(storage);
  expect(await services.readiness()).toEqual({ storage: true, broker: false });

  await services.tenants.create({ id: 'tenant-m', name: 'Memory tenant' });
  const s = services;
  const { alarm } = await runInTenant(systemContext('test', asTenantId('tenant-m')), () =>
    s.alarms.raise({ source: 'dev-1', type: 'battery', severity: 'minor', title: 'low battery' }),
  );
  // The body reached the store sealed: the title is not in its bytes.
  const stored = await (await storage.tenant('tenant-m')).get('alarm', alarm.id);
  expect(stored).not.toBeNull();
  expect(stored!.body.includes(Buffer.from('low battery'))).toBe(false);

  await s.audit.admin.checkpoint('tenant-m');
  expect(await s.audit.admin.verify('tenant-m')).toMatchObject({ ok: true, entries: 1 });
});

it("a tenant's principal reads its own chain through the context and is refused the admin APIs that name a tenant (ASVS 4.2.1, 4.1.3)", async () => {
  const config = testConfig();
  dataDir = config.dataDir;
  services = await buildServices({ config, logger: createLogger('silent'), storage: createMemoryStorage(), master: new EnvMasterKeyProvider('cd'.repeat(32)) });
  const s = services;
  for (const id of ['tenant-a', 'tenant-b']) {
    await s.tenants.create({ id, name: id });
    await s.audit.record(id, { actor: 'test', action: `mark.${id}`, target: `tenant:${id}`, outcome: 'success' });
  }
  const auditorOfA: Principal = { kind: 'user', id: 'u-1', tenantId: asTenantId('tenant-a'), role: 'auditor', label: 'user:u-1' };
  const asA = <T>(principal: Principal, fn: () => Promise<T>) => runInTenant({ tenantId: asTenantId('tenant-a'), principal }, fn);

  // The context API serves the tenant in context only.
  const own = await asA(auditorOfA, () => s.audit.list());
  expect(own.entries.map((e) => e.action)).toContain('mark.tenant-a');
  expect(own.entries.map((e) => e.action)).not.toContain('mark.tenant-b');
  expect(await asA(auditorOfA, () => s.audit.verify())).toMatchObject({ ok: true });
  await expect(s.audit.list()).rejects.toThrow(/needs a tenant context/);

  // Naming another tenant (or the platform) is the operator's and the platform jobs' only.
  for (const principal of [auditorOfA, systemPrincipal('some-pilot', asTenantId('tenant-a'))]) {
    for (const call of <(() => Promise<unknown>)[]>[
      () => s.audit.admin.list('tenant-b'),
      () => s.audit.admin.verify('tenant-b'),
      () => s.audit.admin.checkpoint('tenant-b'),
      () => s.audit.admin.list('_platform'),
      () => s.alarms.loadPendingForTenant(asTenantId('tenant-b')),
      () => s.commands.loadPendingForTenant(asTenantId('tenant-b')),
      () => s.devices.getForTenant(asTenantId('tenant-b'), asDeviceId('dev-1')),
      () => s.devices.countForTenant(asTenantId('tenant-b')),
    ]) {
      await expect(asA(principal, call)).rejects.toMatchObject({ status: 403 });
    }
  }
  // A tenant's user is refused even for its own tenant: it has the context API for that.
  await expect(asA(auditorOfA, () => s.audit.admin.list('tenant-a'))).rejects.toMatchObject({ status: 403 });

  // Start-up and jobs (no context), the platform operator and a platform system principal pass.
  const operator: Principal = { kind: 'user', id: 'op', tenantId: null, role: 'platform-admin', label: 'user:op' };
  expect((await s.audit.admin.list('tenant-b')).entries.map((e) => e.action)).toContain('mark.tenant-b');
  expect(await asA(operator, () => s.audit.admin.verify('tenant-b'))).toMatchObject({ ok: true });
  await asA(systemPrincipal('jobs'), () => s.alarms.loadPendingForTenant(asTenantId('tenant-b')));
  await s.commands.loadPendingForTenant(asTenantId('tenant-b'));
});
