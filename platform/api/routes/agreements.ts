// Data Sharing Agreements between tenants, and the one door through which shared data leaves a
// tenant: GET /sharing/:agreementId/:category, decided against the agreement — its terms and its
// signatures — at query time (docs/security.md "Signed agreements").
import { Router } from 'express';
import { z } from 'zod';
import { forbidden, notFound } from '../../errors.ts';
import type { PilotContext, ShareProvider } from '../../pilot.ts';
import { agreementUsage } from '../../policy/agreement-usage.ts';
import { agreementInputSchema, decide, OPERATIONS, PURPOSES, type SharingDecision } from '../../policy/agreements.ts';
import { effectiveObligations, isProtected, operationAllowed, screenAggregates } from '../../policy/sharing-floors.ts';
import type { AgreementService } from '../../policy/agreement-service.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, allowAny, tenantOf } from '../auth.ts';
import { body, params, query } from '../validate.ts';
import { anyObject, doc, itemsOf } from '../route-doc.ts';

const idParam = z.object({ id: z.uuid() });
const shareParams = z.object({ id: z.uuid(), category: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/) });
const shareQuery = z
  .object({
    purpose: z.enum(PURPOSES),
    operation: z.enum(OPERATIONS).default('aggregate'),
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    groupBy: z.string().regex(/^[a-z][a-zA-Z0-9-]{0,39}$/).optional(),
  })
  .strict();

export interface ShareRegistry {
  get(category: string): { provider: ShareProvider; ctx: PilotContext } | undefined;
  /** Every category the pilots offer, with the pilot that owns it. */
  list(): { category: string; description: string; sensitivity?: string; pilot: string }[];
}

/** Sharing requests summed up from at most this many audit entries (newest kept). */
const USAGE_SCAN = 10_000;
const categoryEntry = z.object({ category: z.string(), description: z.string(), sensitivity: z.string().optional() });

const signerEntry = z.object({ userId: z.string(), signer: z.string(), keyId: z.string(), publicKeyPem: z.string(), createdAt: z.number() });

export function agreementRoutes(s: PlatformServices, agreements: AgreementService, shares: ShareRegistry): Router {
  const r = Router();
  r.get('/agreements', allowAny('agreements:manage', 'agreements:sign'), doc({ summary: 'sharing agreements the tenant is a party to', responses: { 200: itemsOf(anyObject) } }), async (req, res) => {
    // `retention` shows both sides: how long the provider keeps its readings at all, and when
    // the consumer must delete what it received.
    const items = await agreements.listFor(tenantOf(req));
    res.json({
      items: await Promise.all(
        items.map(async (a) => ({
          ...a,
          retention: {
            providerReadingsDays: (await s.tenants.get(a.providerTenant))?.readingsRetentionDays ?? null,
            consumerDeleteAfterDays: a.obligations.retentionDays,
          },
        })),
      ),
    });
  });
  r.post('/agreements', allow('agreements:manage'), doc({ summary: 'proposes a sharing agreement', body: agreementInputSchema, responses: { 201: anyObject } }), async (req, res) => {
    const provider = tenantOf(req);
    const input = body(req, agreementInputSchema);
    // No existence check of the consumer (ASVS 4.2.1): an unknown tenant is answered like a known
    // one; nobody can accept a proposal addressed to a tenant that does not exist.
    for (const c of input.categories) if (!shares.get(c)) throw notFound(`no shareable data category ${c}`);
    res.status(201).json(await agreements.propose(provider, input, req.principal!));
  });
  // Signing is the data protection officer's, not the administrator's (ASVS 1.4.1, 4.1.3): the
  // guard is the check; the signer's own key is created on first use.
  r.post('/agreements/:id/sign', allow('agreements:sign'), doc({ summary: "signs the agreement's current version for the caller's tenant; the platform countersigns once both parties have", params: idParam, responses: { 200: anyObject } }), async (req, res) => {
    res.json(await agreements.sign(params(req, idParam).id, tenantOf(req), req.principal!));
  });
  r.post('/agreements/:id/amend', allow('agreements:manage'), doc({ summary: 'new terms as a new version, to be signed again (provider)', params: idParam, body: agreementInputSchema, responses: { 200: anyObject } }), async (req, res) => {
    const input = body(req, agreementInputSchema);
    for (const c of input.categories) if (!shares.get(c)) throw notFound(`no shareable data category ${c}`);
    res.json(await agreements.amend(params(req, idParam).id, tenantOf(req), input, req.principal!));
  });
  r.post('/agreements/:id/revoke', allow('agreements:sign'), doc({ summary: "revokes an agreement (either party's signer), signed", params: idParam, responses: { 200: anyObject } }), async (req, res) => {
    res.json(await agreements.revoke(params(req, idParam).id, tenantOf(req), req.principal!));
  });
  r.get('/agreements/:id/export', allowAny('agreements:manage', 'agreements:sign', 'audit:read'), doc({ summary: 'the signed agreement as a file `npm run agreement:verify` checks offline', params: idParam, responses: { 200: anyObject } }), async (req, res) => {
    const a = await agreements.requireForParty(params(req, idParam).id, tenantOf(req));
    res.setHeader('content-disposition', `attachment; filename="agreement-${a.id}-v${a.version ?? 1}.json"`);
    res.json(await agreements.exportOf(a));
  });
  // What was shared under an agreement, from the caller's own audit chain (each party records
  // every request): counts, rows, refusals and the latest requests.
  r.get('/agreements/:id/usage', allowAny('agreements:manage', 'agreements:sign', 'audit:read'), doc({ summary: 'requests made under the agreement, from the tenant\'s audit chain', params: idParam, responses: { 200: anyObject } }), async (req, res) => {
    const a = await agreements.requireForParty(params(req, idParam).id, tenantOf(req));
    const entries = [];
    let fromSeq: number | null = 1;
    while (fromSeq !== null && entries.length < USAGE_SCAN) {
      const page = await s.audit.list({ action: 'sharing.access', since: a.proposedAt, fromSeq, limit: 1000 });
      entries.push(...page.entries);
      fromSeq = page.nextFromSeq;
    }
    res.json(agreementUsage(a.id, entries));
  });
  // The categories a proposal may name: those of the pilots the tenant runs.
  r.get('/sharing/categories', allow('agreements:manage'), doc({ summary: 'data categories the tenant can offer under an agreement', responses: { 200: itemsOf(categoryEntry) } }), async (req, res) => {
    const pilots = new Set((await s.tenants.get(tenantOf(req)))?.pilots ?? []);
    res.json({ items: shares.list().filter((c) => pilots.has(c.pilot)).map(({ pilot: _pilot, ...c }) => c) });
  });
  r.get('/signers', allowAny('agreements:manage', 'agreements:sign', 'audit:read'), doc({ summary: "the tenant's directory of agreement signers' public keys", responses: { 200: itemsOf(signerEntry) } }), async (req, res) => {
    res.json({ items: await agreements.keys.list(tenantOf(req)) });
  });

  r.get('/sharing/:id/:category', allow('sharing:consume'), doc({ summary: 'shared data under an agreement, decided at query time', params: shareParams, query: shareQuery, responses: { 200: anyObject } }), async (req, res) => {
    const consumer = tenantOf(req);
    const { id, category } = params(req, shareParams);
    const q = query(req, shareQuery);
    const agreement = await agreements.requireForParty(id, consumer);
    const share = shares.get(category);
    const decided = decide(agreement, { consumerTenant: consumer, purpose: q.purpose, category, operation: q.operation, at: Date.now() });
    // The terms in force are the signed ones: a stored document that no longer matches its
    // parties' signatures and the platform's countersignature shares nothing.
    const agreed: SharingDecision = decided.allow && !(await agreements.verify(agreement)).inForce ? { allow: false, reason: 'signature' } : decided;
    // The platform's floors for personal and health data apply whatever the agreement says.
    const sensitivity = share?.provider.sensitivity;
    const decision: SharingDecision = !agreed.allow
      ? agreed
      : !operationAllowed(q.operation, sensitivity)
        ? { allow: false, reason: 'operation' }
        : { allow: true, obligations: effectiveObligations(agreed.obligations, sensitivity, s.config.sharing.minGroupSize) };
    const event = {
      actor: req.principal!.label,
      action: 'sharing.access',
      target: `agreement:${id}`,
      details: { category, operation: q.operation, purpose: q.purpose, consumer, ...(decision.allow ? {} : { reason: decision.reason }) },
    };
    if (!decision.allow) {
      // Both parties' chains; once when the caller belongs to the provider (not a party as consumer).
      for (const chain of new Set([agreement.providerTenant, consumer])) await s.audit.record(chain, { ...event, outcome: 'denied' });
      throw forbidden(`the agreement does not allow this request (${decision.reason})`);
    }
    if (!share) throw notFound(`no shareable data category ${category}`);
    const params_: Record<string, string> = {};
    for (const k of ['from', 'to', 'groupBy'] as const) if (q[k] !== undefined) params_[k] = String(q[k]);
    const provided = await share.ctx.inTenant(agreement.providerTenant, () =>
      share.provider.provide(share.ctx, { agreementId: id, operation: q.operation, purpose: q.purpose, obligations: decision.obligations, params: params_ }),
    );
    // Whatever the pilot returned, only aggregates of large enough groups without text leave.
    let result = provided;
    if (isProtected(sensitivity)) {
      const screened = screenAggregates(provided.rows, decision.obligations.minGroupSize);
      result = { rows: screened.rows, subjects: screened.subjects, suppressed: provided.suppressed + screened.withheld };
    }
    const evidence = { ...event, outcome: 'success' as const, details: { ...event.details, rows: result.rows.length, subjects: result.subjects, suppressed: result.suppressed } };
    for (const chain of new Set([agreement.providerTenant, consumer])) await s.audit.record(chain, evidence);
    res.json({
      agreement: { id, purpose: agreement.purpose, provider: agreement.providerTenant },
      obligations: decision.obligations,
      deleteBy: Date.now() + decision.obligations.retentionDays * 86_400_000,
      ...result,
    });
  });
  return r;
}
