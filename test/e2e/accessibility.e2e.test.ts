// Quality bars of the console on every page each role can reach (dashboard/src/lib/routes.ts,
// with the role's permissions from platform/policy/roles.ts): no serious or critical WCAG 2.1 A/AA
// violation found by axe-core, and a layout that holds at 1024×768 and 1440×900 — no horizontal
// overflow of the page and no button whose label is cut off or off screen (ids split over two
// lines are listed in the output). Screenshots of every page at both
// sizes go to test-results/screenshots (a11y-<role>-<route>-<width>.png) for people to look at.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, canOpen, pathFor } from '../../dashboard/src/lib/routes.ts';
import { loadPilots } from '../../pilots/index.ts';
import { permissionsOf } from '../../platform/policy/roles.ts';
import type { Role } from '../../platform/policy/role-names.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, LAPTOP, TABLET, accessibilityViolations, shot, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';
import { layoutFaults } from './support/page-checks.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
const params: Record<string, Record<string, string>> = {};

/** Waits until the view has loaded what it shows (no "Loading…" left in the main area). */
async function settled(page: Page): Promise<void> {
  await page.getByRole('main').waitFor();
  await expect.poll(() => page.locator('main .loading, main [aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
  await page.waitForTimeout(300);
}

/** Ids (monospace, no spaces) drawn over more than one line, which read as two ids; `.break`
 *  marks the long technical strings (topics, audit targets) that may wrap. */
async function splitIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('.mono:not(.break)')) {
      const text = el.textContent?.trim() ?? '';
      if (!text || /\s/.test(text) || !el.getBoundingClientRect().width) continue;
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) out.push(text);
    }
    return out;
  });
}

describe.skipIf(!HAVE_CHROMIUM)(`accessibility and layout of every page${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), tenantPilots: ['healthcare', 'lighting'] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients: 3, seed: 31 })).status).toBe(201);
    expect((await admin.post('/api/v1/pilots/lighting/demo/provision', { lamps: 8, seed: 32 })).status).toBe(201);
    const op = await h.as(h.tenants.a.users.operator);
    const patient = (await op.get('/api/v1/pilots/healthcare/patients')).body.items[0];
    const lamp = (await op.get('/api/v1/pilots/lighting/lamps')).body.items[0];
    params.patient = { id: patient.id };
    params.lamp = { id: lamp.id };
    // Open alarms of both kinds, so the top bar, the inbox and the detail pages show them.
    await runInTenant(systemContext('test', asTenantId(h.tenants.a.id)), async () => {
      await h.platform.services.alarms.raise({ source: `patient:${patient.id}`, type: 'test.news2', category: 'clinical', severity: 'critical', title: 'NEWS2 8 — urgent review', subject: patient.id, pilot: 'healthcare' });
      await h.platform.services.alarms.raise({ source: `lamp:${lamp.id}`, type: 'test.lamp', category: 'lighting', severity: 'major', title: 'Lamp failure', pilot: 'lighting' });
    });
  }, 90_000);

  const roles: { role: Role; user: () => string }[] = [
    { role: 'operator', user: () => h.tenants.a.users.operator },
    { role: 'tenant-admin', user: () => h.tenants.a.users['tenant-admin'] },
    { role: 'auditor', user: () => h.tenants.a.users.auditor },
    { role: 'evaluator', user: () => h.tenants.a.users.evaluator },
    { role: 'dpo', user: () => h.tenants.a.users.dpo },
    { role: 'platform-admin', user: () => 'root-admin' },
  ];

  for (const { role, user } of roles) {
    it(`every page a ${role} can open has no serious or critical WCAG A/AA violation and fits 1024 and 1440 px wide`, async () => {
      const access = { permissions: [...permissionsOf(role)], pilots: role === 'platform-admin' ? [] : ['healthcare', 'lighting'] };
      const routes = ROUTES.filter((r) => canOpen(r, access) === 'ok');
      expect(routes.length).toBeGreaterThan(0);
      const page = await ui.signIn(user());
      const found: string[] = [];
      const split: string[] = [];
      for (const route of routes) {
        const path = pathFor(route.pattern, params[route.id] ?? {});
        await page.setViewportSize(LAPTOP);
        await page.goto(h.url + path);
        await settled(page);
        found.push(...(await accessibilityViolations(page)).map((v) => `${path}: ${v}`));
        for (const size of [LAPTOP, TABLET]) {
          // The page was loaded at the laptop size: only the tablet size needs a reflow.
          if (size !== LAPTOP) {
            await page.setViewportSize(size);
            await page.waitForTimeout(150);
          }
          found.push(...(await layoutFaults(page)).map((f) => `${path} @${size.width}: ${f}`));
          split.push(...(await splitIds(page)).map((id) => `${path} @${size.width}: ${id}`));
          await shot(page, `a11y-${role}-${route.id}-${size.width}`, { fullPage: false });
        }
      }
      expect(found).toEqual([]);
      // Reported, not yet asserted: the device table splits ids at 1024 px until its columns are
      // reworked with the device administration view.
      if (split.length) console.log(`ids split over lines (${role}):\n  ${[...new Set(split)].join('\n  ')}`);

      // The check itself finds a fault when there is one: an unnamed button and an unlabelled field.
      await page.evaluate(() => {
        const probe = document.createElement('div');
        probe.id = 'a11y-probe';
        probe.innerHTML = '<button type="button"></button><input type="text">';
        document.querySelector('main')!.append(probe);
      });
      expect((await accessibilityViolations(page)).join('\n')).toMatch(/button-name[\s\S]*label|label[\s\S]*button-name/);
    }, 240_000);
  }
});
