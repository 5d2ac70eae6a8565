// `npm run agreement:verify -- FILE`: checks an exported Data Sharing Agreement
// (GET /api/v1/agreements/:id/export) offline, with the public keys only: the canonical document,
// each party's signature, the platform's countersignature and any signed revocation. Prints one
// verdict per signature; exits 0 when the agreement is fully and validly signed, 1 when any check
// fails, 2 on a usage error. `--platform-key audit-signing.pub.pem` pins the platform key instead
// of trusting the one the file carries.
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { exportSchema, verifyAgreement, type Verification } from '../platform/policy/agreement-document.ts';

const flagsSchema = z
  .object({ file: z.string().min(1), 'platform-key': z.string().min(1).optional(), json: z.boolean().default(false), help: z.boolean().default(false) })
  .strict();
export type VerifyFlags = z.infer<typeof flagsSchema>;

const USAGE =
  'npm run agreement:verify -- FILE [--platform-key PEM] [--json]\n  Verifies an exported agreement (document, signatures, public keys, platform countersignature).\n  --platform-key PEM  the platform\'s published key (audit-signing.pub.pem); the file\'s must match\n  --json              machine-readable output';

export function parseFlags(argv: string[]): VerifyFlags {
  const { values, positionals } = parseArgs({ args: argv, options: { 'platform-key': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if (values.help) return flagsSchema.parse({ file: '-', help: true });
  if (positionals.length !== 1) throw new Error('name exactly one exported agreement file');
  return flagsSchema.parse({ ...values, file: positionals[0] });
}

const samePem = (a: string, b: string) => createPublicKey(a).export({ type: 'spki', format: 'der' }).equals(createPublicKey(b).export({ type: 'spki', format: 'der' }));

/** Reads and checks one file; `code` is the process's exit code. */
export async function verifyFile(flags: VerifyFlags): Promise<{ code: 0 | 1; result: Verification }> {
  const raw: unknown = JSON.parse(await readFile(flags.file, 'utf8'));
  const parsed = exportSchema.safeParse(raw);
  if (!parsed.success) {
    return { code: 1, result: { valid: false, inForce: false, revoked: false, verdicts: [{ what: 'export file', ok: false, reason: `not a custodia.agreement-export/v1 file (${parsed.error.issues[0]?.path.join('.') || 'root'})` }] } };
  }
  const result = verifyAgreement(parsed.data);
  if (flags['platform-key']) {
    const pinned = await readFile(flags['platform-key'], 'utf8');
    const ok = samePem(pinned, parsed.data.platformKey.pem);
    result.verdicts.unshift(ok ? { what: 'platform key matches the pinned key', ok } : { what: 'platform key matches the pinned key', ok, reason: 'the file carries another platform key' });
    if (!ok) Object.assign(result, { valid: false, inForce: false });
  }
  return { code: result.valid ? 0 : 1, result };
}

async function main() {
  let flags: VerifyFlags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`agreement:verify: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
    process.exit(2);
  }
  if (flags.help) return console.log(USAGE);
  let out: Awaited<ReturnType<typeof verifyFile>>;
  try {
    out = await verifyFile(flags);
  } catch (err) {
    console.error(`agreement:verify: cannot read ${flags.file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    process.exit(2);
  }
  if (flags.json) console.log(JSON.stringify(out.result, null, 2));
  else {
    for (const v of out.result.verdicts) console.log(`${v.ok ? 'ok  ' : 'FAIL'}  ${v.what}${v.reason ? `: ${v.reason}` : ''}`);
    console.log(out.result.valid ? (out.result.revoked ? 'VALID, REVOKED: validly signed and validly revoked' : 'VALID: fully signed, in force') : 'INVALID: do not rely on this agreement');
  }
  process.exitCode = out.code;
}

if (process.argv[1]?.endsWith('agreement-verify.ts')) await main();
