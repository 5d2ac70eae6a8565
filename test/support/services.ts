// Real services over a real temporary SQLite store and keyring, without HTTP or MQTT: for
// service-level tests that need a controllable clock.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyring } from '../../platform/crypto/keyring.ts';
import { EnvMasterKeyProvider } from '../../platform/crypto/master-key.ts';
import { EventBus, type PlatformEvent } from '../../platform/events.ts';
import { AlarmService } from '../../platform/services/alarms.ts';
import type { AuditEvent } from '../../platform/services/audit-sink.ts';
import { CommandService } from '../../platform/services/commands.ts';
import { Scopes } from '../../platform/services/scopes.ts';
import { createSqliteStorage } from '../../platform/storage/sqlite/index.ts';
import { runInTenant, systemPrincipal } from '../../platform/tenancy/context.ts';

export async function serviceRig() {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodia-svc-'));
  const storage = await createSqliteStorage({ dataDir });
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const scopes: Scopes = new Scopes(storage, createKeyring({ master: new EnvMasterKeyProvider('ab'.repeat(32)), storeFor: (s) => scopes.store(s), now }));
  const audited: (AuditEvent & { scope: string })[] = [];
  const audit = { record: async (scope: string, e: AuditEvent) => audited.push({ scope, ...e }) };
  const bus = new EventBus();
  const events: PlatformEvent[] = [];
  bus.subscribe((e) => events.push(e));
  return {
    scopes,
    audited,
    events,
    alarms: new AlarmService(scopes, audit, bus, now),
    commands: new CommandService(scopes, audit, bus, now),
    advance: (ms: number) => (clock += ms),
    now,
    inTenant: <T>(tenantId: string, fn: () => Promise<T>) => runInTenant({ tenantId, principal: systemPrincipal('test', tenantId) }, fn),
    close: async () => {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
