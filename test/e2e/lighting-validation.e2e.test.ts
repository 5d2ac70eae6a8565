// Lighting and validation pages in a real browser (Debian's chromium) against the real platform:
// the 48-hour preview stays in view while a schedule is edited and follows the draft; the demo
// schedule's name does not repeat its levels; the lamp page counts burning hours; the validation
// page shows a run in progress with its scenarios' progress (the run itself is a stand-in that
// reports progress and waits, as in validation/api-route.int.test.ts). axe-core checks each page;
// screenshots at 1440×900 and 1024×768 go to test-results/screenshots.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validationRoutes } from '../../platform/api/routes/validation.ts';
import { lightingPilot } from '../../pilots/lighting/index.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, TABLET, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
const reportsDir = mkdtempSync(join(tmpdir(), 'custodia-e2e-reports-'));
let release: () => void = () => undefined;

describe.skipIf(!HAVE_CHROMIUM)(`lighting and validation pages${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  // Registered before the rig, so it runs after the platform has stopped.
  afterAll(() => rm(reportsDir, { recursive: true, force: true }));
  const rig = consoleRig({
    pilots: [lightingPilot],
    tenantPilots: ['lighting'],
    routers: (s) => [
      validationRoutes(s, {
        reportsDir,
        runValidation: async (req) => {
          req.onProgress?.({ total: 6, done: 2, pass: 1, fail: 1, notRun: 0, current: { id: 'audit.tamper-evidence', title: 'Audit chain detects tampering' } });
          await new Promise<void>((resolve) => (release = resolve));
          throw new Error('stand-in run ends here');
        },
      }),
    ],
  });
  beforeAll(async () => {
    ({ h, ui } = rig);
    const fleet = await (await h.as(h.tenants.a.users['tenant-admin'])).post('/api/v1/pilots/lighting/demo/provision', { lamps: 12, seed: 3 });
    expect(fleet.status, JSON.stringify(fleet.body)).toBe(201);
  }, 60_000);

  afterAll(() => release());

  it('the 48-hour preview stays in view while a schedule is edited and follows the draft', async () => {
    const page = await ui.signIn(h.tenants.a.users.operator, { path: '/lighting/schedules' });
    await visible(page.getByTestId('schedule-timeline'));
    expect(await page.getByRole('heading', { name: 'Night programme', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Edit' }).click();
    const draft = page.getByTestId('draft-preview');
    await visible(draft);
    const before = await draft.locator('svg').innerHTML();
    await page.getByLabel('Step 2 time', { exact: true }).fill('21:30');
    await expect.poll(async () => (await draft.locator('svg').innerHTML()) !== before, { timeout: 5000 }).toBe(true);
    await seeText(draft, /21:30/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'schedule-editing-preview');
    const tablet = await ui.signIn(h.tenants.a.users.operator, { path: '/lighting/schedules', viewport: TABLET });
    await tablet.getByRole('button', { name: 'Edit' }).click();
    await visible(tablet.getByTestId('draft-preview'));
    await shot(tablet, 'schedule-editing-preview-1024', { fullPage: false });
  }, 60_000);

  it('the lamp page shows the burning hours the lamp reports', async () => {
    const op = await h.as(h.tenants.a.users.operator);
    const lamp = (await op.get('/api/v1/pilots/lighting/lamps')).body.items[0] as { id: string; name: string };
    const detail = (await op.get(`/api/v1/pilots/lighting/lamps/${lamp.id}`)).body as { burningHours: number };
    const page = await ui.signIn(h.tenants.a.users.operator, { path: `/lighting/lamps/${lamp.id}` });
    await seeText(page.locator('dl.kv'), new RegExp(`Burning hours${new Intl.NumberFormat('en-GB').format(detail.burningHours)}`));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(lamp.name);
  }, 30_000);

  it('the validation page shows a run in progress with its scenarios, also after a reload', async () => {
    const page = await ui.signIn(h.tenants.a.users.evaluator, { path: '/validation' });
    await page.getByRole('button', { name: 'Run fast scenarios' }).click();
    const progress = page.getByTestId('validation-progress');
    await seeText(progress, /2 of 6 scenarios done: 1 passed, 1 failed/);
    await seeText(progress, /Audit chain detects tampering/);
    expect(await page.getByText('No validation runs yet').count()).toBe(0);
    await page.reload();
    await seeText(page.getByTestId('validation-progress'), /2 of 6 scenarios done/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'validation-in-progress');
    const tablet = await ui.signIn(h.tenants.a.users.evaluator, { path: '/validation', viewport: TABLET });
    await visible(tablet.getByTestId('validation-progress'));
    await shot(tablet, 'validation-in-progress-1024');
    release();
    await seeText(page.getByRole('alert').first(), /stopped with an error/, 10_000);
  }, 60_000);
});
