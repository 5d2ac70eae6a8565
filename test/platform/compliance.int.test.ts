// The compliance map over the real API: only the auditor and the evaluator read it (ASVS 4.1.3),
// as JSON and as the self-contained HTML page; before `npm run compliance` ran, a clear 404.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceRoutes } from '../../platform/api/routes/compliance.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';

const reportsDir = mkdtempSync(join(tmpdir(), 'custodia-compliance-'));
let h: Harness;
beforeAll(async () => {
  h = await bootHarness({ routers: () => [complianceRoutes({ reportsDir })] });
});
afterAll(async () => {
  await h?.close();
  rmSync(reportsDir, { recursive: true, force: true });
});

describe('GET /api/v1/compliance', () => {
  it('answers 404 with how to generate it while no report exists', async () => {
    const res = await (await h.as(h.tenants.a.users.auditor)).get('/api/v1/compliance');
    expect(res.status).toBe(404);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.detail).toContain('npm run compliance');
  });

  it('serves the report to the auditor and the evaluator only (ASVS 4.1.3)', async () => {
    writeFileSync(join(reportsDir, 'compliance.json'), JSON.stringify({ kind: 'custodia-compliance-report', rows: [{ id: 'ASVS 2.2.1', status: 'covered' }] }));
    writeFileSync(join(reportsDir, 'compliance.html'), '<!doctype html><title>map</title>');
    for (const role of ['auditor', 'evaluator'] as const) {
      const c = await h.as(h.tenants.a.users[role]);
      const res = await c.get('/api/v1/compliance');
      expect(res.status, role).toBe(200);
      expect(res.body.rows[0].id).toBe('ASVS 2.2.1');
      const html = await c.get('/api/v1/compliance/html');
      expect(html.status).toBe(200);
      expect(html.contentType).toContain('text/html');
    }
    for (const role of ['operator', 'tenant-admin'] as const) {
      const res = await (await h.as(h.tenants.a.users[role])).get('/api/v1/compliance');
      expect(res.status, role).toBe(403);
    }
    expect((await h.anonymous().get('/api/v1/compliance')).status).toBe(401);
  });
});
