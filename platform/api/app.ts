// The express app: /api/v1 routes, health and metrics, the dashboard's static files, and the
// one error handler last. Routers are lists of routes with the permission on each line.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { PlatformServices } from '../services/index.ts';
import { WindowLimiter } from '../tenancy/rate-limit.ts';
import { forbidden, notFound, tooMany } from '../errors.ts';
import { authenticate } from './auth.ts';
import { metricsHandler } from './metrics.ts';
import { errorHandler, notFoundHandler, sendProblem } from './problem.ts';
import type { PilotMount } from '../pilot.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { commandRoutes } from './routes/commands.ts';
import { deviceRoutes, type DevicePresence } from './routes/devices.ts';
import { deviceCaRoutes, deviceCertRoutes } from './routes/device-certs.ts';
import { keyRoutes } from './routes/keys.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { backupRoutes } from './routes/backups.ts';
import { nodeRoutes, type NodeView } from './routes/nodes.ts';
import { healthRoutes } from './routes/health.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { agreementRoutes, type ShareRegistry } from './routes/agreements.ts';
import { processingRecordRoutes } from './routes/processing-records.ts';
import type { ProcessingPilot } from '../policy/processing-records.ts';
import { AgreementService } from '../policy/agreement-service.ts';
import { userRoutes } from './routes/users.ts';
import { z } from 'zod';
import { mountContract, platformVersion } from './openapi.ts';
import { doc } from './route-doc.ts';

const readySchema = z.object({ status: z.enum(['ready', 'not-ready']), parts: z.record(z.string(), z.boolean()) });
import { notificationRoutes } from './routes/notifications.ts';
import { exportRoutes } from './routes/exports.ts';
import { attestationRoutes } from './routes/attestation.ts';
import type { AttestationEnvelope } from '../attest/statement.ts';

export interface AppOptions {
  /** Routers of pilots, mounted at /api/v1/pilots/<id> behind authentication. */
  pilotRouters?: { id: string; router: Router }[];
  /** Pilots' routers under root paths of their own (e.g. /fhir/R4), behind the same checks. */
  pilotMounts?: (PilotMount & { pilotId: string })[];
  knownDeviceKinds?: () => string[];
  /** Devices' online state and last seen, for the device list (the ingest's presence). */
  presence?: DevicePresence;
  dashboardDir?: string;
  agreements?: AgreementService;
  shares?: ShareRegistry;
  /** What each pilot processes, for the records of processing (./routes/processing-records.ts). */
  processingPilots?: ProcessingPilot[];
  /** Extra routers mounted under /api/v1 behind authentication (e.g. validation runs). */
  extraRouters?: Router[];
  /** Requests per minute per principal (0: unlimited, e.g. in load tests). */
  apiRateLimitPerMinute?: number;
  /** Cluster mode: the per-principal limit counted across nodes (platform/cluster/redis-limits.ts);
   *  resolves to the seconds to wait when over the limit, null otherwise. */
  sharedApiLimit?: (principalId: string) => Promise<number | null>;
  /** The platform nodes with their figures, for the operator (./routes/nodes.ts). */
  nodes?: () => Promise<NodeView[]>;
  /** The signed attestation statement of this start (platform/attest/), served publicly. */
  attestation?: () => AttestationEnvelope | undefined;
}

export function createApp(s: PlatformServices, opts: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies named in TRUST_PROXY (ASVS 14.5.4): without
  // it, any local process could pick the address the login limiter counts against.
  app.set('trust proxy', s.config.trustProxy.length ? s.config.trustProxy : false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );

  mountContract(app, { version: platformVersion() });
  app.get('/healthz', doc({ summary: 'liveness', public: true, tags: ['health'], responses: { 200: z.object({ status: z.literal('ok') }) } }), (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', doc({ summary: 'readiness of each part', public: true, tags: ['health'], responses: { 200: readySchema, 503: readySchema } }), async (_req, res) => {
    const parts = await s.readiness();
    const ready = Object.values(parts).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', parts });
  });
  if (opts.attestation) app.use(attestationRoutes(opts.attestation));
  app.get('/metrics', doc({ summary: 'Prometheus metrics (bearer METRICS_TOKEN, not a user token)', public: true, tags: ['health'], responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain', schema: z.string() } } }), metricsHandler(s.metrics, s.config.metrics));

  const api = Router();
  api.use(express.json({ limit: '64kb', strict: true }));
  // Content-Type of writes must be JSON: a form post from another site never reaches a handler.
  api.use((req, res, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.headers['content-length'] !== '0' && !req.is('application/json')) {
      return sendProblem(res, 415, 'Unsupported Media Type', 'send the body as application/json');
    }
    next();
  });
  api.use(authRoutes(s));
  api.use(deviceCaRoutes(s));
  const auth = authenticate(s.sessions, s.audit, s.config.allowedOrigins, s.tenants, s.logger);
  api.use(auth);
  const perPrincipal = new WindowLimiter(opts.apiRateLimitPerMinute ?? 6000, 60_000);
  const limit: RequestHandler = async (req, _res, next) => {
    if (opts.apiRateLimitPerMinute === 0) return next();
    if (opts.sharedApiLimit) {
      const retryAfter = await opts.sharedApiLimit(req.principal!.id);
      return next(retryAfter === null ? undefined : tooMany('API rate limit reached', retryAfter));
    }
    if (!perPrincipal.hit(req.principal!.id)) return next(tooMany('API rate limit reached', perPrincipal.retryAfter()));
    next();
  };
  api.use(limit);
  // A pilot's routes exist only for tenants that run it.
  const pilotEnabled = (id: string): RequestHandler => async (req, _res, next) => {
    if (!req.principal?.tenantId) return next(forbidden('pilot routes belong to tenants; the platform operator has no tenant data'));
    const t = await s.tenants.get(req.principal.tenantId);
    if (!t?.pilots.includes(id)) return next(notFound(`pilot ${id} is not enabled for this tenant`));
    next();
  };
  api.use(tenantRoutes(s));
  api.use(backupRoutes(s));
  api.use(healthRoutes(s));
  if (opts.nodes) api.use(nodeRoutes(opts.nodes));
  api.use(userRoutes(s));
  api.use(deviceRoutes(s, opts.knownDeviceKinds ?? (() => []), opts.presence));
  api.use(deviceCertRoutes(s));
  api.use(alarmRoutes(s));
  api.use(commandRoutes(s));
  api.use(auditRoutes(s));
  api.use(keyRoutes(s));
  api.use(tokenRoutes(s));
  api.use(notificationRoutes(s));
  api.use(exportRoutes(s));
  if (opts.agreements) api.use(agreementRoutes(s, opts.agreements, opts.shares ?? { get: () => undefined, list: () => [] }));
  if (opts.agreements) api.use(processingRecordRoutes(s, opts.agreements, opts.processingPilots ?? []));
  for (const extra of opts.extraRouters ?? []) api.use(extra);
  for (const p of opts.pilotRouters ?? []) api.use(`/pilots/${p.id}`, pilotEnabled(p.id), p.router);
  api.use(notFoundHandler);
  app.use('/api/v1', api);
  for (const m of opts.pilotMounts ?? []) app.use(m.path, pilotMount(m, [auth, limit, pilotEnabled(m.pilotId)], s));

  const dist = opts.dashboardDir;
  if (dist && existsSync(join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    // Client-side routes fall back to the SPA shell; unknown API paths stay 404 above.
    app.get(/^\/(?!api\/|socket\.io\/|mqtt).*/, (_req, res) => res.sendFile(join(dist, 'index.html')));
  }
  app.use(notFoundHandler);
  app.use(errorHandler(s.logger, s.audit));
  return app;
}

// Root paths the platform serves itself; a pilot mount may not take one (or a path inside one).
const RESERVED = ['/api', '/socket.io', '/mqtt', '/healthz', '/readyz', '/metrics', '/assets', '/.well-known'];

export function checkMountPath(path: string): void {
  if (!/^(\/[a-zA-Z0-9][a-zA-Z0-9._-]*)+$/.test(path)) throw new Error(`pilot mount path ${path} must be /segment[/segment…]`);
  const lower = path.toLowerCase();
  if (RESERVED.some((r) => lower === r || lower.startsWith(`${r}/`))) throw new Error(`pilot mount path ${path} collides with a platform path`);
}

/** A pilot's mount: the checks in front, its router, and every error — unknown paths included —
 *  in the mount's own format. */
function pilotMount(m: PilotMount, checks: RequestHandler[], s: PlatformServices): Router {
  checkMountPath(m.path);
  const send = m.sendError ?? sendProblem;
  const r = Router();
  r.use(...checks, m.router);
  r.use((req, res) => send(res, 404, 'Not Found', `no route ${req.method} ${req.path}`));
  r.use(errorHandler(s.logger, s.audit, send));
  return r;
}
