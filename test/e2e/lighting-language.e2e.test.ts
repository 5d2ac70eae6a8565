// The street-lighting pages in Italian, in a real browser at 1024×768: an Italian operator sees the
// lamp page, the group control, schedules and energy in Italian, with no dictionary key showing;
// the lamp page follows a command sent to its group from elsewhere (not from that page) until it
// is carried out; the energy page names the installation's time zone (Europe/Madrid, while the
// browser runs in Europe/London); the Italian pages pass the accessibility check. Screenshots in test-results/screenshots (lighting-it-*.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { backfillOnce } from '../../platform/demo-history.ts';
import { TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { heldLampAt, lampTelemetry, type TestDevice } from '../lighting/support.ts';
import type { DemoProvision } from '../../platform/pilot.ts';
import { asTenantId } from '../../platform/ids.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, TABLET, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';
import { keyLeaks } from './support/page-checks.ts';
import type { Page } from 'playwright-core';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
let provision: DemoProvision;
const OPERATOR = 'city-demo-operatore';
const lamps: TestDevice[] = [];

async function noKeys(p: Page): Promise<void> {
  expect(await keyLeaks(p)).toEqual([]);
}

describe.skipIf(!HAVE_CHROMIUM)(`the lighting pages in Italian${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots() }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const s = h.platform.services;
    await s.tenants.create({ id: 'city-demo', name: 'Comune Demo', pilots: ['lighting'] });
    await s.users.create({ username: OPERATOR, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('city-demo') });
    const ctx = h.platform.pilotContext('lighting');
    const instance = h.platform.pilotInstance('lighting');
    provision = await ctx.inTenant('city-demo', () => instance.seedDemo!({ seed: 7, size: 12 }));
    await backfillOnce(s, { pilotId: 'lighting', tenantId: 'city-demo', instance, ctx, provision }, { days: 2, seed: 7, now: Date.now() });
  }, 90_000);

  afterAll(async () => {
    await Promise.all(lamps.map((l) => l.close().catch(() => undefined)));
  });

  it('the lamp page is in Italian and follows a command sent to its group from elsewhere until the lamp carries it out', async () => {
    // One lamp on line at 60 % that does not carry out what it receives until told to.
    const d = provision.devices.find((x) => x.kind === 'lamp')!;
    const op = await h.as(OPERATOR);
    const lamp = await heldLampAt(h, d, 60, op);
    lamps.push(lamp);
    const detail = (await op.get(`/api/v1/pilots/lighting/lamps/${d.id}`)).body as { name?: string; groupId: string };
    // Sent to the lamp's whole group through the API, as the group control or a schedule would.
    const sent = await op.post('/api/v1/pilots/lighting/commands', { target: { groupId: detail.groupId }, action: 'dim', level: 30, overrideMinutes: 60 });
    expect(sent.status, JSON.stringify(sent.body)).toBeLessThan(300);

    // The operator chooses Italian in the top bar (the sign-in page is in the browser's English).
    const page = await ui.signIn(OPERATOR, { path: `/lighting/lamps/${encodeURIComponent(d.id)}`, viewport: TABLET });
    await page.getByTestId('language').selectOption('it');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('it');
    await seeText(page.getByTestId('lamp-state'), /Ridotto al 60 %/, 15_000);
    const progress = page.getByTestId('command-status');
    await seeText(progress, /Riduzione al 30 % · \d{2}:\d{2}/, 15_000);
    await seeText(progress, 'In corso · 0/1 eseguiti');
    await seeText(page.getByTestId('level-note'), 'Attuale: 60 % · in arrivo: 30 %');
    await seeText(page.getByTestId('command-history').getByTestId('history-row').first(), /Riduzione al 30 %.*Consegnato/);
    for (const title of ['Misure', 'Storico dei comandi', 'Dettagli', 'Comanda questo lampione']) await visible(page.getByRole('heading', { name: title }));
    await visible(page.getByText('Ore di accensione'));
    await noKeys(page);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'lighting-it-lamp-pending', { fullPage: false });

    // The lamp carries it out: the bar says so without a reload.
    const cmd = lamp.commands.at(-1)!;
    await lamp.client.publishAsync(`tenants/${d.tenantId}/devices/${d.id}/commands/${cmd.id}/ack`, JSON.stringify({ status: 'done' }), { qos: 1 });
    await lamp.publishTelemetry(lampTelemetry(30));
    await seeText(progress, 'Eseguito · 1/1 eseguiti', 10_000);
    await seeText(page.getByTestId('level-note'), 'Attuale: 30 %', 10_000);
    await shot(page, 'lighting-it-lamp-done');
  }, 90_000);

  it('the group control, schedules and energy are in Italian, and energy names the installation’s time zone', async () => {
    // Each test's pages close when it ends (the console rig): sign in and choose Italian again.
    const page = await ui.signIn(OPERATOR, { path: '/lighting/control', viewport: TABLET });
    await page.getByTestId('language').selectOption('it');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('it');
    await seeText(page.getByRole('heading', { level: 1 }), 'Gruppi e lampioni', 15_000);
    await visible(page.getByRole('columnheader', { name: 'Ultimo comando' }));
    await visible(page.getByLabel('Mantieni il livello manuale per'));
    const rows = page.getByTestId('group-row');
    await visible(rows, 15_000);
    await seeText(rows.filter({ hasText: 'Riduzione al 30 %' }), /Forzato al 30 %/, 15_000);
    await visible(page.getByRole('button', { name: /^Accendi / }));
    await noKeys(page);
    await shot(page, 'lighting-it-control', { fullPage: false });

    await page.goto(`${h.url}/lighting/schedules`);
    await seeText(page.getByRole('heading', { level: 1 }), 'Programmazioni', 15_000);
    await visible(page.getByRole('heading', { name: 'Prossime 48 ore' }), 15_000);
    await seeText(page.locator('main'), /Tramonto|Alba/);
    await seeText(page.locator('main'), /Prossime 48 ore nell'ora dell'impianto \(Europe\/Madrid\)/, 15_000);
    await page.getByRole('button', { name: 'Modifica' }).click();
    await visible(page.getByRole('button', { name: 'Aggiungi passo' }));
    await visible(page.getByRole('button', { name: 'Salva la programmazione' }));
    await noKeys(page);
    await shot(page, 'lighting-it-schedule-editor', { fullPage: false });

    await page.goto(`${h.url}/lighting/energy?span=30d`);
    await seeText(page.getByRole('heading', { level: 1 }), 'Energia', 15_000);
    await seeText(page.getByTestId('energy-zone'), "I giorni sono giorni locali nel fuso orario dell'impianto (Europe/Madrid).", 15_000);
    await visible(page.getByRole('radio', { name: 'Ultimi 30 giorni' }));
    await seeText(page.locator('.stats'), /Energia consumata.*Riferimento.*Risparmiata.*CO₂ evitata/s);
    // Day labels in Italian (the chart's legend reads the latest day).
    await seeText(page.getByTestId('chart-legend').first(), /\d{1,2} (gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)/, 15_000);
    // Values with a decimal comma: "1.278 kWh" would read as more than a thousand.
    await seeText(page.getByTestId('chart-legend').first(), /Energia consumata \d+,\d{3} kWh/);
    await visible(page.getByRole('columnheader', { name: 'Ore di accensione' }));
    await noKeys(page);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'lighting-it-energy');
  }, 90_000);
});
