// buildServices over the in-memory adapter: the whole service wiring, real keyring and real
// audit chain, with no files but the audit public key. What pilot and service unit tests can use
// instead of hand-made doubles.
import { rm } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { EnvMasterKeyProvider } from '../crypto/master-key.ts';
import { createLogger } from '../logger.ts';
import { createMemoryStorage } from '../storage/memory/index.ts';
import { runInTenant, systemPrincipal } from '../tenancy/context.ts';
import { buildServices } from './build.ts';
import type { PlatformServices } from './index.ts';

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
  const { alarm } = await runInTenant({ tenantId: 'tenant-m', principal: systemPrincipal('test', 'tenant-m') }, () =>
    s.alarms.raise({ source: 'dev-1', type: 'battery', severity: 'minor', title: 'low battery' }),
  );
  // The body reached the store sealed: the title is not in its bytes.
  const stored = await (await storage.tenant('tenant-m')).get('alarm', alarm.id);
  expect(stored).not.toBeNull();
  expect(stored!.body.includes(Buffer.from('low battery'))).toBe(false);

  await s.audit.checkpoint('tenant-m');
  expect(await s.audit.verify('tenant-m')).toMatchObject({ ok: true, entries: 1 });
});
