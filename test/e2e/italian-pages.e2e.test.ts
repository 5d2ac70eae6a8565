// Every page of the console in Italian at 1024×768, as each role that may open it
// (dashboard/src/lib/routes.ts with platform/policy/roles.ts): no dictionary key shows as text
// (a text missing from a dictionary shows as "users.title"), the page does not scroll sideways
// and no button label is cut — Italian words run longer than English ones. Screenshots go to
// test-results/screenshots (it-<role>-<route>.png) for people to look at. One platform, one
// browser; the accessibility check of every page lives in accessibility.e2e.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, canOpen, pathFor } from '../../dashboard/src/lib/routes.ts';
import { loadPilots } from '../../pilots/index.ts';
import { permissionsOf } from '../../platform/policy/roles.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { Role } from '../../platform/policy/role-names.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, TABLET, shot, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';
import { keyLeaks, layoutFaults } from './support/page-checks.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
const params: Record<string, Record<string, string>> = {};

describe.skipIf(!HAVE_CHROMIUM)(`every page in Italian at 1024×768${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), tenantPilots: ['healthcare', 'lighting'] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients: 2, seed: 41 })).status).toBe(201);
    expect((await admin.post('/api/v1/pilots/lighting/demo/provision', { lamps: 4, seed: 42 })).status).toBe(201);
    const op = await h.as(h.tenants.a.users.operator);
    params.patient = { id: (await op.get('/api/v1/pilots/healthcare/patients')).body.items[0].id };
    params.lamp = { id: (await op.get('/api/v1/pilots/lighting/lamps')).body.items[0].id };
    // An open alarm, so the inbox and the map show a category and a type to translate.
    await runInTenant(systemContext('test', asTenantId(h.tenants.a.id)), () =>
      h.platform.services.alarms.raise({ source: `lamp:${params.lamp!.id}`, type: 'lamp-failure', category: 'lighting', severity: 'major', title: 'Lamp failure', pilot: 'lighting' }),
    );
  }, 90_000);

  it('each role sees every page it may open in Italian: no dictionary key as text, nothing cut or scrolling sideways', async () => {
    const roles: { role: Role; user: string }[] = [
      ...(['operator', 'tenant-admin', 'auditor', 'evaluator', 'dpo'] as const).map((role) => ({ role, user: h.tenants.a.users[role] })),
      { role: 'platform-admin', user: 'root-admin' },
    ];
    const found: string[] = [];
    let pages = 0;
    for (const { role, user } of roles) {
      const access = { permissions: [...permissionsOf(role)], pilots: role === 'platform-admin' ? [] : ['healthcare', 'lighting'] };
      const routes = ROUTES.filter((r) => canOpen(r, access) === 'ok');
      const page = await ui.signIn(user, { viewport: TABLET });
      await page.getByTestId('language').selectOption('it');
      await visible(page.getByRole('navigation', { name: 'Principale' }));
      for (const route of routes) {
        const path = pathFor(route.pattern, params[route.id] ?? {});
        await page.goto(h.url + path);
        await visible(page.getByRole('navigation', { name: 'Principale' }), 10_000);
        await expect.poll(() => page.locator('main .loading, main [aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
        await shot(page, `it-${role}-${route.id}`, { fullPage: false });
        found.push(...(await keyLeaks(page)).map((k) => `${role} ${path}: key shown: ${k}`));
        found.push(...(await layoutFaults(page)).map((f) => `${role} ${path}: ${f}`));
        pages++;
        if (route.id === 'lighting-map') expect(await page.getByRole('main').textContent()).toContain('4 lampioni in 1 gruppo su 1 quadro');
        if (route.id === 'alarms') expect(await page.getByTestId('alarm').first().textContent()).toContain('Illuminazione · Lampada guasta');
      }
      await page.context().close();
    }
    expect([...new Set(found)]).toEqual([]);
    expect(pages).toBeGreaterThanOrEqual(ROUTES.length);
  }, 120_000);
});
