import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTestFiles, gatherInput, ROOT } from './compliance.ts';
import { buildReport } from './compliance/map.ts';

describe('npm run compliance over this repository', () => {
  it('maps every ASVS and EN 303 645 id cited by a test or scenario, names only existing control files, and shows gaps', async () => {
    const input = await gatherInput(ROOT, mkdtempSync(join(tmpdir(), 'compliance-reports-')));
    const report = buildReport(input);
    const unmapped = report.rows.filter((r) => !r.mapped && (r.framework === 'ASVS' || r.framework === 'ETSI')).map((r) => r.id);
    expect(unmapped).toEqual([]);
    expect(report.rows.flatMap((r) => r.controls.filter((c) => !c.exists).map((c) => `${r.id}: ${c.path}`))).toEqual([]);
    // Cited ids really were found (the scan works on the real files), and gaps stay visible.
    expect(report.rows.find((r) => r.id === 'ASVS 2.2.1')!.tests.length).toBeGreaterThan(3);
    expect(report.rows.filter((r) => r.status === 'gap').length).toBeGreaterThan(0);
  });

  it('finds test files in every directory vitest runs', () => {
    const files = findTestFiles(ROOT);
    for (const f of ['platform/config.test.ts', 'test/platform/openapi.int.test.ts', 'scripts/compliance.test.ts']) expect(files).toContain(f);
    expect(files.some((f) => f.includes('node_modules'))).toBe(false);
  });
});
