// Flags of `npm run cluster`, validated with zod at the boundary. Pure: parses an argv array and
// returns the options, or a one-line error naming the flag.
import { z } from 'zod';
import { parseFlags, type ParsedFlags } from '../flags.ts';

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

export type ParsedClusterOptions = ParsedFlags<ClusterOptions>;

export const parseClusterOptions = (argv: string[]): ParsedClusterOptions =>
  parseFlags(argv, {
    nodes: 'string',
    dir: 'string',
    'store-url': 'string',
    'http-port': 'string',
    'mqtt-port': 'string',
    'no-demo': 'boolean',
    reset: 'boolean',
  }, clusterOptionsSchema);
