// GET /metrics for a Prometheus scraper. The exposition names tenants, counts and failure reasons,
// so it is not public (ASVS 4.1.1, ETSI 5.6-2): the scraper presents METRICS_TOKEN as a bearer
// token, and tenant labels are summed away unless METRICS_TENANT_LABELS is set.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import { sendProblem } from './problem.ts';

const TENANT = 'tenant';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of the presented bearer token with the configured one. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (\S{1,256})$/.exec(header ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

type Metric = MetricObjectWithValues<MetricValue<string>>;

/** Pure: the same metrics with the tenant label removed (values of equal remaining labels summed later). */
export function dropTenantLabel(metrics: Metric[]): Metric[] {
  return metrics.map((m) => ({
    ...m,
    values: m.values.map((v) => {
      const { [TENANT]: _tenant, ...labels } = v.labels as Record<string, string | number>;
      return { ...v, labels };
    }),
  }));
}

const hasTenantLabel = (m: Metric) => m.values.some((v) => TENANT in (v.labels as object));

/** The exposition text; with `tenantLabels` false no tenant id appears in it. */
export async function exposition(registry: Registry, tenantLabels: boolean): Promise<string> {
  if (tenantLabels) return registry.metrics();
  const all = (await registry.getMetricsAsJSON()) as Metric[];
  const parts: string[] = [];
  for (const m of all) if (!hasTenantLabel(m)) parts.push(await registry.getSingleMetricAsString(m.name));
  const labelled = all.filter(hasTenantLabel).map((m) => ({ ...m, aggregator: 'sum' as const }));
  if (labelled.length) parts.push((await AggregatorRegistry.aggregate([dropTenantLabel(labelled)]).metrics()).trimEnd());
  return parts.join('\n') + '\n';
}

export function metricsHandler(registry: Registry, cfg: { token?: string; tenantLabels: boolean }): RequestHandler {
  return async (req, res, next) => {
    try {
      if (!cfg.token) return sendProblem(res, 404, 'Not Found', 'metrics are off; set METRICS_TOKEN to enable them');
      if (!tokenMatches(req.headers.authorization, cfg.token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return sendProblem(res, 401, 'Unauthorized', 'present the metrics token as a bearer token');
      }
      res.type(registry.contentType).send(await exposition(registry, cfg.tenantLabels));
    } catch (err) {
      next(err);
    }
  };
}
