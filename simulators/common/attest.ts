// The device-side attestation check (docs/attestation.md): before any device of the fleet
// connects — and so before any credential or reading leaves it — the simulator fetches the
// platform's signed statement over HTTP and checks it against the pinned platform key and the
// allow-list of accepted measurements. Off unless configured (flags or CUSTODIA_ATTEST_*).
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { ATTESTATION_PATH, checkStatement, type RefusalReason, type Verdict } from '../../platform/attest/statement.ts';

export interface AttestSettings {
  /** The platform's HTTP origin; the statement is at ATTESTATION_PATH below it. */
  url: string;
  publicKeyPem: string;
  allow: ReadonlySet<string>;
}

export type DeviceVerdict = Verdict | { ok: false; reason: 'unreachable'; detail: string };
export type DeviceRefusalReason = RefusalReason | 'unreachable';

const raw = z
  .object({
    url: z.url({ protocol: /^https?$/ }).optional(),
    key: z.string().min(1).optional(),
    allow: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'each accepted measurement is 64 lowercase hex characters')).default([]),
  })
  .superRefine((v, ctx) => {
    const given = [v.url, v.key, v.allow.length ? v.allow : undefined].filter((x) => x !== undefined).length;
    if (given > 0 && given < 3) ctx.addIssue({ code: 'custom', path: [], message: 'needs all three of --attest-url, --attest-key and --attest-allow (or CUSTODIA_ATTEST_URL, _KEY, _ALLOW)' });
  });

/** Flags first, then the environment; null when the check is not configured. Throws a one-line
 *  Error naming what is wrong. */
export function attestSettings(
  flags: { 'attest-url'?: string | undefined; 'attest-key'?: string | undefined; 'attest-allow'?: string[] | undefined },
  env: NodeJS.ProcessEnv,
  readKey: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): AttestSettings | null {
  const envAllow = env['CUSTODIA_ATTEST_ALLOW']?.split(',').map((s) => s.trim()).filter(Boolean);
  const parsed = raw.safeParse({
    url: flags['attest-url'] ?? (env['CUSTODIA_ATTEST_URL'] || undefined),
    key: flags['attest-key'] ?? (env['CUSTODIA_ATTEST_KEY'] || undefined),
    allow: flags['attest-allow']?.length ? flags['attest-allow'] : (envAllow ?? []),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`attestation: ${issue.path.length ? `${String(issue.path[0])} ` : ''}${issue.message}`);
  }
  const { url, key, allow } = parsed.data;
  if (!url || !key) return null;
  let publicKeyPem: string;
  try {
    publicKeyPem = readKey(key);
    const k = createPublicKey(publicKeyPem);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
  } catch (err) {
    throw new Error(`attestation: --attest-key ${key} is not the platform's Ed25519 public key (PEM): ${(err as Error).message.split('\n')[0]}`);
  }
  return { url, publicKeyPem, allow: new Set(allow) };
}

/** Fetches and checks the statement; never throws. */
export async function checkPlatform(s: AttestSettings, fetchFn: typeof fetch = fetch): Promise<DeviceVerdict> {
  let body: unknown;
  try {
    const res = await fetchFn(new URL(ATTESTATION_PATH, s.url), { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return { ok: false, reason: 'unreachable', detail: `the platform answered ${res.status} for ${ATTESTATION_PATH} (unattested)` };
    body = await res.json().catch(() => null);
  } catch (err) {
    return { ok: false, reason: 'unreachable', detail: `no attestation statement: ${(err as Error).message}` };
  }
  return checkStatement(body, s.publicKeyPem, s.allow);
}
