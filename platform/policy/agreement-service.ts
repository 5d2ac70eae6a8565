// Agreements are stored once, in the platform store, and are visible to both parties. The
// provider proposes, the consumer accepts, either revokes; every step is audited in both chains.
import { randomUUID } from 'node:crypto';
import { conflict, forbidden, notFound } from '../errors.ts';
import type { AuditSink } from '../services/audit-sink.ts';
import type { SealedRecords } from '../services/records.ts';
import type { Principal } from '../tenancy/context.ts';
import type { Agreement, AgreementInput } from './agreements.ts';

const KIND = 'agreement';

export class AgreementService {
  constructor(
    private readonly records: SealedRecords,
    private readonly audit: AuditSink,
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
    const event = { actor: actor.label, action, target: `agreement:${a.id}`, outcome: 'success' as const, details: { provider: a.providerTenant, consumer: a.consumerTenant, ...details } };
    await this.audit.record(a.providerTenant, event);
    if (await this.tenantExists(a.consumerTenant)) await this.audit.record(a.consumerTenant, event);
  }

  async propose(provider: string, input: AgreementInput, actor: Principal): Promise<Agreement> {
    if (input.consumerTenant === provider) throw conflict('an agreement needs two different tenants');
    const a: Agreement = { ...input, id: randomUUID(), providerTenant: provider, status: 'proposed', proposedBy: actor.label, proposedAt: this.now() };
    await this.save(a, !(await this.tenantExists(a.consumerTenant)));
    await this.both(a, actor, 'agreement.propose', { purpose: a.purpose, categories: a.categories.length });
    return a;
  }

  /** An agreement the tenant is a party to; otherwise 404 (it does not exist for them). */
  async requireForParty(id: string, tenant: string): Promise<Agreement> {
    const rec = await this.records.get<Agreement>(KIND, id);
    const consumer = rec?.data.consumerTenant === tenant && rec.tags.unaddressed !== '1';
    if (!rec || (rec.data.providerTenant !== tenant && !consumer)) throw notFound(`no agreement ${id}`);
    return rec.data;
  }

  async accept(id: string, tenant: string, actor: Principal): Promise<Agreement> {
    const a = await this.requireForParty(id, tenant);
    if (a.consumerTenant !== tenant) throw forbidden('only the consumer accepts an agreement');
    if (a.status !== 'proposed') throw conflict(`agreement is ${a.status}`);
    const next: Agreement = { ...a, status: 'active', acceptedBy: actor.label, acceptedAt: this.now() };
    await this.save(next);
    await this.both(next, actor, 'agreement.accept');
    return next;
  }

  async revoke(id: string, tenant: string, actor: Principal): Promise<Agreement> {
    const a = await this.requireForParty(id, tenant);
    if (a.status === 'revoked') return a;
    const next: Agreement = { ...a, status: 'revoked', revokedBy: actor.label, revokedAt: this.now() };
    const unaddressed = (await this.records.get<Agreement>(KIND, id))?.tags.unaddressed === '1';
    await this.save(next, unaddressed);
    await this.both(next, actor, 'agreement.revoke');
    return next;
  }

  async listFor(tenant: string): Promise<Agreement[]> {
    const asProvider = await this.records.find<Agreement>(KIND, { tags: { provider: tenant } });
    const asConsumer = (await this.records.find<Agreement>(KIND, { tags: { consumer: tenant } })).filter((r) => r.tags.unaddressed !== '1');
    return [...asProvider, ...asConsumer].map((r) => r.data).sort((x, y) => y.proposedAt - x.proposedAt);
  }
}
