// `npm run keys:escrow -- --shares 5 --threshold 3 --out DIR`: splits the master key into Shamir
// shares for custodians (platform/backup/escrow.ts; docs/backup.md). Any `threshold` shares
// rebuild it (`npm run restore -- --shares …`); fewer reveal nothing about it.
import { mkdir, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { formatShare, loadSecretSharing, splitMasterKey, type SecretSharing } from '../platform/backup/escrow.ts';
import { readMasterKey } from '../platform/backup/master-key-source.ts';

export const ESCROW_HELP = `Split the master key into Shamir shares for custodians.

Usage:
  npm run keys:escrow -- --shares <n> --threshold <k> --out <dir> [--data-dir <dir>]

Options:
  --shares <n>       shares to write, one per custodian (2 to 255)
  --threshold <k>    shares needed to rebuild the key (2 to n)
  --out <dir>        where the share files go (created 0700; each file 0600): hand each file to
                     its custodian, then delete it here
  --data-dir <dir>   whose master.key to split (default CUSTODIA_DATA_DIR or ./data);
                     CUSTODIA_MASTER_KEY wins when set
  --help             this text`;

const argsSchema = z
  .object({
    shares: z.coerce.number().int().min(2).max(255),
    threshold: z.coerce.number().int().min(2),
    out: z.string().min(1),
    dataDir: z.string().min(1),
  })
  .refine((a) => a.threshold <= a.shares, { message: 'must not exceed --shares', path: ['threshold'] });

export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  loadSharing: () => Promise<SecretSharing> = loadSecretSharing,
): Promise<number> {
  let args: z.infer<typeof argsSchema>;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { shares: { type: 'string' }, threshold: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      console.log(ESCROW_HELP);
      return 0;
    }
    const parsed = argsSchema.safeParse({ ...values, dataDir: values['data-dir'] ?? env.CUSTODIA_DATA_DIR ?? './data' });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`--${String(issue.path[0] ?? '')} ${issue.message}`);
    }
    args = parsed.data;
  } catch (err) {
    console.error(`keys:escrow: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
    return 2;
  }
  try {
    if (env.CUSTODIA_MASTER_KEY_PROVIDER === 'pkcs11') {
      // A non-extractable key cannot be split; the token's own backup (a second token, the HSM
      // vendor's key backup under M-of-N cards) is its escrow (docs/keys.md).
      throw new Error('the master key lives in a PKCS#11 token and never leaves it: escrow it with the token\'s own backup procedure, not shares');
    }
    const { key, from } = await readMasterKey({ envHex: env.CUSTODIA_MASTER_KEY, dataDir: resolve(args.dataDir) });
    const files = await splitMasterKey(await loadSharing(), key, args.shares, args.threshold);
    key.fill(0);
    const out = resolve(args.out);
    await mkdir(out, { recursive: true, mode: 0o700 });
    for (const f of files) {
      const name = join(out, `master-key-share-${f.number}-of-${f.shares}.txt`);
      const handle = await open(name, 'wx', 0o600); // never overwrite an earlier share
      try {
        await handle.writeFile(formatShare(f));
      } finally {
        await handle.close();
      }
      console.log(`  ${name}`);
    }
    console.log(`master key ${files[0]!.fingerprint} (from ${from}) split into ${args.shares} shares; any ${args.threshold} rebuild it.`);
    console.log('Hand each file to its own custodian, then delete them here.');
    return 0;
  } catch (err) {
    console.error(`keys:escrow: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (process.argv[1]?.endsWith('scripts/keys-escrow.ts')) main().then((code) => process.exit(code));
