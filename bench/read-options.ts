// Command-line flags of `npm run bench:read`, validated with zod at the boundary. Pure: parses an
// argv array and returns the options, or a one-line error naming the flag.
import { z } from 'zod';
import { datedReportPath, parseFlags, type ParsedFlags } from '../scripts/flags.ts';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const readOptionsSchema = z.object({
  /** Readings seeded into the store, shared evenly by the patients' devices and the lamps. */
  readings: int(1_000, 100_000_000).default(10_000_000),
  store: z.enum(['sqlite', 'postgres']).default('sqlite'),
  patients: int(1, 200).default(100),
  lamps: int(1, 2000).default(500),
  /** Timed requests per read figure (the p95 is over these, after one warm-up request). */
  samples: int(5, 1000).default(30),
  seed: int(0, 2 ** 31 - 1).default(42),
  json: z.string().min(1).optional(),
  keep: z.boolean().default(false),
  help: z.boolean().default(false),
});

export type ReadOptions = z.infer<typeof readOptionsSchema>;

export const READ_USAGE = `Usage: npm run bench:read -- [flags]

Seeds a store through the storage port (sealed readings, batched commits, not over MQTT), then
measures the read paths on it through the platform's HTTP API: the 7-day chart of one patient,
the ward board, the monthly energy of every lamp, and the platform's start-up on that store.

  --readings N   readings to seed (default 10000000), shared by the patients' devices and the lamps
  --store NAME   sqlite (default) | postgres (a fresh database on the server named by
                 CUSTODIA_TEST_PG_URL or the local test role, dropped after unless --keep)
  --patients N   patients of the healthcare tenant (default 100)
  --lamps N      lamps of the lighting tenant (default 500)
  --samples N    timed requests per read figure (default 30)
  --seed N       seed of the synthetic data (default 42)
  --json FILE    where to write the JSON report (default reports/bench-read-<date>.json)
  --keep         keep the seeded store (prints where it is)
  --help         this text`;

export type ParsedReadOptions = ParsedFlags<ReadOptions>;

export const parseReadOptions = (argv: string[]): ParsedReadOptions =>
  parseFlags(argv, {
    readings: 'string',
    store: 'string',
    patients: 'string',
    lamps: 'string',
    samples: 'string',
    seed: 'string',
    json: 'string',
    keep: 'boolean',
  }, readOptionsSchema);

/** `reports/bench-read-2025-01-31T10-20-30.json`, beside the ingest bench's reports. */
export const defaultReadReportPath = (at: Date): string => datedReportPath('bench-read', at);
