import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { complianceHtml } from './html.ts';
import { buildReport, combine, requirementsFileSchema, type ComplianceInput, type RequirementsFile } from './map.ts';

const map: RequirementsFile = {
  frameworks: { ASVS: 'OWASP ASVS 4.0.3, level 2', ETSI: 'ETSI EN 303 645', EUCS: 'EUCS' },
  requirements: [
    { id: 'ASVS 2.2.1', title: 'anti-automation', controls: ['platform/identity/login-guard.ts'] },
    { id: 'ASVS 2.8.1', title: 'TOTP', controls: [] },
    { id: 'ETSI 5.1-5', title: 'brute force', controls: ['platform/broker/throttle.ts', 'platform/gone.ts'] },
    { id: 'EUCS OPS', title: 'operations', controls: [], scenarios: ['backup.restore-drill'], tests: ['test/platform/backup.int.test.ts'] },
  ],
};
const input = (over: Partial<ComplianceInput> = {}): ComplianceInput => ({
  map,
  testFiles: [
    { file: 'platform/a.test.ts', source: "it('locks out (ASVS 2.2.1, ETSI 5.1-5)', () => {});\nit('headers (ASVS 14.4.3)', () => {});" },
    { file: 'platform/b.test.ts', source: "describe('x', () => { it.each([[1]])('row %s (ASVS 2.2.1)', () => {}); });" },
  ],
  scenarios: [{ id: 'security.brute-force', requirement: 'ASVS 4.0.3 2.2.1; ETSI EN 303 645 5.1-5' }],
  controlExists: (p) => p !== 'platform/gone.ts',
  generatedAt: '2026-01-31T12:00:00.000Z',
  ...over,
});
const rowOf = (r: ReturnType<typeof buildReport>, id: string) => r.rows.find((x) => x.id === id)!;

describe('the compliance map joined with its evidence', () => {
  it('lists the tests and scenarios citing each requirement; one with none is a gap, not hidden', () => {
    const r = buildReport(input());
    expect(rowOf(r, 'ASVS 2.2.1').tests.map((t) => t.file)).toEqual(['platform/a.test.ts', 'platform/b.test.ts']);
    expect(rowOf(r, 'ASVS 2.2.1').scenarios).toEqual([{ id: 'security.brute-force', result: 'not-run' }]);
    expect(rowOf(r, 'ASVS 2.2.1').status).toBe('covered');
    expect(rowOf(r, 'ASVS 2.8.1')).toMatchObject({ status: 'gap', tests: [], scenarios: [] });
    expect(r.summary['ASVS']).toEqual({ total: 3, covered: 2, failing: 0, gap: 1 });
  });

  it('shows an id cited by a test but missing from the map as an unmapped row', () => {
    expect(rowOf(buildReport(input()), 'ASVS 14.4.3')).toMatchObject({ mapped: false, status: 'covered' });
  });

  it('marks a control file that does not exist', () => {
    expect(rowOf(buildReport(input()), 'ETSI 5.1-5').controls).toEqual([
      { path: 'platform/broker/throttle.ts', exists: true },
      { path: 'platform/gone.ts', exists: false },
    ]);
  });

  it('joins the latest results: a failed test or scenario makes the requirement failing', () => {
    const results = {
      testResults: [
        { name: '/repo/platform/a.test.ts', assertionResults: [{ fullName: 'locks out (ASVS 2.2.1, ETSI 5.1-5)', status: 'failed' }] },
        { name: '/repo/platform/b.test.ts', assertionResults: [{ fullName: 'x row 1 (ASVS 2.2.1)', status: 'passed' }] },
        { name: '/repo/test/platform/backup.int.test.ts', assertionResults: [{ fullName: 'drill', status: 'passed' }] },
      ],
    };
    const r = buildReport(input({ testResults: { label: 'vitest', results, root: '/repo' }, validation: { id: 'validation-x', results: [{ id: 'security.brute-force', status: 'pass' }, { id: 'backup.restore-drill', status: 'fail' }] } }));
    expect(rowOf(r, 'ASVS 2.2.1').tests.map((t) => t.result)).toEqual(['fail', 'pass']);
    expect(rowOf(r, 'ASVS 2.2.1').status).toBe('failing');
    expect(rowOf(r, 'EUCS OPS').tests).toEqual([{ file: 'test/platform/backup.int.test.ts', title: '(named in the map)', result: 'pass' }]);
    expect(rowOf(r, 'EUCS OPS').status).toBe('failing');
  });

  it.each([
    [[], 'not-run'],
    [['not-run', 'pass'], 'pass'],
    [['pass', 'fail', 'not-run'], 'fail'],
  ] as const)('combine(%j) is %s', (rs, out) => {
    expect(combine(rs)).toBe(out);
  });

  it('renders a self-contained page with every value escaped', () => {
    const hostile = buildReport(input({ testFiles: [{ file: 'x<script>.test.ts', source: "it('<img src=x onerror=alert(1)> (ASVS 2.2.1)', () => {});" }] }));
    const html = complianceHtml(hostile);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('no test, no scenario');
  });

  it('links scenarios to the validation report they ran in, and to the audit verification', () => {
    const html = complianceHtml(buildReport(input({ validation: { id: 'validation-2026-01-31T12-00-00-000Z', results: [] } })));
    expect(html).toContain('<a href="/validation?run=validation-2026-01-31T12-00-00-000Z">security.brute-force</a>');
    expect(html).toContain('<a href="/audit">');
  });
});

describe('docs/compliance/requirements.json', () => {
  const file = requirementsFileSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'compliance', 'requirements.json'), 'utf8')));
  it('covers the EUCS categories and the BSI C5 criteria the evaluation asks for', () => {
    const ids = file.requirements.map((r) => r.id);
    for (const id of ['EUCS OPS', 'EUCS OPS-logging', 'EUCS IAM', 'EUCS CKM', 'EUCS CS', 'EUCS PI', 'EUCS DOC', 'C5 COS-06', 'C5 OPS-06']) expect(ids).toContain(id);
    for (const prefix of ['C5 IDM-', 'C5 CRY-']) expect(ids.some((i) => i.startsWith(prefix))).toBe(true);
  });
});
