// Runs the platform as a separate process (for kill -9 durability tests and the validation
// runner): starts on the ports and data directory given by the environment, makes sure a test
// tenant with one probe device exists, and prints one JSON line with the ports and credentials.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../platform/config.ts';
import { startPlatform } from '../../platform/server.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { probePilot } from './probe-pilot.ts';
import { asTenantId } from '../../platform/ids.ts';

const config = loadConfig();
const platform = await startPlatform(config, { pilots: [probePilot] });
const s = platform.services;
const credsFile = join(config.dataDir, 'probe-device.json');
if (!existsSync(credsFile)) {
  await s.tenants.create({ id: 'durable', name: 'Durability test', pilots: ['probe'] });
  const { secret } = await runInTenant(systemContext('test', asTenantId('durable')), () =>
    s.devices.register({ id: 'probe-1', tenantId: asTenantId('durable'), kind: 'probe-sensor' }),
  );
  writeFileSync(credsFile, JSON.stringify({ deviceId: 'probe-1', tenantId: 'durable', secret }), { mode: 0o600 });
}
const creds = JSON.parse(readFileSync(credsFile, 'utf8')) as { deviceId: string; tenantId: string; secret: string };
process.stdout.write(JSON.stringify({ ready: true, httpPort: platform.httpPort, mqttPort: platform.mqttPort, ...creds }) + '\n');
process.on('SIGTERM', () => void platform.stop().then(() => process.exit(0)));
