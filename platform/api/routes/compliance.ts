// The compliance map for the auditor and the evaluator (docs/compliance.md): the report
// `npm run compliance` writes (`<reportsDir>/compliance.json` and `.html`) — requirement ids,
// control file paths, test titles and results; no tenant data.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { allow } from '../auth.ts';
import { anyObject, doc } from '../route-doc.ts';

export interface ComplianceRouteOptions {
  reportsDir: string;
}

const NOT_GENERATED = 'no compliance report yet: run npm run compliance on the platform host';

export function complianceRoutes(opts: ComplianceRouteOptions): Router {
  const r = Router();
  r.get('/compliance', allow('compliance:read'), doc({ summary: 'the compliance map with its evidence and latest results', responses: { 200: anyObject } }), async (_req, res) => {
    const file = join(opts.reportsDir, 'compliance.json');
    if (!existsSync(file)) throw notFound(NOT_GENERATED);
    let report: unknown;
    try {
      report = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      throw notFound(`${NOT_GENERATED} (the report file is unreadable)`);
    }
    res.json(report);
  });
  r.get('/compliance/html', allow('compliance:read'), doc({ summary: 'the compliance map (self-contained HTML)', responses: { 200: { description: 'the report page', contentType: 'text/html', schema: z.string() } } }), async (_req, res) => {
    const file = join(opts.reportsDir, 'compliance.html');
    if (!existsSync(file)) throw notFound(NOT_GENERATED);
    res.type('text/html; charset=utf-8').setHeader('Content-Disposition', 'inline; filename="compliance.html"');
    res.send(await readFile(file, 'utf8'));
  });
  return r;
}
