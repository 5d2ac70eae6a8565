// Every page of the console in Italian at 1024×768, as each role that may open it
// (dashboard/src/lib/routes.ts with platform/policy/roles.ts): no dictionary key shows as text
// (a text missing from a dictionary shows as "users.title"), the page does not scroll sideways
// and no button label is cut — Italian words run longer than English ones. Screenshots go to
// test-results/screenshots (it-<role>-<route>.png) for people to look at. One platform, one
// browser; the accessibility check of every page lives in accessibility.e2e.test.ts.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../dashboard/src/i18n/en.ts';
import { ROUTES, canOpen, pathFor } from '../../dashboard/src/lib/routes.ts';
import { loadPilots } from '../../pilots/index.ts';
import { permissionsOf } from '../../platform/policy/roles.ts';
import { runInTenant, systemPrincipal } from '../../platform/tenancy/context.ts';
import type { Role } from '../../platform/policy/role-names.ts';
import { ensureDashboardBuilt } from '../../scripts/dashboard-build.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, TABLET, failureShot, openConsole, shot, visible, type Console } from './support/browser.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
const params: Record<string, Record<string, string>> = {};

/** Dictionary keys shown as text or in a label people hear (aria-label, title, placeholder, alt),
 *  e.g. "users.title". Technical ids drawn as such (`.mono`, an option offering a raw audit action
 *  like "patient.read") are not texts of the console. */
async function keyLeaks(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    const parts: string[] = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('.mono, script, style') || (el instanceof HTMLOptionElement && el.value === el.text)) continue;
      parts.push(n.textContent ?? '');
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) parts.push(el.getAttribute(a) ?? '');
    }
    return parts.join('\n');
  });
  return [...text.matchAll(/\b([a-zA-Z0-9]+)\.[a-zA-Z][\w-]*\b/g)].map((m) => m[0]).filter((k) => Object.hasOwn(en, k.split('.')[0]!));
}

/** The page wider than the window, or a button whose label is cut or off screen. */
async function layoutFaults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const faults: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) faults.push(`page scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth}`);
    for (const el of document.querySelectorAll<HTMLElement>('button, a.btn, .btn')) {
      const r = el.getBoundingClientRect();
      if (!r.width || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.scrollWidth > el.clientWidth + 1) faults.push(`button label cut: "${el.textContent?.trim()}"`);
      if (r.right > window.innerWidth + 1) faults.push(`button off screen: "${el.textContent?.trim()}"`);
    }
    return faults;
  });
}

describe.skipIf(!HAVE_CHROMIUM)(`every page in Italian at 1024×768${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  beforeAll(async () => {
    await ensureDashboardBuilt();
    h = await bootHarness({ pilots: await loadPilots(), tenantPilots: ['healthcare', 'lighting'] });
    ui = await openConsole(h.url);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients: 2, seed: 41 })).status).toBe(201);
    expect((await admin.post('/api/v1/pilots/lighting/demo/provision', { lamps: 4, seed: 42 })).status).toBe(201);
    const op = await h.as(h.tenants.a.users.operator);
    params.patient = { id: (await op.get('/api/v1/pilots/healthcare/patients')).body.items[0].id };
    params.lamp = { id: (await op.get('/api/v1/pilots/lighting/lamps')).body.items[0].id };
    // An open alarm, so the inbox and the map show a category and a type to translate.
    await runInTenant({ tenantId: h.tenants.a.id, principal: systemPrincipal('test', h.tenants.a.id) }, () =>
      h.platform.services.alarms.raise({ source: `lamp:${params.lamp!.id}`, type: 'lamp-failure', category: 'lighting', severity: 'major', title: 'Lamp failure', pilot: 'lighting' }),
    );
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await failureShot(ui.lastPage(), ctx.task.name);
  });

  afterAll(async () => {
    await ui?.close();
    await h?.close();
  });

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
