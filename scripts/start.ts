// `npm start`: the whole demo in one command — platform (HTTP API, dashboard, realtime, embedded
// MQTT broker, embedded store), demo tenants and accounts on first start, and the simulators.
import { loadConfig, ConfigError, type Config } from '../platform/config.ts';
import { startPlatform, type Platform } from '../platform/server.ts';
import { demoAccountLines, ensureDemoAccounts } from '../platform/demo.ts';
import { loadPilots } from '../pilots/index.ts';
import { ensureDashboardBuilt } from './dashboard-build.ts';
import { startDemoFleets, type Fleets } from './demo-fleets.ts';
import { join } from 'node:path';
import { validationRoutes } from '../platform/api/routes/validation.ts';
import { complianceRoutes } from '../platform/api/routes/compliance.ts';
import { reportWriter } from '../validation/api.ts';
import { demoRoutes } from '../platform/api/routes/demo.ts';
import { createDemoSpeed } from '../platform/demo-speed.ts';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  try {
    await ensureDashboardBuilt();
  } catch (err) {
    // The API, broker and simulators are still useful without the UI: say so and go on.
    console.error(`dashboard build failed; serving the API only: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const reportsDir = join(import.meta.dirname, '..', 'reports');
  // The simulators' speed, changed from the dashboard by the demo tenants' operators.
  const demoSpeed = createDemoSpeed(config.demo.speed);
  const platform: Platform = await startPlatform(config, {
    pilots: await loadPilots(),
    // Evaluators list validation reports and start fast runs from the dashboard.
    // Auditors and evaluators read the compliance map `npm run compliance` writes.
    routers: (s) => [validationRoutes(s, { reportsDir, runValidation: reportWriter(reportsDir) }), complianceRoutes({ reportsDir }), demoRoutes(s, demoSpeed)],
  });
  const { created, file } = await ensureDemoAccounts(platform.services);
  let fleets: Fleets | undefined;
  if (config.demo.enabled) fleets = await startDemoFleets(platform, demoSpeed);

  const lines = [
    '',
    `  Custodia is running`,
    `  dashboard and API   ${platform.url}/`,
    `  MQTT (devices)      mqtt://${config.mqtt.host}:${platform.mqttPort}   (also ws://…/mqtt)`,
    `  data directory      ${config.dataDir}   (store: ${platform.services.storage.kind})`,
    `  demo accounts       ${file}`,
    `  attestation         ${platform.attestation.envelope.statement.measurement}   (${config.demo.attestAllow ? 'checked by the simulators' : 'set CUSTODIA_DEMO_ATTEST_ALLOW to it to have the simulators check it'})`,
    ...(fleets ? fleets.describe() : ['  simulators          off (CUSTODIA_DEMO=0)']),
    '',
  ];
  lines.push(...demoAccountLines(created, file, process.stdout.isTTY === true));
  lines.push('  Stop with Ctrl+C. Reset: stop, then delete the data directory.', '');
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping simulators and platform…`);
    await fleets?.stop();
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('scripts/start.ts')) {
  main().catch((err: unknown) => {
    console.error(`custodia failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
