// npm run sim:lighting -- --fleet FILE                          drive a fleet the platform provisioned
// npm run sim:lighting -- --api URL --user U --cabinets 10 --lamps 500 --seed 7   provision one first
// Run by `npm start` as: node --import tsx simulators/lighting/cli.ts --fleet FILE --mqtt URL --speed N --quiet
import { z } from 'zod';
import { checkFleetSource, COMMON_FLAGS, commonFlagShape, isMain, numberFlag, obtainFleet, runCli, type CliDefinition, type CliIO } from '../common/cli.ts';
import { lightingFleetSchema } from './fleet.ts';
import { createLightingSim, LIGHTING_COMMANDS, LIGHTING_SCENARIOS, lightingScenarioNamed } from './sim.ts';

const flagsSchema = z
  .object({
    ...commonFlagShape,
    // Provision-only: no default here so that giving them with --fleet is caught (checkFleetSource).
    cabinets: numberFlag({ int: true, min: 1, max: 500 }).optional(),
    lamps: numberFlag({ int: true, min: 1, max: 2_000 }).optional(),
    interval: numberFlag({ positive: true, max: 24 * 3600 }).optional(),
  })
  .superRefine((f, ctx) => {
    checkFleetSource(f, ctx, ['cabinets', 'lamps']);
    if (f.cabinets !== undefined && f.lamps !== undefined && f.cabinets > f.lamps) {
      ctx.addIssue({ code: 'custom', path: ['cabinets'], message: 'cannot exceed --lamps (every cabinet feeds at least one lamp)' });
    }
    f.scenario.forEach((s) => {
      const [name, target] = s.split(':');
      if (!lightingScenarioNamed(name!)) ctx.addIssue({ code: 'custom', path: ['scenario'], message: `unknown scenario ${name}; one of ${LIGHTING_SCENARIOS.join(', ')}` });
      else if (!target) ctx.addIssue({ code: 'custom', path: ['scenario'], message: `${name} needs a target, e.g. ${name}:0` });
    });
  });

export const lightingCli: CliDefinition<typeof flagsSchema> = {
  name: 'sim:lighting',
  usage: 'npm run sim:lighting -- [--fleet FILE | --api URL --user NAME] [--cabinets N] [--lamps N] [flags]   (neither: provision against the local demo of npm start)',
  summary:
    'Simulates a public-lighting installation: every lamp node and control cabinet an MQTT client with its own\n' +
    'credentials. Lamps obey switch commands and draw power by their model; cabinets meter their lamps\' energy.',
  defs: {
    ...COMMON_FLAGS,
    cabinets: { type: 'string', placeholder: 'N', description: 'with --api: control cabinets to provision (default: one per 12 lamps)' },
    lamps: { type: 'string', placeholder: 'N', description: 'with --api: lamps to provision (default 120)' },
    interval: { type: 'string', placeholder: 'SECONDS', description: 'reporting interval at speed 1 (default: the fleet\'s, else 60; divided by --speed)' },
  },
  schema: flagsSchema,
  commands: LIGHTING_COMMANDS,
  async start(flags, { logger, io }) {
    const { fleet } = await obtainFleet({
      pilot: 'lighting',
      schema: lightingFleetSchema,
      flags,
      provisionBody: { lamps: flags.lamps ?? 120, seed: flags.seed, ...(flags.cabinets ? { cabinets: flags.cabinets } : {}) },
      env: io.env,
      logger,
    });
    const sim = createLightingSim({
      fleet,
      url: flags.mqtt,
      seed: flags.seed,
      speed: flags.speed,
      ...(flags.interval ? { intervalMs: flags.interval * 1000 } : {}),
      ...(flags.rate ? { rate: flags.rate } : {}),
      connectBatch: flags['connect-batch'],
      logger,
    });
    logger.info({ devices: sim.devices.size, speed: flags.speed }, 'lighting fleet starting');
    await sim.start();
    return sim;
  },
};

export const main = (argv: readonly string[], io?: CliIO) => runCli(lightingCli, argv, io);

if (isMain(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
