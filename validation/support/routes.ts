// The REST routes the platform serves, read from the express routers themselves rather than
// from a hand-kept list, so that a route added later is probed too. The platform's app is built
// again with the same services and the running pilots' routers (the served app is wrapped by
// socket.io and not reachable from the HTTP server); nothing is served from this copy.
import type { Router } from 'express';
import { createApp } from '../../platform/api/app.ts';
import type { Platform } from '../../platform/server.ts';

export interface RouteInfo {
  method: string;
  /** Full path template, e.g. /api/v1/devices/:id */
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  match?(path: string): boolean;
}

function routesOf(stack: Layer[], prefix: string): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path: prefix + layer.route.path });
    } else if (layer.handle?.stack) {
      // Platform routers are mounted without a path inside /api/v1 (platform/api/app.ts).
      out.push(...routesOf(layer.handle.stack, prefix));
    }
  }
  return out;
}

/** Every route of the platform API and of each pilot, with its full path. */
export function enumerateRoutes(platform: Platform): RouteInfo[] {
  const app = createApp(platform.services, {}) as unknown as { router: { stack: Layer[] } };
  const api = app.router.stack.find((l) => l.handle?.stack && l.match?.('/api/v1'));
  if (!api?.handle?.stack) throw new Error('could not find the /api/v1 router');
  const routes = routesOf(api.handle.stack, '/api/v1');
  for (const pilot of platform.pilots) {
    const router = platform.pilotInstance(pilot.id).routes as (Router & { stack: Layer[] }) | undefined;
    if (!router) continue;
    routes.push(...routesOf(router.stack, `/api/v1/pilots/${pilot.id}`));
  }
  return routes;
}

/** Names of a template's parameters with the path segment before each (`/lamps/:id` → lamps). */
export function paramsOf(path: string): { name: string; resource: string }[] {
  const parts = path.split('/');
  const out: { name: string; resource: string }[] = [];
  parts.forEach((p, i) => {
    if (p.startsWith(':')) out.push({ name: p.slice(1), resource: parts[i - 1] ?? '' });
  });
  return out;
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path
    .split('/')
    .map((p) => (p.startsWith(':') ? encodeURIComponent(values[p.slice(1)] ?? 'missing') : p))
    .join('/');
}
