// What the platform's composition root hands to platform/api/routes/validation.ts to let an
// evaluator start a fast run from the dashboard: runs the scenarios and writes the report files
// where the route lists them.
//   validationRoutes(services, { reportsDir, runValidation: reportWriter(reportsDir) })
import { join } from 'node:path';
import type { ValidationRunRequest } from '../platform/api/routes/validation.ts';
import { toHtml, toJson, writeFile } from './report.ts';
import { CATALOGUE } from './catalogue.ts';
import { scenarioFinished, scenarioStarted, startProgress } from './progress.ts';
import { runValidation, selectScenarios } from './runner.ts';
import type { ValidationReport } from './types.ts';

export function reportWriter(reportsDir: string, onReport?: (r: ValidationReport) => void): (req: ValidationRunRequest) => Promise<{ id: string }> {
  return async (req) => {
    let progress = startProgress(selectScenarios(CATALOGUE, req.profile, req.scenarios).length);
    req.onProgress?.(progress);
    const report = await runValidation({
      profile: req.profile,
      ...(req.scenarios ? { ids: req.scenarios } : {}),
      onStart: (sc) => req.onProgress?.((progress = scenarioStarted(progress, sc))),
      onResult: (r) => req.onProgress?.((progress = scenarioFinished(progress, r))),
    });
    writeFile(join(reportsDir, `${report.id}.json`), toJson(report));
    writeFile(join(reportsDir, `${report.id}.html`), toHtml(report));
    onReport?.(report);
    return { id: report.id };
  };
}
