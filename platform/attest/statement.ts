// The signed attestation statement (docs/attestation.md): what the platform measured at start,
// signed with its Ed25519 identity key, and the check a device makes before it sends data.
// Pure: the platform builds and signs, devices verify, with the same bytes.
import { createHash, createPublicKey, verify as verifyWith } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../audit/hash.ts';

/** Domain separation: the identity key also signs audit checkpoints; a statement's bytes can never
 *  be read as a checkpoint's, nor the other way round. */
export const STATEMENT_DOMAIN = 'custodia-attestation|v1';
export const ATTESTATION_PATH = '/.well-known/custodia-attestation';
/** The retained MQTT topic carrying the statement; every device may subscribe, none may publish. */
export { PLATFORM_ATTESTATION_TOPIC as ATTESTATION_TOPIC } from '../broker/topics.ts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex');

export const statementSchema = z
  .object({
    kind: z.literal('custodia-attestation'),
    /** sha256 over `code` and `config`: the value devices hold in their allow-list. */
    measurement: hex64,
    code: hex64,
    config: hex64,
    /** The measured configuration itself, so a verifier can see what the config digest covers. */
    profile: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
    files: z.number().int().nonnegative(),
    version: z.string().min(1).max(64),
    nodeId: z.string().min(1).max(128),
    issuedAt: z.iso.datetime(),
    /** First 16 hex characters of sha256 over the signing key (SPKI DER), as in audit checkpoints. */
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
  })
  .strict();
export type AttestationStatement = z.infer<typeof statementSchema>;

export const envelopeSchema = z
  .object({
    statement: statementSchema,
    algorithm: z.literal('Ed25519'),
    signature: z.base64().min(1).max(200),
  })
  .strict();
export type AttestationEnvelope = z.infer<typeof envelopeSchema>;

export const combinedMeasurement = (code: string, config: string): string =>
  createHash('sha256').update(`${STATEMENT_DOMAIN}\0${code}\0${config}`).digest('hex');

export const statementBytes = (s: AttestationStatement): Buffer => Buffer.from(`${STATEMENT_DOMAIN}\0${canonicalJson(s)}`, 'utf8');

export function signStatement(statement: AttestationStatement, sign: (data: Buffer) => Buffer): AttestationEnvelope {
  return { statement, algorithm: 'Ed25519', signature: sign(statementBytes(statement)).toString('base64') };
}

export type RefusalReason = 'malformed' | 'bad-signature' | 'inconsistent' | 'not-allowed';
export type Verdict = { ok: true; statement: AttestationStatement } | { ok: false; reason: RefusalReason; detail: string };

/** The device-side check: a well-formed statement, signed by the pinned key, whose measurement
 *  is consistent with its parts and is in the allow-list. */
export function checkStatement(raw: unknown, publicKeyPem: string, allow: ReadonlySet<string>): Verdict {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: 'malformed', detail: `${issue.path.join('.') || 'statement'}: ${issue.message}` };
  }
  const { statement, signature } = parsed.data;
  let valid = false;
  try {
    valid = verifyWith(null, statementBytes(statement), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad-signature', detail: `the signature does not verify with the pinned platform key (statement key id ${statement.keyId})` };
  if (combinedMeasurement(statement.code, statement.config) !== statement.measurement) {
    return { ok: false, reason: 'inconsistent', detail: 'the measurement is not the digest of its code and config parts' };
  }
  if (!allow.has(statement.measurement)) {
    return { ok: false, reason: 'not-allowed', detail: `measurement ${statement.measurement} is not in the allow-list` };
  }
  return { ok: true, statement };
}
