// What was shared under an agreement, summed up from the tenant's own audit chain: every request
// through the sharing door is recorded there as `sharing.access` with its outcome (the route in
// ../api/routes/agreements.ts), so the usage a party sees is the evidence, not a separate counter.

/** The audit fields the summary reads (a stored audit entry has more). */
export interface SharingAccessEntry {
  ts: number;
  action: string;
  target?: string;
  outcome: string;
  /** Canonical JSON, as the chain stores it. */
  details: string;
}

export interface AgreementUsageAccess {
  at: number;
  category: string;
  operation: string;
  purpose: string;
  outcome: string;
  /** Why it was refused (agreement terms, signature, operation floor). */
  reason?: string;
  rows?: number;
  subjects?: number;
  suppressed?: number;
}

export interface AgreementUsage {
  agreementId: string;
  requests: number;
  allowed: number;
  refused: number;
  rows: number;
  byCategory: { category: string; requests: number; allowed: number; rows: number }[];
  firstAt: number | null;
  lastAt: number | null;
  /** The newest accesses first, at most `recent` of them. */
  recent: AgreementUsageAccess[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const detailsOf = (json: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** Sums up the `sharing.access` entries of one agreement; other entries are ignored. */
export function agreementUsage(agreementId: string, entries: readonly SharingAccessEntry[], recent = 20): AgreementUsage {
  const target = `agreement:${agreementId}`;
  const mine = entries.filter((e) => e.action === 'sharing.access' && e.target === target);
  const accesses: AgreementUsageAccess[] = mine.map((e) => {
    const d = detailsOf(e.details);
    const a: AgreementUsageAccess = { at: e.ts, category: str(d.category), operation: str(d.operation), purpose: str(d.purpose), outcome: e.outcome };
    if (typeof d.reason === 'string') a.reason = d.reason;
    for (const k of ['rows', 'subjects', 'suppressed'] as const) {
      const v = num(d[k]);
      if (v !== undefined) a[k] = v;
    }
    return a;
  });
  const categories = new Map<string, { category: string; requests: number; allowed: number; rows: number }>();
  for (const a of accesses) {
    const c = categories.get(a.category) ?? { category: a.category, requests: 0, allowed: 0, rows: 0 };
    c.requests++;
    if (a.outcome === 'success') {
      c.allowed++;
      c.rows += a.rows ?? 0;
    }
    categories.set(a.category, c);
  }
  const allowed = accesses.filter((a) => a.outcome === 'success');
  const times = accesses.map((a) => a.at);
  return {
    agreementId,
    requests: accesses.length,
    allowed: allowed.length,
    refused: accesses.length - allowed.length,
    rows: allowed.reduce((sum, a) => sum + (a.rows ?? 0), 0),
    byCategory: [...categories.values()].sort((a, b) => a.category.localeCompare(b.category)),
    firstAt: times.length ? Math.min(...times) : null,
    lastAt: times.length ? Math.max(...times) : null,
    recent: [...accesses].sort((a, b) => b.at - a.at).slice(0, recent),
  };
}
