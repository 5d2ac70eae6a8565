// The platform health page's data (GET /api/v1/platform/health), for the platform operator: the
// readiness of each part (as /readyz), the store in use, and this node's broker and ingest figures
// (connections, messages accepted and refused, group commit times). Counters are summed over their
// labels, so no tenant appears; the nodes and the last backup have their own routes.
import { Router } from 'express';
import { z } from 'zod';
import type { PlatformServices } from '../../services/index.ts';
import { allow } from '../auth.ts';
import { commitTimes, total, type MetricValue } from '../health-summary.ts';
import { doc } from '../route-doc.ts';

const num = z.number();
const healthSchema = z.object({
  at: num,
  ready: z.boolean(),
  parts: z.record(z.string(), z.boolean()),
  store: z.object({ kind: z.string() }),
  mqtt: z.object({ connected: num, accepted: num, rejected: num, authFailures: num }),
  ingest: z.object({
    refused: num,
    commitFailures: num,
    commit: z.object({ count: num, meanMs: num.nullable(), p50Ms: num.nullable(), p95Ms: num.nullable() }),
  }),
});

export function healthRoutes(s: PlatformServices): Router {
  const r = Router();
  const values = async (name: string): Promise<MetricValue[] | undefined> => {
    const m = s.metrics.getSingleMetric(name);
    return m ? ((await m.get()).values as MetricValue[]) : undefined;
  };
  r.get('/platform/health', allow('platform:health'), doc({ summary: "readiness, store and this node's broker and ingest figures", responses: { 200: healthSchema } }), async (_req, res) => {
    const parts = await s.readiness();
    res.json({
      at: Date.now(),
      ready: Object.values(parts).every(Boolean),
      parts,
      store: { kind: s.storage.kind },
      mqtt: {
        connected: total(await values('custodia_mqtt_connected_clients')),
        accepted: total(await values('custodia_mqtt_accepted_total')),
        rejected: total(await values('custodia_mqtt_rejected_total')),
        authFailures: total(await values('custodia_mqtt_auth_failures_total')),
      },
      ingest: {
        refused: total(await values('custodia_ingest_refused_total')),
        commitFailures: total(await values('custodia_ingest_commit_failures_total')),
        commit: commitTimes((await values('custodia_ingest_commit_seconds')) ?? []),
      },
    });
  });
  return r;
}
