import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/translate.ts';
import { LOCALES } from '../i18n/types.ts';
import { canOpen, homeFor, matchRoute, navFor, pathFor, ROUTES, SECTION_ORDER, type Access } from './routes.ts';
import type { Permission } from './types.ts';

// Permissions per role as platform/policy/roles.ts grants them.
const ROLE_PERMISSIONS: Record<string, Permission[]> = {
  'platform-admin': ['tenants:manage', 'platform:health', 'platform:audit', 'audit:verify'],
  'tenant-admin': ['users:manage', 'devices:manage', 'devices:read', 'keys:manage', 'agreements:manage', 'alarms:read', 'commands:read'],
  operator: ['data:read', 'devices:read', 'alarms:read', 'alarms:ack', 'commands:send', 'commands:read', 'consent:manage', 'export:fhir'],
  auditor: ['audit:read', 'audit:verify', 'processing:read', 'compliance:read'],
  evaluator: ['validation:run', 'validation:read', 'compliance:read'],
  dpo: ['agreements:sign', 'processing:read'],
};

const titles = (a: Access) => navFor(a).flatMap((g) => g.items.map((i) => translate('en', `nav.${i.id}`)));

describe('navigation per role', () => {
  const cases: { role: string; pilots: string[] | undefined; expected: string[] }[] = [
    { role: 'platform-admin', pilots: undefined, expected: ['Tenants', 'Platform health', 'Audit log'] },
    { role: 'tenant-admin', pilots: ['healthcare'], expected: ['Users', 'Devices', 'Keys', 'Agreements', 'Alarm inbox'] },
    { role: 'dpo', pilots: ['healthcare'], expected: ['Agreements'] },
    { role: 'operator', pilots: ['healthcare'], expected: ['Patient board', 'Alarm inbox'] },
    {
      role: 'operator',
      pilots: ['lighting'],
      expected: ['Installation map', 'Groups and lamps', 'Schedules', 'Energy', 'Alarm inbox'],
    },
    { role: 'auditor', pilots: ['lighting'], expected: ['Audit log', 'Compliance map'] },
    { role: 'evaluator', pilots: ['healthcare'], expected: ['Validation runs', 'Compliance map'] },
  ];
  it.each(cases)('$role of a tenant running $pilots sees $expected', ({ role, pilots, expected }) => {
    expect(titles({ permissions: ROLE_PERMISSIONS[role]!, pilots })).toEqual(expected);
  });

  it('an operator whose tenant runs both pilots sees both sections, care first', () => {
    const groups = navFor({ permissions: ROLE_PERMISSIONS.operator!, pilots: ['lighting', 'healthcare'] });
    expect(groups.map((g) => g.section)).toEqual(['Home care', 'Street lighting', 'Operations']);
  });

  it('lands each role on the first view it may use', () => {
    expect(homeFor({ permissions: ROLE_PERMISSIONS.operator!, pilots: ['healthcare'] })).toBe('/care/patients');
    expect(homeFor({ permissions: ROLE_PERMISSIONS.operator!, pilots: ['lighting'] })).toBe('/lighting/map');
    expect(homeFor({ permissions: ROLE_PERMISSIONS['platform-admin']!, pilots: undefined })).toBe('/admin/tenants');
    expect(homeFor({ permissions: ROLE_PERMISSIONS['tenant-admin']!, pilots: ['healthcare'] })).toBe('/admin/users');
    expect(homeFor({ permissions: [], pilots: [] })).toBeNull();
  });
});

describe('route guard for typed URLs', () => {
  const patient = ROUTES.find((r) => r.id === 'patient')!;
  it.each([
    { role: 'operator', pilots: ['healthcare'], verdict: 'ok' },
    { role: 'operator', pilots: ['lighting'], verdict: 'unavailable' },
    { role: 'operator', pilots: undefined, verdict: 'ok' },
    { role: 'evaluator', pilots: ['healthcare'], verdict: 'forbidden' },
    { role: 'platform-admin', pilots: undefined, verdict: 'forbidden' },
    { role: 'tenant-admin', pilots: ['healthcare'], verdict: 'forbidden' },
  ])('a patient page is $verdict for $role with pilots $pilots', ({ role, pilots, verdict }) => {
    expect(canOpen(patient, { permissions: ROLE_PERMISSIONS[role]!, pilots })).toBe(verdict);
  });
});

describe('matching paths', () => {
  it.each([
    { path: '/care/patients', id: 'patients', params: {} },
    { path: '/care/patients/', id: 'patients', params: {} },
    { path: '/care/patients/4f1c9a2e-1111-4222-8333-944455556666', id: 'patient', params: { id: '4f1c9a2e-1111-4222-8333-944455556666' } },
    { path: '/lighting/lamps/lamp%3A17', id: 'lamp', params: { id: 'lamp:17' } },
    { path: '/audit', id: 'audit', params: {} },
  ])('$path opens $id', ({ path, id, params }) => {
    const m = matchRoute(path);
    expect(m?.route.id).toBe(id);
    expect(m?.params).toEqual(params);
  });

  it.each(['/nowhere', '/care', '/care/patients/a/b', '/lighting/lamps/%E0%A4%A'])('%s opens nothing', (path) => {
    expect(matchRoute(path)).toBeNull();
  });

  it('builds paths with encoded parameters', () => {
    expect(pathFor('/lighting/lamps/:id', { id: 'a/b c' })).toBe('/lighting/lamps/a%2Fb%20c');
  });
});

describe('every page and section has a name in both languages', () => {
  it.each(ROUTES.map((r) => r.id))('%s', (id) => {
    for (const locale of LOCALES) expect(translate(locale, `nav.${id}`)).not.toBe(`nav.${id}`);
  });
  it.each(SECTION_ORDER)('section %s', (section) => {
    for (const locale of LOCALES) expect(translate(locale, `navSection.${section}`)).not.toBe(`navSection.${section}`);
  });
});
