import { describe, expect, it } from 'vitest';
import {
  codingMatches,
  dateRange,
  datePeriod,
  issueCode,
  operationOutcome,
  parseTokens,
  patientIdOf,
  searchset,
  SearchError,
} from './fhir-server.ts';
import type { Resource } from './fhir.ts';

const u = (iso: string) => Date.parse(iso);

describe('FHIR date search values', () => {
  it.each([
    ['2025', 'eq', '2025-01-01T00:00:00.000Z', '2025-12-31T23:59:59.999Z'],
    ['2025-02', 'eq', '2025-02-01T00:00:00.000Z', '2025-02-28T23:59:59.999Z'],
    ['ge2024-02-29', 'ge', '2024-02-29T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['lt2025-01-01T10:00Z', 'lt', '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:59.999Z'],
    ['le2025-01-01T10:00:30+01:00', 'le', '2025-01-01T09:00:30.000Z', '2025-01-01T09:00:30.999Z'],
    ['gt2025-01-01T10:00:30.5Z', 'gt', '2025-01-01T10:00:30.500Z', '2025-01-01T10:00:30.500Z'],
  ])('%s covers its own precision', (value, prefix, start, end) => {
    expect(datePeriod(value)).toEqual({ prefix, start: u(start), end: u(end) });
  });

  it.each(['yesterday', '2025-1-1', 'xx2025', '2025-01-01T10Z', '2025-13-01', '2025-02-30', '2025-00', '2025-01-01T10:00', '2025-01-01T25:00Z'])('refuses %s', (value) => {
    expect(() => datePeriod(value)).toThrow(SearchError);
  });

  it('narrows repeated values into one range (AND)', () => {
    expect(dateRange([])).toEqual({});
    expect(dateRange(['ge2025-01-01', 'lt2025-01-03'])).toEqual({ from: u('2025-01-01T00:00:00Z'), to: u('2025-01-03T00:00:00Z') - 1 });
    expect(dateRange(['2025-01-02'])).toEqual({ from: u('2025-01-02T00:00:00Z'), to: u('2025-01-03T00:00:00Z') - 1 });
    expect(dateRange(['gt2025-01-01', 'ge2024-01-01', 'le2025-06'])).toEqual({ from: u('2025-01-02T00:00:00Z'), to: u('2025-07-01T00:00:00Z') - 1 });
    expect(() => dateRange(['ne2025'])).toThrow(/not supported/);
  });
});

describe('token and reference search values', () => {
  it.each([
    ['8867-4', [{ code: '8867-4' }]],
    ['http://loinc.org|8867-4', [{ system: 'http://loinc.org', code: '8867-4' }]],
    ['|x', [{ system: '', code: 'x' }]],
    ['a,http://loinc.org|b', [{ code: 'a' }, { system: 'http://loinc.org', code: 'b' }]],
  ])('%s', (value, tokens) => expect(parseTokens(value)).toEqual(tokens));

  it('matches codings by code, and by system when the token names one', () => {
    const codings = [{ system: 'http://loinc.org', code: '8867-4' }, { system: 'urn:local', code: 'hr' }];
    expect(codingMatches(codings, parseTokens('8867-4'))).toBe(true);
    expect(codingMatches(codings, parseTokens('http://loinc.org|8867-4'))).toBe(true);
    expect(codingMatches(codings, parseTokens('http://snomed.info/sct|8867-4'))).toBe(false);
    expect(codingMatches(codings, parseTokens('|8867-4'))).toBe(false);
    expect(codingMatches(codings, parseTokens('9279-1,urn:local|hr'))).toBe(true);
  });

  it('takes a patient as Patient/<id> or <id>, nothing else', () => {
    expect(patientIdOf('Patient/6d4a4c1e-1111-4222-8333-944455556666')).toBe('6d4a4c1e-1111-4222-8333-944455556666');
    expect(patientIdOf('abc')).toBe('abc');
    for (const bad of ['Device/abc', 'Patient/', 'http://x/Patient/a', 'a b']) expect(() => patientIdOf(bad), bad).toThrow(SearchError);
  });
});

describe('searchset pages', () => {
  const obs = (i: number) => ({ resourceType: 'Observation', id: `o${i}` }) as unknown as Resource;
  const matches = [0, 1, 2, 3, 4].map(obs);
  const page = (offset: number, count: number) =>
    searchset({ matches, count, offset, selfUrl: 'https://h/fhir/R4/Observation?patient=p', base: 'https://h/fhir/R4', id: 'b', at: 0 });

  it('counts every match in total and links the next page with the same parameters', () => {
    const first = page(0, 2);
    expect(first.total).toBe(5);
    expect(first.entry.map((e) => e.fullUrl)).toEqual(['https://h/fhir/R4/Observation/o0', 'https://h/fhir/R4/Observation/o1']);
    expect(first.entry[0]!.search).toEqual({ mode: 'match' });
    expect(first.link).toEqual([
      { relation: 'self', url: 'https://h/fhir/R4/Observation?patient=p&_count=2&_offset=0' },
      { relation: 'next', url: 'https://h/fhir/R4/Observation?patient=p&_count=2&_offset=2' },
    ]);
  });

  it('has no next link on the last page, and a previous link after the first', () => {
    const last = page(4, 2);
    expect(last.entry.map((e) => e.resource.id)).toEqual(['o4']);
    expect(last.link.map((l) => l.relation)).toEqual(['self', 'previous']);
    expect(page(10, 2).entry).toEqual([]);
  });
});

describe('OperationOutcome', () => {
  it('names the issue type of each status', () => {
    expect([400, 401, 403, 404, 406, 410, 429, 500, 418].map(issueCode)).toEqual(['invalid', 'login', 'forbidden', 'not-found', 'not-supported', 'deleted', 'throttled', 'exception', 'processing']);
    expect(operationOutcome(404, 'no Patient/x')).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'no Patient/x' }] });
  });
});
