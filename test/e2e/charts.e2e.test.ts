// The patient's charts in a real browser: a demo patient with eight days of history, shown over
// 1 h, 7 d and a custom period; a drag across the NEWS2 chart zooms every chart of the card and
// the reset brings the range back; the zoom buttons do the same from the keyboard; the legend
// reads the hovered time and values with their units on a 24-hour clock, the zone named beside
// the charts; and the page passes axe. A lamp's chart takes the same range bar, its times in the
// installation's zone. Screenshots in test-results/screenshots (charts-*.png).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadPilots } from '../../pilots/index.ts';
import { backfillOnce } from '../../platform/demo-history.ts';
import type { DemoProvision } from '../../platform/pilot.ts';
import { asTenantId } from '../../platform/ids.ts';
import { TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
let provision: DemoProvision;
const OPERATOR = 'charts-nurse';
const HOUR = 3_600_000;

/** The bounding box of a chart's plot area (uPlot's `.u-over`, where the pointer drags and hovers). */
async function plotBox(page: Page, chartName: RegExp) {
  const figure = page.locator('figure', { has: page.getByRole('img', { name: chartName }) });
  const over = figure.locator('.u-over');
  // In the middle of the window: the sticky top bar would take the pointer at the top edge.
  await over.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const box = await over.boundingBox();
  if (!box) throw new Error(`no plot area for ${chartName}`);
  return { figure, box };
}

describe.skipIf(!HAVE_CHROMIUM)(`the patient's charts${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), tenantPilots: ['lighting'] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const s = h.platform.services;
    await s.tenants.create({ id: 'care-demo', name: 'Home Care Demo Provider', pilots: ['healthcare'] });
    await s.users.create({ username: OPERATOR, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('care-demo') });
    const ctx = h.platform.pilotContext('healthcare');
    const instance = h.platform.pilotInstance('healthcare');
    provision = await ctx.inTenant('care-demo', () => instance.seedDemo!({ seed: 7, size: 1 }));
    const done = await backfillOnce(s, { pilotId: 'healthcare', tenantId: 'care-demo', instance, ctx, provision }, { days: 8, seed: 7, now: Date.now() });
    expect(done?.readings).toBeGreaterThan(0);
    const fleet = await (await h.as(h.tenants.a.users['tenant-admin'])).post('/api/v1/pilots/lighting/demo/provision', { lamps: 4, seed: 3 });
    expect(fleet.status, JSON.stringify(fleet.body)).toBe(201);
  }, 180_000);

  it('ranges 1 h and 7 d, drag to zoom and reset, keyboard zoom, a legend with units on a 24-hour clock in a named zone, and no serious axe violation', async () => {
    const patient = (provision.extra as { patients: { id: string }[] }).patients[0]!;
    const page = await ui.signIn(OPERATOR, { path: `/care/patients/${patient.id}` });
    const news2 = (name: RegExp) => page.getByRole('img', { name });
    await visible(news2(/^NEWS2 over the last 24 hours/), 20_000);
    const note = page.getByTestId('range-note');
    await seeText(note, /24-hour clock, times in Europe\/London/);

    // 1 h: the browser asks the server for minute buckets from an hour ago.
    const hourly = page.waitForResponse((r) => /\/vitals\?/.test(r.url()) && /bucket=60000(&|$)/.test(r.url()));
    await page.getByRole('radio', { name: '1 h', exact: true }).check();
    const hourAnswer = await (await hourly).json();
    expect(hourAnswer.bucket).toBe(60_000);
    expect(hourAnswer.to - hourAnswer.from).toBeLessThanOrEqual(HOUR + 60_000);
    await visible(news2(/^NEWS2 over the last 1 hour/));

    // 7 d: per hour (resolution=auto over 48 h), each hour's count, lowest, highest and mean: a
    // point per hour for a week, not every reading, and no spike averaged away.
    const weekly = page.waitForResponse((r) => /\/vitals\?/.test(r.url()) && /resolution=auto(&|$)/.test(r.url()));
    await page.getByRole('radio', { name: '7 d', exact: true }).check();
    const weekAnswer = await (await weekly).json();
    expect(weekAnswer.resolution).toBe('hour');
    const heart: { t: number; n: number; min: number; max: number; mean: number }[] = weekAnswer.series.heartRate;
    expect(heart.length).toBeGreaterThan(100);
    expect(heart.length).toBeLessThanOrEqual(7 * 24 + 2);
    for (const hr of heart) expect(hr.min <= hr.mean && hr.mean <= hr.max && hr.n > 0).toBe(true);
    const week = news2(/^NEWS2 over the last 7 days/);
    await visible(week);
    const weekResults = Number(/: (\d+) results/.exec((await week.getAttribute('aria-label')) ?? '')?.[1]);
    expect(weekResults).toBeGreaterThan(100);
    await shot(page, 'charts-week', { fullPage: false });

    // Hover: the legend reads the instant under the pointer and each value with its unit.
    const spo2 = await plotBox(page, /^Oxygen saturation/);
    await page.mouse.move(spo2.box.x + spo2.box.width * 0.5, spo2.box.y + spo2.box.height / 2);
    const spo2Legend = spo2.figure.getByTestId('chart-legend');
    // The hour's mean, then its highest and lowest (the band around the line).
    await seeText(spo2Legend, /^\d{1,2} [A-Z][a-z]{2}, ([01]\d|2[0-3]):[0-5]\dSpO₂ \d+ %SpO₂, highest in the hour \d+ %SpO₂, lowest in the hour \d+ %$/);
    const hr = await plotBox(page, /^Heart rate/);
    await page.mouse.move(hr.box.x + hr.box.width * 0.7, hr.box.y + hr.box.height / 2);
    await seeText(hr.figure.getByTestId('chart-legend'), /^\d{1,2} [A-Z][a-z]{2}, ([01]\d|2[0-3]):[0-5]\dHeart rate \d+ \/minHeart rate, highest in the hour \d+ \/minHeart rate, lowest in the hour \d+ \/min$/);
    await shot(page, 'charts-legend', { fullPage: false });

    // Drag across the middle fifth of the NEWS2 chart: every chart of the card shows that span.
    const n2 = await plotBox(page, /^NEWS2 over the last 7 days/);
    const y = n2.box.y + n2.box.height / 2;
    await page.mouse.move(n2.box.x + n2.box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(n2.box.x + n2.box.width * 0.5, y, { steps: 5 });
    await page.mouse.move(n2.box.x + n2.box.width * 0.6, y, { steps: 5 });
    await page.mouse.up();
    await seeText(note, /^Zoomed to \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} – \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}/);
    const zoomed = news2(/^NEWS2 from .* to /);
    await visible(zoomed);
    const zoomedResults = Number(/: (\d+) results/.exec((await zoomed.getAttribute('aria-label')) ?? '')?.[1]);
    expect(zoomedResults).toBeGreaterThan(0);
    expect(zoomedResults).toBeLessThan(weekResults / 2);
    await visible(page.getByRole('img', { name: /^Heart rate from .* to / }));
    await shot(page, 'charts-zoomed', { fullPage: false });

    // Reset: the week again.
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await visible(news2(/^NEWS2 over the last 7 days/));
    await seeText(note, /^Drag across a chart to zoom/);

    // The keyboard's way: the zoom buttons, then the reset.
    await page.getByRole('button', { name: 'Zoom in' }).focus();
    await page.keyboard.press('Enter');
    await visible(news2(/^NEWS2 from .* to /));
    await page.getByRole('button', { name: 'Reset zoom' }).focus();
    await page.keyboard.press('Enter');
    await visible(news2(/^NEWS2 over the last 7 days/));

    // A custom period, typed on a 24-hour clock in the browser's zone.
    const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
    const yesterday = day(Date.now() - 24 * HOUR);
    await page.getByRole('radio', { name: 'Custom', exact: true }).check();
    const form = page.getByRole('form', { name: 'Custom period' });
    await form.getByLabel('From date').fill(yesterday);
    await form.getByLabel('From time (24 h)').fill('13:00');
    await form.getByLabel('To date').fill(yesterday);
    await form.getByLabel('To time (24 h)').fill('17:30');
    await form.getByRole('button', { name: 'Show' }).click();
    await visible(news2(/^NEWS2 from \d{1,2} [A-Z][a-z]{2}, 13:00 to \d{1,2} [A-Z][a-z]{2}, 17:30/));
    await form.getByLabel('To time (24 h)').fill('12:00');
    await form.getByRole('button', { name: 'Show' }).click();
    await seeText(form.getByRole('alert'), 'The end must be after the start');

    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);

  it("a lamp's chart reads in the installation's zone and asks the server for buckets", async () => {
    const lamps = (await (await h.as(h.tenants.a.users.operator)).get('/api/v1/pilots/lighting/lamps')).body.items as { id: string }[];
    const page = await ui.signIn(h.tenants.a.users.operator, { path: `/lighting/lamps/${lamps[0]!.id}` });
    // The demo site is in Barcelona: the installation's zone, not the browser's (London).
    await seeText(page.getByTestId('range-note'), /24-hour clock, times in Europe\/Madrid/, 15_000);
    const weekly = page.waitForResponse((r) => /\/readings\?/.test(r.url()) && /bucket=1800000(&|$)/.test(r.url()));
    await page.getByRole('radio', { name: '7 d', exact: true }).check();
    const answer = await weekly;
    expect(answer.status()).toBe(200);
    expect((await answer.json()).bucket).toBe(1_800_000);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);
});
