// Agreements are stored once, in the platform store, and are visible to both parties. The
// provider's admin proposes (and amends: a new version), each party's data protection officer
// signs the canonical document with their own key, and the platform countersigns when both have:
// only then is the agreement active. Either party's signer revokes, signed too. Every step is
// audited in both chains (docs/security.md "Signed agreements").
import { randomUUID } from 'node:crypto';
import { asTenantId, type TenantId } from '../ids.ts';
import type { AuditSigner } from '../audit/signer.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import type { SigningKeys } from '../identity/signing-keys.ts';
import type { AuditSink } from '../services/audit-sink.ts';
import type { SealedRecords } from '../services/records.ts';
import { systemPrincipal, type Principal } from '../tenancy/context.ts';
import {
  documentDigest,
  documentOf,
  enforcementPayload,
  EXPORT_FORMAT,
  partyPayload,
  revocationCounterPayload,
  revocationPayload,
  verifyAgreement,
  type AgreementExport,
  type Party,
  type PartySignature,
  type PublishedKey,
  type Verification,
} from './agreement-document.ts';
import type { Agreement, AgreementInput } from './agreements.ts';

const KIND = 'agreement';

export type PlatformSigner = Pick<AuditSigner, 'keyId' | 'publicKeyPem' | 'sign'>;

export class AgreementService {
  constructor(
    private readonly records: SealedRecords,
    private readonly audit: AuditSink,
    /** The parties' signers' keys (the tenant directory is served from here). */
    readonly keys: SigningKeys,
    private readonly platform: PlatformSigner,
    private readonly now: () => number = Date.now,
    /** Whether a tenant exists: a proposal to an unknown tenant is kept (and answered) like any
     *  other, so the answer does not reveal which tenants exist, but it is audited on one side only. */
    private readonly tenantExists: (id: string) => Promise<boolean> = async () => true,
  ) {}

  /** `unaddressed`: proposed to a tenant that did not exist; a tenant created later under that id
   *  never sees it. */
  private async save(a: Agreement, unaddressed = false) {
    const tags: Record<string, string> = { provider: a.providerTenant, consumer: a.consumerTenant, status: a.status };
    if (unaddressed) tags.unaddressed = '1';
    await this.records.put(KIND, a.id, a, { tags });
  }

  private async both(a: Agreement, actor: Principal, action: string, details: Record<string, unknown> = {}) {
    const event = { actor: actor.label, action, target: `agreement:${a.id}`, outcome: 'success' as const, details: { provider: a.providerTenant, consumer: a.consumerTenant, version: a.version ?? 1, ...details } };
    await this.audit.record(a.providerTenant, event);
    if (await this.tenantExists(a.consumerTenant)) await this.audit.record(a.consumerTenant, event);
  }

  async propose(provider: TenantId, input: AgreementInput, actor: Principal): Promise<Agreement> {
    if (input.consumerTenant === provider) throw conflict('an agreement needs two different tenants');
    const a: Agreement = { ...input, id: randomUUID(), providerTenant: provider, status: 'proposed', proposedBy: actor.label, proposedAt: this.now(), version: 1, signatures: [] };
    await this.save(a, !(await this.tenantExists(a.consumerTenant)));
    await this.both(a, actor, 'agreement.propose', { purpose: a.purpose, categories: a.categories.length, digest: documentDigest(documentOf(a)) });
    return a;
  }

  /** An agreement the tenant is a party to; otherwise 404 (it does not exist for them). */
  async requireForParty(id: string, tenant: TenantId): Promise<Agreement> {
    const rec = await this.records.get<Agreement>(KIND, id);
    const consumer = rec?.data.consumerTenant === tenant && rec.tags.unaddressed !== '1';
    if (!rec || (rec.data.providerTenant !== tenant && !consumer)) throw notFound(`no agreement ${id}`);
    return rec.data;
  }

  private partyOf(a: Agreement, tenant: string): Party {
    return a.providerTenant === tenant ? 'provider' : 'consumer';
  }

  /** The signer (the route checked the signing permission) signs the current version for their
   *  tenant; when both parties have, the platform countersigns and enforcement starts. */
  async sign(id: string, tenant: TenantId, actor: Principal): Promise<Agreement> {
    const a = await this.requireForParty(id, tenant);
    if (a.status === 'revoked') throw conflict('agreement is revoked');
    const party = this.partyOf(a, tenant);
    const signatures = a.signatures ?? [];
    if (signatures.some((s) => s.party === party)) throw conflict(`the ${party} has already signed version ${a.version ?? 1}`);
    const digest = documentDigest(documentOf(a));
    const key = await this.keys.ensure(tenant, actor.id, actor.label);
    const unsigned = { party, tenant, signer: actor.label, keyId: key.keyId, signedAt: this.now() };
    const { signature } = await this.keys.sign(tenant, actor.id, actor.label, partyPayload(digest, unsigned));
    let next: Agreement = { ...a, signatures: [...signatures, { ...unsigned, signature }] };
    await this.save(next);
    await this.both(next, actor, 'agreement.sign', { party, keyId: key.keyId, digest });
    if (next.signatures!.length === 2) {
      const at = this.now();
      const countersignature = { keyId: this.platform.keyId, at, signature: this.platform.sign(enforcementPayload(digest, next.signatures!, at)).toString('base64') };
      next = { ...next, status: 'active', countersignature, activatedAt: at };
      await this.save(next);
      await this.both(next, systemPrincipal('agreements', asTenantId(a.providerTenant)), 'agreement.enforce', { keyId: this.platform.keyId, digest });
    }
    return next;
  }

  /** New terms are a new version: the signatures of the old one do not carry over, so sharing
   *  stops until both parties have signed again. Only the provider amends. */
  async amend(id: string, tenant: TenantId, input: AgreementInput, actor: Principal): Promise<Agreement> {
    const a = await this.requireForParty(id, tenant);
    if (a.providerTenant !== tenant) throw forbidden('only the provider amends an agreement');
    if (a.status === 'revoked') throw conflict('agreement is revoked');
    if (input.consumerTenant !== a.consumerTenant) throw conflict('the parties of an agreement do not change; propose a new one');
    const history = [...(a.history ?? [])];
    if (a.status === 'active' && a.activatedAt !== undefined) history.push({ version: a.version ?? 1, digest: documentDigest(documentOf(a)), activatedAt: a.activatedAt, endedAt: this.now() });
    const { countersignature: _c, activatedAt: _t, ...rest } = a;
    const next: Agreement = { ...rest, ...input, status: 'proposed', version: (a.version ?? 1) + 1, signatures: [], history };
    await this.save(next);
    await this.both(next, actor, 'agreement.amend', { digest: documentDigest(documentOf(next)) });
    return next;
  }

  /** Revocation is signed by the revoking party's signer and recorded (countersigned) by the platform. */
  async revoke(id: string, tenant: TenantId, actor: Principal): Promise<Agreement> {
    const a = await this.requireForParty(id, tenant);
    if (a.status === 'revoked') return a;
    const digest = documentDigest(documentOf(a));
    const key = await this.keys.ensure(tenant, actor.id, actor.label);
    const unsigned = { party: this.partyOf(a, tenant), tenant, signer: actor.label, keyId: key.keyId, at: this.now() };
    const { signature } = await this.keys.sign(tenant, actor.id, actor.label, revocationPayload(digest, unsigned));
    const platformAt = this.now();
    const platform = { keyId: this.platform.keyId, at: platformAt, signature: this.platform.sign(revocationCounterPayload({ signature }, platformAt)).toString('base64') };
    const history = [...(a.history ?? [])];
    if (a.status === 'active' && a.activatedAt !== undefined) history.push({ version: a.version ?? 1, digest, activatedAt: a.activatedAt, endedAt: unsigned.at });
    const next: Agreement = { ...a, status: 'revoked', revocation: { ...unsigned, signature, platform }, revokedBy: actor.label, revokedAt: unsigned.at, history };
    const unaddressed = (await this.records.get<Agreement>(KIND, id))?.tags.unaddressed === '1';
    await this.save(next, unaddressed);
    await this.both(next, actor, 'agreement.revoke', { keyId: key.keyId, digest });
    return next;
  }

  /** The agreement as a self-contained file: document, signatures, the signers' public keys from
   *  the parties' directories and the platform's public key. */
  async exportOf(a: Agreement): Promise<AgreementExport> {
    const publicKeys: Record<string, PublishedKey> = {};
    const sigs: Pick<PartySignature, 'tenant' | 'keyId'>[] = [...(a.signatures ?? []), ...(a.revocation ? [a.revocation] : [])];
    for (const s of sigs) {
      const entry = await this.keys.byKeyId(s.tenant, s.keyId);
      if (entry) publicKeys[entry.keyId] = { pem: entry.publicKeyPem, tenant: s.tenant, signer: entry.signer };
    }
    return {
      format: EXPORT_FORMAT,
      document: documentOf(a),
      signatures: a.signatures ?? [],
      countersignature: a.countersignature ?? null,
      revocation: a.revocation ?? null,
      publicKeys,
      platformKey: { keyId: this.platform.keyId, pem: this.platform.publicKeyPem },
    };
  }

  /** Whether the stored document still matches its signatures (checked at every sharing request). */
  async verify(a: Agreement): Promise<Verification> {
    return verifyAgreement(await this.exportOf(a));
  }

  async listFor(tenant: TenantId): Promise<Agreement[]> {
    const asProvider = await this.records.find<Agreement>(KIND, { tags: { provider: tenant } });
    const asConsumer = (await this.records.find<Agreement>(KIND, { tags: { consumer: tenant } })).filter((r) => r.tags.unaddressed !== '1');
    return [...asProvider, ...asConsumer].map((r) => r.data).sort((x, y) => y.proposedAt - x.proposedAt);
  }
}
