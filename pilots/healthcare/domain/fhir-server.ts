// Pure parts of the FHIR R4 read API (/fhir/R4): the CapabilityStatement, OperationOutcome
// errors, searchset Bundles with paging links, and the parsing of the search parameters the API
// supports (date with prefixes, token, reference, _count/_offset). The handlers in
// api/fhir-read.ts do the I/O.
import type { Resource } from './fhir.ts';

export const FHIR_VERSION = '4.0.1';

// ---- OperationOutcome ----------------------------------------------------------------------

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: { severity: 'error' | 'fatal'; code: string; diagnostics: string }[];
}

/** The FHIR issue type of an HTTP status (R4 ValueSet issue-type). */
export function issueCode(status: number): string {
  const codes: Record<number, string> = { 400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 406: 'not-supported', 410: 'deleted', 413: 'too-costly', 415: 'not-supported', 429: 'throttled' };
  return codes[status] ?? (status >= 500 ? 'exception' : 'processing');
}

export function operationOutcome(status: number, diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: status >= 500 ? 'fatal' : 'error', code: issueCode(status), diagnostics }] };
}

// ---- search parameters ---------------------------------------------------------------------

export class SearchError extends Error {}

const DATE_RE = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** The instant range a FHIR date value covers, at its own precision (2025 = the whole year). */
export function datePeriod(value: string): { prefix: string; start: number; end: number } {
  const m = DATE_RE.exec(value);
  if (!m) throw new SearchError(`date ${value}: expected [prefix]YYYY[-MM[-DD[Thh:mm[:ss[.sss]](Z|±hh:mm)]]]`);
  const [, prefix = 'eq', y, mo, d, hh, mi, ss, ms, tz] = m;
  const year = Number(y);
  // Date.UTC rolls 2025-13-01 over into 2026: check the calendar first.
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) throw new SearchError(`date ${value}: no month ${mo}`);
  if (d !== undefined && (Number(d) < 1 || Number(d) > new Date(Date.UTC(year, Number(mo), 0)).getUTCDate())) throw new SearchError(`date ${value}: no day ${d} in that month`);
  let start: number;
  let end: number;
  if (hh !== undefined) {
    const iso = `${y}-${mo}-${d}T${hh}:${mi}:${ss ?? '00'}.${(ms ?? '0').padEnd(3, '0')}${tz}`;
    start = Date.parse(iso);
    // The period of the value's own precision: a minute, a second or a millisecond.
    end = start + (ss === undefined ? 60_000 : ms === undefined ? 1000 : 1) - 1;
  } else if (d !== undefined) {
    start = Date.UTC(year, Number(mo) - 1, Number(d));
    end = Date.UTC(year, Number(mo) - 1, Number(d) + 1) - 1;
  } else if (mo !== undefined) {
    start = Date.UTC(year, Number(mo) - 1, 1);
    end = Date.UTC(year, Number(mo), 1) - 1;
  } else {
    start = Date.UTC(year, 0, 1);
    end = Date.UTC(year + 1, 0, 1) - 1;
  }
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new SearchError(`date ${value} is not a valid date`);
  return { prefix, start, end };
}

/** Several date parameters narrow each other (AND): the range every one of them allows. */
export function dateRange(values: readonly string[]): { from?: number; to?: number } {
  let from: number | undefined;
  let to: number | undefined;
  const atLeast = (t: number) => (from = from === undefined ? t : Math.max(from, t));
  const atMost = (t: number) => (to = to === undefined ? t : Math.min(to, t));
  for (const v of values) {
    const { prefix, start, end } = datePeriod(v);
    if (prefix === 'eq') {
      atLeast(start);
      atMost(end);
    } else if (prefix === 'ge') atLeast(start);
    else if (prefix === 'gt') atLeast(end + 1);
    else if (prefix === 'le') atMost(end);
    else if (prefix === 'lt') atMost(start - 1);
    else throw new SearchError(`date prefix ${prefix} is not supported (eq, ge, gt, le, lt)`);
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

export interface Token {
  system?: string;
  code: string;
}

/** `system|code`, `|code` (no system) or `code` (any system); commas are alternatives (OR). */
export function parseTokens(value: string): Token[] {
  return value.split(',').map((t) => {
    const bar = t.indexOf('|');
    if (bar < 0) return { code: t };
    return { system: t.slice(0, bar), code: t.slice(bar + 1) };
  });
}

export function codingMatches(codings: readonly { system?: string; code?: string }[], tokens: readonly Token[]): boolean {
  return tokens.some((t) => codings.some((c) => c.code === t.code && (t.system === undefined || (c.system ?? '') === t.system)));
}

/** `Patient/<id>` or a bare id → the id; another resource type is refused. */
export function patientIdOf(reference: string): string {
  const m = /^(?:Patient\/)?([A-Za-z0-9.-]{1,64})$/.exec(reference);
  if (!m) throw new SearchError(`patient ${reference}: expected Patient/<id> or <id>`);
  return m[1]!;
}

// ---- searchset -----------------------------------------------------------------------------

export interface SearchBundle {
  resourceType: 'Bundle';
  id: string;
  type: 'searchset';
  timestamp: string;
  total: number;
  link: { relation: 'self' | 'next' | 'previous'; url: string }[];
  entry: { fullUrl: string; resource: Resource; search: { mode: 'match' } }[];
}

export interface Page {
  /** Every match, in a stable order. */
  matches: readonly Resource[];
  count: number;
  offset: number;
  /** The search URL without _count/_offset, e.g. https://host/fhir/R4/Observation?patient=… */
  selfUrl: string;
  base: string;
  id: string;
  at: number;
}

const withPage = (url: string, count: number, offset: number) => `${url}${url.includes('?') ? '&' : '?'}_count=${count}&_offset=${offset}`;

/** One page of a search as a searchset Bundle: total counts every match; `next` and `previous`
 *  links carry the same parameters with another offset. */
export function searchset(p: Page): SearchBundle {
  const slice = p.matches.slice(p.offset, p.offset + p.count);
  const link: SearchBundle['link'] = [{ relation: 'self', url: withPage(p.selfUrl, p.count, p.offset) }];
  if (p.offset + p.count < p.matches.length) link.push({ relation: 'next', url: withPage(p.selfUrl, p.count, p.offset + p.count) });
  if (p.offset > 0) link.push({ relation: 'previous', url: withPage(p.selfUrl, p.count, Math.max(0, p.offset - p.count)) });
  return {
    resourceType: 'Bundle',
    id: p.id,
    type: 'searchset',
    timestamp: new Date(p.at).toISOString(),
    total: p.matches.length,
    link,
    entry: slice.map((resource) => ({ fullUrl: `${p.base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}

// ---- CapabilityStatement -------------------------------------------------------------------

export function capabilityStatement(opts: { base: string; at: number; maxCount: number }) {
  const sp = (name: string, type: string, documentation: string) => ({ name, type, documentation });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date(opts.at).toISOString(),
    kind: 'instance',
    software: { name: 'Custodia healthcare pilot' },
    implementation: { description: 'Custodia FHIR R4 read API (home telemonitoring)', url: opts.base },
    fhirVersion: FHIR_VERSION,
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Read-only. Bearer token from POST /api/v1/auth/token; the role needs export:fhir. Every read is audited. Unknown search parameters are refused (strict handling).',
        security: { cors: false, description: 'OAuth-style bearer token issued by the platform (not SMART on FHIR)' },
        resource: [
          {
            type: 'Patient',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [sp('identifier', 'token', 'the patient identifier, [system|]value'), sp('_id', 'token', 'the patient id')],
          },
          {
            type: 'Observation',
            supportedProfile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns'],
            interaction: [{ code: 'search-type' }],
            searchParam: [
              sp('patient', 'reference', 'required: Patient/<id>'),
              sp('subject', 'reference', 'alias of patient'),
              sp('code', 'token', 'LOINC (or local) code of the observation, [system|]code, comma for OR'),
              sp('date', 'date', 'effective time; prefixes eq, ge, gt, le, lt; repeat for a range'),
              sp('_count', 'number', `page size, 1 to ${opts.maxCount}`),
              sp('_offset', 'number', 'index of the first match of the page (the next link carries it)'),
            ],
          },
          { type: 'Device', interaction: [{ code: 'read' }] },
        ],
      },
    ],
  };
}
