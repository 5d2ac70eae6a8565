// The README's first tour in a real browser: a demo tenant that got its history on first start
// shows full charts at once; its operator sets the demo speed from the patient page, runs a
// deterioration and sees its progress and when the alarm is expected, also after a reload (the
// scenario's start comes from the server's command history). Screenshots in
// test-results/screenshots (demo-*.png).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { demoRoutes } from '../../platform/api/routes/demo.ts';
import { backfillOnce } from '../../platform/demo-history.ts';
import { createDemoSpeed } from '../../platform/demo-speed.ts';
import type { DemoProvision } from '../../platform/pilot.ts';
import { TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, TABLET, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';
import { asTenantId } from '../../platform/ids.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
let provision: DemoProvision;
const speed = createDemoSpeed(1);
const told: number[] = [];
const OPERATOR = 'care-demo-nurse';

describe.skipIf(!HAVE_CHROMIUM)(`the demo's first tour${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), routers: (s) => [demoRoutes(s, speed)] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const s = h.platform.services;
    await s.tenants.create({ id: 'care-demo', name: 'Home Care Demo Provider', pilots: ['healthcare'] });
    await s.users.create({ username: OPERATOR, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('care-demo') });
    speed.attach(async (n) => void told.push(n));
    const ctx = h.platform.pilotContext('healthcare');
    const instance = h.platform.pilotInstance('healthcare');
    provision = await ctx.inTenant('care-demo', () => instance.seedDemo!({ seed: 42, size: 3 }));
    const done = await backfillOnce(s, { pilotId: 'healthcare', tenantId: 'care-demo', instance, ctx, provision }, { days: 2, seed: 42, now: Date.now() });
    expect(done?.readings).toBeGreaterThan(0);
  }, 120_000);

  it('charts are full on first sight; the speed is set from the page, a deterioration shows its progress and expected alarm, also after a reload', async () => {
    const patients = (provision.extra as { patients: { id: string }[] }).patients;
    const page = await ui.signIn(OPERATOR, { path: `/care/patients/${patients[0]!.id}`, viewport: TABLET });
    // History: the NEWS2 chart of the last 24 hours has results before any device reported.
    const news2Chart = page.getByRole('img', { name: /^NEWS2 over the last 24 hours/ });
    await visible(news2Chart, 15_000);
    const label = (await news2Chart.getAttribute('aria-label')) ?? '';
    expect(Number(/: (\d+) results/.exec(label)?.[1])).toBeGreaterThan(40);

    const speedSelect = page.getByLabel('Demo speed');
    await visible(speedSelect);
    await speedSelect.selectOption('60');
    await expect.poll(() => told).toEqual([60]);
    await page.getByLabel('Scenario', { exact: true }).selectOption('deterioration');
    await page.getByRole('button', { name: 'Run scenario' }).click();
    const eta = page.getByTestId('scenario-eta');
    await seeText(eta, /High-band alarm expected by \d{2}:\d{2} \(in \d+ s at 60×\)/, 10_000);
    await seeText(page.getByTestId('scenario-progress'), /Deterioration started \d{2}:\d{2}: \d+ %/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('scenario-progress').scrollIntoViewIfNeeded();
    await shot(page, 'demo-scenario-progress', { fullPage: false });

    // The start is the hub's persisted simulate command: a reload still shows the progress.
    await page.reload();
    await seeText(page.getByTestId('scenario-progress'), /Deterioration started \d{2}:\d{2}: \d+ %/, 15_000);
    await expect.poll(async () => Number(/(\d+) %/.exec((await page.getByTestId('scenario-progress').textContent()) ?? '')?.[1]), { timeout: 15_000 }).toBeGreaterThan(0);

    // At 1× the same scenario is far from done: the expected time grows with the slower speed.
    await page.getByLabel('Demo speed').selectOption('1');
    await seeText(eta, /in \d+ min at 1×/, 10_000);
    await page.getByRole('img', { name: /^NEWS2 over the last 24 hours/ }).scrollIntoViewIfNeeded();
    await shot(page, 'demo-patient-history', { fullPage: false });
  }, 90_000);
});
