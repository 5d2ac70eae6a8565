// "Last command" comes from the server: the groups page of a lighting tenant shows each group's
// last switch command, sent before the page opened, on first sight and the same after a reload.
// Screenshots in test-results/screenshots (history-*.png).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { backfillOnce } from '../../platform/demo-history.ts';
import { ensureDashboardBuilt } from '../../scripts/dashboard-build.ts';
import { bootHarness, TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, failureShot, HAVE_CHROMIUM, openConsole, seeText, shot, TABLET, visible, type Console } from './support/browser.ts';
import { asTenantId } from '../../platform/ids.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
const OPERATOR = 'city-demo-controller';

describe.skipIf(!HAVE_CHROMIUM)(`command history from the server${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  beforeAll(async () => {
    await ensureDashboardBuilt();
    h = await bootHarness({ pilots: await loadPilots() });
    const s = h.platform.services;
    await s.tenants.create({ id: 'city-demo', name: 'City Lighting Demo Operator', pilots: ['lighting'] });
    await s.users.create({ username: OPERATOR, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('city-demo') });
    const ctx = h.platform.pilotContext('lighting');
    const instance = h.platform.pilotInstance('lighting');
    const provision = await ctx.inTenant('city-demo', () => instance.seedDemo!({ seed: 42, size: 12 }));
    const done = await backfillOnce(s, { pilotId: 'lighting', tenantId: 'city-demo', instance, ctx, provision }, { days: 2, seed: 42, now: Date.now() });
    expect(done?.commands).toBeGreaterThan(0);
    ui = await openConsole(h.url);
  }, 120_000);

  afterEach(async (c) => {
    if (c.task.result?.state === 'fail') await failureShot(ui?.lastPage(), c.task.name);
  });

  afterAll(async () => {
    await ui?.close();
    await h?.close();
  });

  it("each group's last command is read from the server, and is still there after a reload", async () => {
    const page = await ui.signIn(OPERATOR, { path: '/lighting/control', viewport: TABLET });
    const rows = page.getByTestId('group-row');
    await visible(rows, 15_000);
    // The newest is the programme's own switch on provisioning (its lamps are offline here, so it
    // is in progress); with no server history the cell would read "No command sent yet".
    const LAST = /^(Switch on|Switch off|Dim to \d+ %) · \d{2}:\d{2}(In progress|Done|Partly done|Failed) · \d+\/\d+ done/;
    const n = await rows.count();
    const before: string[] = [];
    for (let i = 0; i < n; i++) {
      const cell = rows.nth(i).getByTestId('command-status');
      await seeText(cell, LAST, 15_000);
      before.push((await cell.textContent()) ?? '');
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'history-groups-last-command', { fullPage: false });
    await page.reload();
    for (let i = 0; i < n; i++) await seeText(page.getByTestId('group-row').nth(i).getByTestId('command-status'), before[i]!.split('·').slice(0, 2).join('·'), 15_000);
  }, 60_000);
});
