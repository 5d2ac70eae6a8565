// Records of processing activities (GDPR art. 30), generated per tenant from the platform's own
// state rather than written by hand: what each enabled pilot processes and for what, how long it
// is kept, where it is stored, and who receives what under which signed agreement version.
import { escapeHtml } from '../html.ts';
import { documentDigest, documentOf } from './agreement-document.ts';
import type { Agreement } from './agreements.ts';
import type { Sensitivity } from './sharing-floors.ts';

export interface ProcessingPilot {
  id: string;
  title: string;
  deviceKinds: string[];
  shares: { category: string; description: string; sensitivity?: Sensitivity }[];
}

export interface ProcessingInput {
  tenant: { id: string; name: string; region: string; pilots: string[]; readingsRetentionDays?: number };
  pilots: ProcessingPilot[];
  agreements: Agreement[];
  /** Where the region's data lives: its own configured location, or the platform's default one. */
  regionLocation: 'own location' | 'default location';
  generatedAt: number;
}

export interface AgreementInForce {
  id: string;
  title: string;
  version: number;
  digest: string;
  direction: 'provides' | 'receives';
  provider: string;
  recipient: string;
  purpose: string;
  categories: string[];
  recipientDeleteAfterDays: number;
  validFrom: number;
  validUntil: number;
  signedBy: { party: string; signer: string; signedAt: number }[];
  activatedAt: number | null;
}

export interface ProcessingRecords {
  format: 'custodia.records-of-processing/v1';
  controller: { tenant: string; name: string };
  generatedAt: number;
  storage: { region: string; location: string };
  activities: {
    pilot: string;
    name: string;
    purposes: string[];
    dataCategories: { category: string; description: string; sensitivity: Sensitivity | 'unspecified' }[];
    deviceKinds: string[];
    recipients: string[];
    retention: string;
  }[];
  agreementsInForce: AgreementInForce[];
  /** Every version that was ever in force, superseded or revoked ones included (art. 30(1)(d)). */
  agreementVersions: { id: string; version: number; digest: string; activatedAt: number; endedAt: number | null }[];
}

const inForce = (a: Agreement, at: number) => a.status === 'active' && at >= a.validFrom && at < a.validUntil;

export function buildProcessingRecords(input: ProcessingInput): ProcessingRecords {
  const { tenant, generatedAt } = input;
  const active = input.agreements.filter((a) => inForce(a, generatedAt));
  const activities = input.pilots
    .filter((p) => tenant.pilots.includes(p.id))
    .map((p) => {
      const categories = new Set(p.shares.map((s) => s.category));
      const outgoing = active.filter((a) => a.providerTenant === tenant.id && a.categories.some((c) => categories.has(c)));
      return {
        pilot: p.id,
        name: p.title,
        purposes: [`operating ${p.title}`, ...new Set(outgoing.map((a) => `${a.purpose} (shared under agreement)`))],
        dataCategories: p.shares.map((s) => ({ category: s.category, description: s.description, sensitivity: s.sensitivity ?? ('unspecified' as const) })),
        deviceKinds: p.deviceKinds,
        recipients: [...new Set(outgoing.map((a) => a.consumerTenant))].sort(),
        retention: tenant.readingsRetentionDays ? `readings deleted after ${tenant.readingsRetentionDays} days` : 'readings kept until deleted by the tenant (no retention period set)',
      };
    });
  const agreementsInForce: AgreementInForce[] = active.map((a) => ({
    id: a.id,
    title: a.title,
    version: a.version ?? 1,
    digest: documentDigest(documentOf(a)),
    direction: a.providerTenant === tenant.id ? 'provides' : 'receives',
    provider: a.providerTenant,
    recipient: a.consumerTenant,
    purpose: a.purpose,
    categories: a.categories,
    recipientDeleteAfterDays: a.obligations.retentionDays,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    signedBy: (a.signatures ?? []).map((s) => ({ party: s.party, signer: s.signer, signedAt: s.signedAt })),
    activatedAt: a.activatedAt ?? null,
  }));
  const agreementVersions = input.agreements
    .flatMap((a) => [
      ...(a.history ?? []).map((v) => ({ id: a.id, version: v.version, digest: v.digest, activatedAt: v.activatedAt, endedAt: v.endedAt as number | null })),
      ...(a.status === 'active' && a.activatedAt !== undefined ? [{ id: a.id, version: a.version ?? 1, digest: documentDigest(documentOf(a)), activatedAt: a.activatedAt, endedAt: null }] : []),
    ])
    .sort((x, y) => x.activatedAt - y.activatedAt);
  return {
    format: 'custodia.records-of-processing/v1',
    controller: { tenant: tenant.id, name: tenant.name },
    generatedAt,
    storage: { region: tenant.region, location: input.regionLocation },
    activities,
    agreementsInForce,
    agreementVersions,
  };
}

const iso = (t: number | null) => (t === null ? 'in force' : new Date(t).toISOString());
const list = (xs: string[]) => (xs.length ? xs.map(escapeHtml).join(', ') : '—');

/** A self-contained page (no scripts, no external resources); every value escaped. */
export function processingRecordsHtml(r: ProcessingRecords): string {
  const e = escapeHtml;
  const activities = r.activities
    .map(
      (a) =>
        `<section><h2>${e(a.name)}</h2><dl><dt>Purposes</dt><dd>${list(a.purposes)}</dd><dt>Data categories</dt><dd>${list(a.dataCategories.map((c) => `${c.category} (${c.sensitivity}): ${c.description}`))}</dd><dt>Device kinds</dt><dd>${list(a.deviceKinds)}</dd><dt>Recipients</dt><dd>${list(a.recipients)}</dd><dt>Retention</dt><dd>${e(a.retention)}</dd></dl></section>`,
    )
    .join('\n');
  const agreements = r.agreementsInForce
    .map(
      (a) =>
        `<tr><td>${e(a.title)}</td><td>${e(a.direction)}</td><td>${e(a.provider)} → ${e(a.recipient)}</td><td>${e(a.purpose)}</td><td>${list(a.categories)}</td><td>${a.version}</td><td>${list(a.signedBy.map((s) => `${s.party}: ${s.signer} at ${iso(s.signedAt)}`))}</td><td>${a.recipientDeleteAfterDays} days</td><td><code>${e(a.digest.slice(0, 16))}</code></td></tr>`,
    )
    .join('\n');
  const versions = r.agreementVersions.map((v) => `<tr><td><code>${e(v.id)}</code></td><td>${v.version}</td><td>${iso(v.activatedAt)}</td><td>${iso(v.endedAt)}</td><td><code>${e(v.digest.slice(0, 16))}</code></td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Records of processing — ${e(r.controller.name)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}table{border-collapse:collapse;width:100%}td,th{border:1px solid #c8ced6;padding:.3rem .5rem;text-align:left;vertical-align:top}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}</style></head>
<body><h1>Records of processing activities (GDPR art. 30)</h1>
<p>Controller: ${e(r.controller.name)} (tenant <code>${e(r.controller.tenant)}</code>). Generated ${iso(r.generatedAt)} from the platform's state.</p>
<p>Storage location: region <strong>${e(r.storage.region)}</strong> (${e(r.storage.location)}).</p>
${activities || '<p>No pilot enabled: no processing.</p>'}
<h2>Agreements in force</h2>
<table><thead><tr><th>Agreement</th><th>Direction</th><th>Parties</th><th>Purpose</th><th>Categories</th><th>Version</th><th>Signed by</th><th>Recipient deletes after</th><th>Document</th></tr></thead><tbody>
${agreements || '<tr><td colspan="9">none</td></tr>'}
</tbody></table>
<h2>Agreement versions ever in force</h2>
<table><thead><tr><th>Agreement</th><th>Version</th><th>From</th><th>Until</th><th>Document</th></tr></thead><tbody>
${versions || '<tr><td colspan="5">none</td></tr>'}
</tbody></table>
</body></html>
`;
}
