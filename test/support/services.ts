// The real platform services (platform/services/build.ts, as the server builds them) over a
// temporary SQLite store, without HTTP or MQTT: for service-level tests that need a
// controllable clock.
import { rm } from 'node:fs/promises';
import { testConfig } from '../../platform/config.ts';
import { EnvMasterKeyProvider } from '../../platform/crypto/master-key.ts';
import type { PlatformEvent } from '../../platform/events.ts';
import { createLogger } from '../../platform/logger.ts';
import type { AuditEvent } from '../../platform/services/audit-sink.ts';
import { buildServices } from '../../platform/services/build.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';

export async function serviceRig() {
  const config = testConfig();
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const services = await buildServices({
    config,
    logger: createLogger('silent'),
    now,
    master: new EnvMasterKeyProvider('ab'.repeat(32)),
  });
  // Every audit event as the services hand it over, in order (the log itself stays real).
  const audited: (AuditEvent & { scope: string })[] = [];
  const record = services.audit.record;
  services.audit.record = async (scope, e) => {
    audited.push({ scope, ...e });
    return record(scope, e);
  };
  const events: PlatformEvent[] = [];
  services.bus.subscribe((e) => events.push(e));
  return {
    services,
    scopes: services.scopes,
    audited,
    events,
    alarms: services.alarms,
    commands: services.commands,
    advance: (ms: number) => (clock += ms),
    now,
    inTenant: <T>(tenantId: string, fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId(tenantId)), fn),
    close: async () => {
      services.alarms.stop();
      services.commands.stop();
      await services.audit.close();
      services.keyring.clearCache();
      await services.storage.close();
      await rm(config.dataDir, { recursive: true, force: true });
    },
  };
}
