// Pure parts of the validation runner: the catalogue's shape, scenario selection, flags, the
// console table, the HTML report and its charts, and the storm's malformed payloads.
import { describe, expect, it } from 'vitest';
import { probeTelemetry } from './support/probe-pilot.ts';
import { CATALOGUE, describeCatalogue } from './catalogue.ts';
import { formatTable, niceTicks, svgChart, toHtml, wrap } from './report.ts';
import { reportId, selectScenarios, UnknownScenarioError } from './runner.ts';
import { parseValidateFlags } from './run.ts';
import { percentile } from './support/healthcare.ts';
import { malformedPayload } from './support/load-sim.ts';
import type { ScenarioResult, ValidationReport } from './types.ts';

const result = (over: Partial<ScenarioResult> = {}): ScenarioResult => ({
  id: 'demo.scenario',
  title: 'A demo scenario',
  requirement: 'docs/architecture.md promise 0',
  indicator: 'things that went wrong',
  criterion: '0 things',
  profile: 'fast',
  status: 'pass',
  measured: 0,
  unit: 'things',
  evidence: { count: 3 },
  durationMs: 1234,
  ...over,
});

const report = (results: ScenarioResult[]): ValidationReport => ({
  kind: 'custodia-validation-report',
  version: 1,
  id: reportId(new Date('2026-01-31T12:00:00.000Z')),
  profile: 'fast',
  startedAt: '2026-01-31T12:00:00.000Z',
  finishedAt: '2026-01-31T12:01:00.000Z',
  durationMs: 60_000,
  environment: { node: 'v20', platform: 'linux', arch: 'x64', cpus: 2, commit: 'abc1234' },
  summary: {
    total: results.length,
    pass: results.filter((r) => r.status === 'pass').length,
    fail: results.filter((r) => r.status === 'fail').length,
    notRun: results.filter((r) => r.status === 'not-run').length,
  },
  results,
});

describe('the catalogue', () => {
  it('gives every scenario a unique id, a requirement, an indicator and a criterion', () => {
    const ids = CATALOGUE.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of describeCatalogue()) {
      expect(s.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      for (const field of [s.title, s.requirement, s.indicator, s.criterion]) expect(field.length).toBeGreaterThan(5);
    }
  });

  it('covers every promise the issue lists, with at least one fast scenario per area', () => {
    const areas = new Set(CATALOGUE.filter((s) => s.profile === 'fast').map((s) => s.id.split('.')[0]));
    for (const a of ['isolation', 'encryption', 'keys', 'durability', 'audit', 'security', 'load', 'healthcare', 'lighting']) expect(areas).toContain(a);
  });
});

describe('scenario selection', () => {
  it.each([
    ['fast', undefined, CATALOGUE.filter((s) => s.profile === 'fast').length],
    ['full', undefined, CATALOGUE.length],
    ['fast', ['audit.tamper-evidence'], 1],
  ] as const)('profile %s with ids %j selects %i scenarios', (profile, ids, n) => {
    expect(selectScenarios(CATALOGUE, profile, ids ? [...ids] : undefined)).toHaveLength(n);
  });

  it('refuses an unknown id instead of running nothing', () => {
    expect(() => selectScenarios(CATALOGUE, 'fast', ['no.such-scenario'])).toThrow(UnknownScenarioError);
  });

  it('report ids are safe file names that sort by time', () => {
    expect(reportId(new Date('2026-01-31T12:00:00.123Z'))).toBe('validation-2026-01-31T12-00-00-123Z');
  });
});

describe('flags', () => {
  it.each([
    [[], { profile: 'full', scenario: [], list: false, keep: false }],
    [['--profile', 'fast'], { profile: 'fast' }],
    [['--scenario', 'a.b,c.d', '--scenario', 'e.f'], { scenario: ['a.b', 'c.d', 'e.f'] }],
    [['--keep', '--list', '--json', 'out.json'], { keep: true, list: true, json: 'out.json' }],
    [['--timeout-scale', '2.5'], { 'timeout-scale': 2.5 }],
  ])('%j parses', (argv, expected) => {
    expect(parseValidateFlags(argv)).toMatchObject(expected);
  });

  it.each([
    [['--profile', 'medium'], /--profile/],
    [['--bogus'], /bogus/],
    [['--timeout-scale', 'fast'], /--timeout-scale/],
    [['positional'], /positional|Unexpected argument/i],
  ])('%j is refused with one clear line', (argv, message) => {
    expect(() => parseValidateFlags(argv)).toThrow(message);
  });

  it('--help asks for the help text', () => {
    expect(parseValidateFlags(['--help'])).toBeNull();
  });
});

describe('the console table', () => {
  it('wraps long text at spaces and never exceeds the width', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    const table = formatTable([result({ indicator: 'a rather long indicator '.repeat(8) }), result({ id: 'demo.failing', status: 'fail', measured: 3 })], 120);
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    expect(table).toMatch(/demo\.scenario.*\|.*PASS/);
    expect(table).toMatch(/demo\.failing.*3 things.*FAIL/);
  });

  it('shows the error of a scenario that failed with one', () => {
    expect(formatTable([result({ status: 'fail', measured: null, reason: 'timed out' })])).toMatch(/error: timed out/);
  });
});

describe('the HTML report', () => {
  it('is self-contained: no script, no external stylesheet, image or link', () => {
    const html = toHtml(report([result({ series: { label: 'per second', points: [[0, 1], [1, 3]], threshold: 2 } })]));
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src=|href="https?:/i);
  });

  it('escapes whatever a scenario put in its evidence or error', () => {
    const html = toHtml(report([result({ status: 'fail', reason: '<img src=x onerror=alert(1)>', evidence: { note: '</pre><script>x()</script>' } })]));
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('summarises passes, failures and scenarios that did not run', () => {
    const html = toHtml(report([result(), result({ id: 'b.fail', status: 'fail' }), result({ id: 'c.skip', status: 'not-run', measured: null, reason: 'pilot lighting is not part of this build' })]));
    expect(html).toContain('1 passed');
    expect(html).toContain('1 failed');
    expect(html).toContain('1 not run');
    expect(html).toContain('Not run because');
  });
});

describe('charts', () => {
  it.each([
    [0, 7, [0, 2, 4, 6, 8]],
    [0, 1000, [0, 200, 400, 600, 800, 1000]],
    [0, 0.3, [0, 0.1, 0.2, 0.3]],
  ])('ticks for %d…%d are %j', (min, max, ticks) => {
    expect(niceTicks(min, max)).toEqual(ticks);
  });

  it('draws the criterion’s limit as a dashed line, bars for per-item series', () => {
    const svg = svgChart({ label: 'latency', kind: 'bar', points: [[1, 30], [2, 45]], threshold: 2000 });
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('class="limit"');
    expect(svg).toContain('limit 2000');
  });

  it('says so when there is nothing to draw', () => {
    expect(svgChart({ label: 'empty', points: [] })).toContain('no data points');
  });
});

describe('helpers', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10],
    [[5, 1, 3], 50, 3],
    [[40], 95, 40],
  ])('nearest-rank percentile of %j at %i is %i', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('every payload of the malformed storm is one the probe schema must refuse', () => {
    for (let i = 0; i < 6; i++) {
      const p = malformedPayload(i);
      const text = Buffer.isBuffer(p) ? p.toString('latin1') : p;
      let valid = false;
      try {
        valid = probeTelemetry.safeParse(JSON.parse(text)).success && Buffer.byteLength(text) <= 16 * 1024;
      } catch {
        valid = false;
      }
      expect(valid, `payload ${i} would be accepted`).toBe(false);
    }
  });
});
