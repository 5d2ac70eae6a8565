// npm run sim:healthcare -- --fleet FILE            drive a fleet the platform provisioned
// npm run sim:healthcare -- --api URL --user U --patients 50 --seed 42   provision one first
// Run by `npm start` as: node --import tsx simulators/healthcare/cli.ts --fleet FILE --mqtt URL --speed N --quiet
import { z } from 'zod';
import { checkFleetSource, COMMON_FLAGS, commonFlagShape, isMain, numberFlag, obtainFleet, runCli, type CliDefinition, type CliIO } from '../common/cli.ts';
import { healthcareFleetSchema } from './fleet.ts';
import { HEALTHCARE_SCENARIOS, scenarioNamed } from './payloads.ts';
import { createHealthcareSim, STDIN_COMMANDS } from './sim.ts';

const flagsSchema = z
  .object({
    ...commonFlagShape,
    // No default here: with --fleet it must stay unset (see checkFleetSource); 10 when provisioning.
    patients: numberFlag({ int: true, min: 1, max: 200 }).optional(),
    'deterioration-minutes': numberFlag({ positive: true, max: 24 * 60 }).default(30),
  })
  .superRefine((f, ctx) => {
    checkFleetSource(f, ctx, ['patients']);
    f.scenario.forEach((s) => {
      const name = s.split(':')[0]!;
      if (!scenarioNamed(name)) ctx.addIssue({ code: 'custom', path: ['scenario'], message: `unknown scenario ${name}; one of ${HEALTHCARE_SCENARIOS.join(', ')}` });
    });
  });

export const healthcareCli: CliDefinition<typeof flagsSchema> = {
  name: 'sim:healthcare',
  usage: 'npm run sim:healthcare -- [--fleet FILE | --api URL --user NAME] [--patients N] [flags]   (neither: provision against the local demo of npm start)',
  summary:
    'Simulates synthetic home-monitored patients: one home hub and its devices per patient, each an MQTT client\n' +
    'with its own credentials, publishing vitals from a seeded physiology model. Synthetic data only.',
  defs: {
    ...COMMON_FLAGS,
    patients: { type: 'string', placeholder: 'N', description: 'with --api: how many patients to provision (1-200, default 10)' },
    'deterioration-minutes': { type: 'string', placeholder: 'N', description: 'length of a deterioration at speed 1 (default 30; divided by --speed)' },
  },
  schema: flagsSchema,
  commands: STDIN_COMMANDS,
  async start(flags, { logger, io }) {
    const { fleet } = await obtainFleet({
      pilot: 'healthcare',
      schema: healthcareFleetSchema,
      flags,
      provisionBody: { patients: flags.patients ?? 10, seed: flags.seed },
      env: io.env,
      logger,
    });
    const sim = createHealthcareSim({
      fleet,
      url: flags.mqtt,
      seed: flags.seed,
      speed: flags.speed,
      ...(flags.rate ? { rate: flags.rate } : {}),
      deteriorationMs: flags['deterioration-minutes'] * 60_000,
      connectBatch: flags['connect-batch'],
      logger,
    });
    logger.info({ patients: sim.homes.length, devices: sim.devices.size, speed: flags.speed }, 'healthcare fleet starting');
    await sim.start();
    return sim;
  },
};

export const main = (argv: readonly string[], io?: CliIO) => runCli(healthcareCli, argv, io);

if (isMain(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
