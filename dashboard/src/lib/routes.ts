// The console's routes and who may open them. Navigation is drawn from the caller's permissions
// (platform/policy/roles.ts), so each role sees what it may use and nothing else; the same table
// guards a typed URL, so hiding a link is never the only protection in the UI (the API enforces
// it again on every request).
import type { Permission } from './types.ts';

export type PilotId = 'healthcare' | 'lighting';

export type RouteId =
  | 'patients'
  | 'patient'
  | 'alarms'
  | 'lighting-map'
  | 'lamp'
  | 'lighting-control'
  | 'schedules'
  | 'energy'
  | 'tenants'
  | 'platform-health'
  | 'users'
  | 'devices'
  | 'keys'
  | 'agreements'
  | 'audit'
  | 'validation'
  | 'compliance';

/** A page of the console; its name is the dictionaries' nav.<id>, its section's navSection. */
export interface RouteDef {
  id: RouteId;
  pattern: string;
  /** Any one of these permissions opens the route. */
  anyOf: Permission[];
  pilot?: PilotId;
  /** Shown in the side navigation under this section (detail pages are not). */
  section?: NavSection;
}

export type NavSection = 'Home care' | 'Street lighting' | 'Operations' | 'Administration' | 'Assurance';
// Administration before Operations: a tenant administrator lands on its users, not on alarms.
export const SECTION_ORDER: NavSection[] = ['Home care', 'Street lighting', 'Administration', 'Operations', 'Assurance'];

export const ROUTES: readonly RouteDef[] = [
  { id: 'patients', pattern: '/care/patients', anyOf: ['data:read'], pilot: 'healthcare', section: 'Home care' },
  { id: 'patient', pattern: '/care/patients/:id', anyOf: ['data:read'], pilot: 'healthcare' },
  { id: 'lighting-map', pattern: '/lighting/map', anyOf: ['data:read'], pilot: 'lighting', section: 'Street lighting' },
  { id: 'lamp', pattern: '/lighting/lamps/:id', anyOf: ['data:read'], pilot: 'lighting' },
  { id: 'lighting-control', pattern: '/lighting/control', anyOf: ['commands:send'], pilot: 'lighting', section: 'Street lighting' },
  { id: 'schedules', pattern: '/lighting/schedules', anyOf: ['data:read'], pilot: 'lighting', section: 'Street lighting' },
  { id: 'energy', pattern: '/lighting/energy', anyOf: ['data:read'], pilot: 'lighting', section: 'Street lighting' },
  { id: 'alarms', pattern: '/alarms', anyOf: ['alarms:read'], section: 'Operations' },
  { id: 'tenants', pattern: '/admin/tenants', anyOf: ['tenants:manage'], section: 'Administration' },
  { id: 'platform-health', pattern: '/admin/health', anyOf: ['platform:health'], section: 'Administration' },
  { id: 'users', pattern: '/admin/users', anyOf: ['users:manage'], section: 'Administration' },
  { id: 'devices', pattern: '/admin/devices', anyOf: ['devices:manage'], section: 'Administration' },
  { id: 'keys', pattern: '/admin/keys', anyOf: ['keys:manage'], section: 'Administration' },
  { id: 'agreements', pattern: '/admin/agreements', anyOf: ['agreements:manage', 'agreements:sign'], section: 'Administration' },
  { id: 'audit', pattern: '/audit', anyOf: ['audit:verify', 'platform:audit'], section: 'Assurance' },
  { id: 'validation', pattern: '/validation', anyOf: ['validation:read'], section: 'Assurance' },
  { id: 'compliance', pattern: '/compliance', anyOf: ['compliance:read'], section: 'Assurance' },
];

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
}

/** The route a path names, with its decoded parameters; null when none does. */
export function matchRoute(path: string, routes: readonly RouteDef[] = ROUTES): Match | null {
  const parts = trimSlashes(path).split('/');
  for (const route of routes) {
    const pat = trimSlashes(route.pattern).split('/');
    if (pat.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pat.length; i++) {
      const p = pat[i]!;
      const v = parts[i]!;
      if (p.startsWith(':')) {
        if (!v) {
          ok = false;
          break;
        }
        try {
          params[p.slice(1)] = decodeURIComponent(v);
        } catch {
          ok = false;
          break;
        }
      } else if (p !== v) {
        ok = false;
        break;
      }
    }
    if (ok) return { route, params };
  }
  return null;
}

const trimSlashes = (p: string) => p.replace(/^\/+|\/+$/g, '');

/** Builds a path from a pattern, encoding each parameter. */
export function pathFor(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

export interface Access {
  permissions: readonly Permission[];
  /** Pilots the tenant runs; undefined when the platform did not say (every pilot route is tried). */
  pilots: readonly string[] | undefined;
}

export type Verdict = 'ok' | 'forbidden' | 'unavailable';

/** May this caller open this route? `unavailable`: the tenant does not run the route's pilot. */
export function canOpen(route: RouteDef, access: Access): Verdict {
  if (!route.anyOf.some((p) => access.permissions.includes(p))) return 'forbidden';
  if (route.pilot && access.pilots && !access.pilots.includes(route.pilot)) return 'unavailable';
  return 'ok';
}

export interface NavGroup {
  section: NavSection;
  items: { id: RouteId; path: string }[];
}

/** The side navigation for a caller: only routes it may open, grouped and ordered. */
export function navFor(access: Access): NavGroup[] {
  const groups: NavGroup[] = [];
  for (const section of SECTION_ORDER) {
    const items = ROUTES.filter((r) => r.section === section && canOpen(r, access) === 'ok').map((r) => ({
      id: r.id,
      path: r.pattern,
    }));
    if (items.length) groups.push({ section, items });
  }
  return groups;
}

/** Where a caller lands after signing in: the first thing its navigation offers. */
export function homeFor(access: Access): string | null {
  return navFor(access)[0]?.items[0]?.path ?? null;
}
