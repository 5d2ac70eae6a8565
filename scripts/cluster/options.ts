// Flags of `npm run cluster`, validated with zod at the boundary. Pure: parses an argv array and
// returns the options, or a one-line error naming the flag.
import { parseArgs } from 'node:util';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

export const clusterOptionsSchema = z
  .object({
    nodes: z.coerce.number().int().min(1).max(16).default(3),
    /** Where the nodes' data directories and the cluster's secrets live. */
    dir: z.string().min(1).default('./data-cluster'),
    /** An existing PostgreSQL database for the store; default: a fresh one on the local server. */
    storeUrl: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must start with postgres:// or postgresql://').optional(),
    /** The front's ports (HAProxy). */
    httpPort: port.default(8080),
    mqttPort: port.default(1883),
    demo: z.boolean().default(true),
    /** Drop the database this command created and empty the directory, then start afresh. */
    reset: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .strict()
  .refine((o) => o.httpPort !== o.mqttPort, { message: 'the front needs two different ports', path: ['mqttPort'] });

export type ClusterOptions = z.infer<typeof clusterOptionsSchema>;

export const CLUSTER_USAGE = `Usage: npm run cluster -- [flags]

Starts a local cluster: redis-server, PostgreSQL (a fresh database on the local server), N
platform nodes (each the \`npm start\` program in cluster mode) and HAProxy in front, with the demo
and both simulator fleets connected through HAProxy. Ctrl-C stops everything.

  --nodes N          platform nodes (1-16, default 3)
  --dir DIR          data directories and secrets (default ./data-cluster)
  --store-url URL    an existing PostgreSQL database instead of a fresh local one
  --http-port N      the front's dashboard/API port (default 8080)
  --mqtt-port N      the front's MQTT port (default 1883)
  --no-demo          no demo simulators
  --reset            drop the database this command created earlier and empty DIR first
  --help             this text

Needs the Debian packages redis-server and haproxy, and a PostgreSQL server: the local one
(CUSTODIA_TEST_PG_URL or the role custodia_test, allowed to create databases), or --store-url.`;

export type ParsedClusterOptions = { ok: true; options: ClusterOptions } | { ok: false; error: string };

export function parseClusterOptions(argv: string[]): ParsedClusterOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: 'string' },
        dir: { type: 'string' },
        'store-url': { type: 'string' },
        'http-port': { type: 'string' },
        'mqtt-port': { type: 'string' },
        'no-demo': { type: 'boolean' },
        reset: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const parsed = clusterOptionsSchema.safeParse({
    nodes: values['nodes'],
    dir: values['dir'],
    storeUrl: values['store-url'],
    httpPort: values['http-port'],
    mqttPort: values['mqtt-port'],
    demo: values['no-demo'] ? false : undefined,
    reset: values['reset'],
    help: values['help'],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = String(issue.path[0] ?? 'flags').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return { ok: false, error: `--${flag}: ${issue.message}` };
  }
  return { ok: true, options: parsed.data };
}
