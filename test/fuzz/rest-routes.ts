// What the REST fuzzer knows about the API, learnt from the running app rather than a hand-kept
// list: every route read from the served express app's router (so a new route is fuzzed without
// being named here), and each route's zod schemas, recorded when the handler hands them to
// platform/api/validate.ts (the test replaces that module with a recording wrapper).
import type { Request } from 'express';
import type { ZodType } from 'zod';

export interface RouteInfo {
  method: string;
  /** Full path template, e.g. /api/v1/pilots/lighting/lamps/:id */
  path: string;
}

export type Where = 'body' | 'query' | 'params';
export type RouteSchemas = Partial<Record<Where, ZodType>>;

/** method + full template → the schemas its handler validated with. */
export const seenSchemas = new Map<string, RouteSchemas>();

export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** Called by the recording wrapper of validate.ts on every parse. */
export function recordSchema(req: Request, where: Where, schema: ZodType): void {
  if (!req.route) return;
  const key = routeKey(req.method, `${req.baseUrl}${(req.route as { path: string }).path}`);
  const entry = seenSchemas.get(key) ?? {};
  entry[where] ??= schema;
  seenSchemas.set(key, entry);
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
  slash?: boolean;
}

function walk(stack: Layer[], prefix: string): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path: prefix + layer.route.path });
    } else if (layer.handle?.stack) {
      // Routers mounted without a path (`api.use(router)`) have slash set; mounted ones a rawPath.
      out.push(...walk(layer.handle.stack, layer.slash || !layer.rawPath ? prefix : prefix + layer.rawPath));
    }
  }
  return out;
}

/** Every route of the served express app under /api/v1 (string templates only). */
export function routesOf(app: unknown): RouteInfo[] {
  const stack = (app as { router: { stack: Layer[] } }).router.stack;
  return walk(stack, '').filter((r) => r.path.startsWith('/api/v1/'));
}
