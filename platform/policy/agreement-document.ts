// The signed form of a Data Sharing Agreement (docs/security.md "Signed agreements"): the terms
// as a canonical document, what each party's signer and the platform sign over it, and the pure
// check of an exported agreement that needs public keys only (the server and
// `npm run agreement:verify` run the same function).
import { createHash, createPublicKey, verify as verifyWith } from 'node:crypto';
import { z } from 'zod';
import { auditKeyId } from '../audit/signer.ts';
import { canonicalJson } from './canonical-json.ts';
import { obligationsSchema, OPERATIONS, PURPOSES, type Agreement } from './agreements.ts';

export const DOCUMENT_FORMAT = 'custodia.agreement/v1';
export const EXPORT_FORMAT = 'custodia.agreement-export/v1';
export type Party = 'provider' | 'consumer';
export const PARTIES: readonly Party[] = ['provider', 'consumer'];

const tenantId = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/);
export const documentSchema = z
  .object({
    format: z.literal(DOCUMENT_FORMAT),
    id: z.uuid(),
    version: z.number().int().min(1),
    parties: z.object({ provider: tenantId, consumer: tenantId }).strict(),
    title: z.string().min(1).max(120),
    purpose: z.enum(PURPOSES),
    categories: z.array(z.string().min(3).max(80)).min(1).max(20),
    operations: z.array(z.enum(OPERATIONS)).min(1),
    obligations: obligationsSchema,
    validity: z.object({ from: z.number().int(), until: z.number().int() }).strict(),
  })
  .strict();
export type AgreementDocument = z.infer<typeof documentSchema>;

const b64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(200);
const keyId = z.string().regex(/^[0-9a-f]{16}$/);
export const partySignatureSchema = z
  .object({ party: z.enum(PARTIES), tenant: tenantId, signer: z.string().min(1).max(120), keyId, signedAt: z.number().int(), signature: b64 })
  .strict();
export type PartySignature = z.infer<typeof partySignatureSchema>;
export const countersignatureSchema = z.object({ keyId, at: z.number().int(), signature: b64 }).strict();
export type Countersignature = z.infer<typeof countersignatureSchema>;
export const revocationSchema = z
  .object({ party: z.enum(PARTIES), tenant: tenantId, signer: z.string().min(1).max(120), keyId, at: z.number().int(), signature: b64, platform: countersignatureSchema })
  .strict();
export type Revocation = z.infer<typeof revocationSchema>;
const publicKeySchema = z.object({ pem: z.string().max(400), tenant: tenantId, signer: z.string().min(1).max(120) }).strict();
export type PublishedKey = z.infer<typeof publicKeySchema>;

export const exportSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    document: z.unknown(),
    signatures: z.array(partySignatureSchema).max(4),
    countersignature: countersignatureSchema.nullable(),
    revocation: revocationSchema.nullable(),
    publicKeys: z.record(keyId, publicKeySchema),
    platformKey: z.object({ keyId, pem: z.string().max(400) }).strict(),
  })
  .strict();
export type AgreementExport = z.infer<typeof exportSchema>;

export function documentOf(a: Agreement): AgreementDocument {
  return {
    format: DOCUMENT_FORMAT,
    id: a.id,
    version: a.version ?? 1,
    parties: { provider: a.providerTenant, consumer: a.consumerTenant },
    title: a.title,
    purpose: a.purpose,
    categories: a.categories,
    operations: a.operations,
    obligations: a.obligations,
    validity: { from: a.validFrom, until: a.validUntil },
  };
}

export const documentDigest = (doc: unknown): string => createHash('sha256').update(canonicalJson(doc)).digest('hex');

/** What a party's signer signs: the document's digest, who they are and when — so the record of
 *  who signed what and when is itself under the signature. */
export function partyPayload(digest: string, s: Omit<PartySignature, 'signature'>): Buffer {
  return Buffer.from(canonicalJson({ context: 'custodia.agreement.sign/v1', document: digest, party: s.party, tenant: s.tenant, signer: s.signer, keyId: s.keyId, signedAt: s.signedAt }));
}

/** What the platform countersigns when enforcement starts: the document and exactly these signatures. */
export function enforcementPayload(digest: string, signatures: readonly PartySignature[], at: number): Buffer {
  return Buffer.from(canonicalJson({ context: 'custodia.agreement.enforce/v1', document: digest, signatures: signatures.map((s) => s.signature).sort(), at }));
}

export function revocationPayload(digest: string, r: Omit<Revocation, 'signature' | 'platform'>): Buffer {
  return Buffer.from(canonicalJson({ context: 'custodia.agreement.revoke/v1', document: digest, party: r.party, tenant: r.tenant, signer: r.signer, keyId: r.keyId, at: r.at }));
}

export function revocationCounterPayload(r: Pick<Revocation, 'signature'>, at: number): Buffer {
  return Buffer.from(canonicalJson({ context: 'custodia.agreement.revoke-recorded/v1', revocation: r.signature, at }));
}

export interface Verdict {
  what: string;
  ok: boolean;
  reason?: string;
}

export interface Verification {
  /** Every signature present is valid, both parties signed, the platform countersigned. */
  valid: boolean;
  /** Valid and not revoked: the state in which sharing is allowed (validity dates aside). */
  inForce: boolean;
  revoked: boolean;
  verdicts: Verdict[];
}

function checkSig(pem: string | undefined, expectedKeyId: string, data: Buffer, signature: string): string | undefined {
  if (!pem) return 'public key not in the export';
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') return 'public key is not Ed25519';
    if (auditKeyId(key) !== expectedKeyId) return 'public key does not match its key id';
    return verifyWith(null, data, key, Buffer.from(signature, 'base64')) ? undefined : 'signature does not verify';
  } catch {
    return 'public key unreadable';
  }
}

/** Checks an exported agreement with the public keys it carries (the caller decides whether to
 *  trust those keys: the server checks them against its directory, a reader against published ones). */
export function verifyAgreement(exp: AgreementExport): Verification {
  const verdicts: Verdict[] = [];
  const parsed = documentSchema.safeParse(exp.document);
  verdicts.push(parsed.success ? { what: 'document', ok: true } : { what: 'document', ok: false, reason: `not a ${DOCUMENT_FORMAT} document` });
  const digest = documentDigest(exp.document);
  const doc = parsed.success ? parsed.data : undefined;
  for (const party of PARTIES) {
    const sigs = exp.signatures.filter((s) => s.party === party);
    const what = `${party} signature`;
    if (sigs.length !== 1) {
      verdicts.push({ what, ok: false, reason: sigs.length ? 'more than one signature' : 'missing' });
      continue;
    }
    const s = sigs[0]!;
    const key = exp.publicKeys[s.keyId];
    const label = `${what} by ${s.signer} of ${s.tenant} at ${new Date(s.signedAt).toISOString()}`;
    const reason =
      doc && doc.parties[party] !== s.tenant
        ? `signer's tenant is not the ${party}`
        : key && (key.tenant !== s.tenant || key.signer !== s.signer)
          ? 'public key belongs to another signer'
          : checkSig(key?.pem, s.keyId, partyPayload(digest, s), s.signature);
    verdicts.push(reason ? { what: label, ok: false, reason } : { what: label, ok: true });
  }
  const c = exp.countersignature;
  if (!c) verdicts.push({ what: 'platform countersignature', ok: false, reason: 'missing' });
  else {
    const label = `platform countersignature at ${new Date(c.at).toISOString()}`;
    const reason = c.keyId !== exp.platformKey.keyId ? 'not by the platform key' : checkSig(exp.platformKey.pem, c.keyId, enforcementPayload(digest, exp.signatures, c.at), c.signature);
    verdicts.push(reason ? { what: label, ok: false, reason } : { what: label, ok: true });
  }
  const r = exp.revocation;
  if (r) {
    const label = `revocation by ${r.signer} of ${r.tenant} at ${new Date(r.at).toISOString()}`;
    const key = exp.publicKeys[r.keyId];
    const reason =
      (doc && doc.parties[r.party] !== r.tenant) || (key && key.tenant !== r.tenant)
        ? 'revoked by someone who is not a party'
        : (checkSig(key?.pem, r.keyId, revocationPayload(digest, r), r.signature) ??
          (r.platform.keyId !== exp.platformKey.keyId ? 'not recorded by the platform key' : checkSig(exp.platformKey.pem, r.platform.keyId, revocationCounterPayload(r, r.platform.at), r.platform.signature)));
    verdicts.push(reason ? { what: label, ok: false, reason } : { what: label, ok: true });
  }
  const valid = verdicts.every((v) => v.ok);
  return { valid, inForce: valid && !r, revoked: r !== null, verdicts };
}
