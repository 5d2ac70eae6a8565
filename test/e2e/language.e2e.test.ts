// The console in Italian, in a real browser: a user switches language in the top bar; navigation,
// the alarm inbox and its dates follow, `<html lang>` says so, the choice survives a reload and
// belongs to that user only (another user signing in on the same browser starts in the browser's
// language), and the Italian pages pass the same accessibility check as the English ones.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { runInTenant, systemPrincipal } from '../../platform/tenancy/context.ts';
import { TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, accessibilityViolations, navItems, seeText, shot, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;

describe.skipIf(!HAVE_CHROMIUM)(`the console in Italian${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), tenantPilots: ['healthcare'] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients: 2, seed: 31 })).status).toBe(201);
  }, 90_000);

  it('a user switches to Italian: navigation, the alarm inbox and its dates follow, and the choice is kept for that user', async () => {
    const op = await h.as(h.tenants.a.users.operator);
    const patient = (await op.get('/api/v1/pilots/healthcare/patients')).body.items[0] as { id: string };
    const alarm = await runInTenant({ tenantId: h.tenants.a.id, principal: systemPrincipal('test', h.tenants.a.id) }, () =>
      h.platform.services.alarms.raise({ source: `patient:${patient.id}`, type: 'test.news2', category: 'clinical', severity: 'critical', title: 'NEWS2 7', subject: patient.id, pilot: 'healthcare' }),
    ).then((r) => r.alarm);

    // An English browser starts in English.
    const page = await ui.signIn(h.tenants.a.users.operator, { path: '/alarms' });
    const html = page.locator('html');
    expect(await html.getAttribute('lang')).toBe('en');
    expect(await navItems(page)).toContain('Alarm inbox');

    await page.getByTestId('language').selectOption('it');
    const nav = page.getByRole('navigation', { name: 'Principale' });
    await visible(nav);
    await expect.poll(() => html.getAttribute('lang')).toBe('it');
    expect(await nav.getByRole('link').allTextContents()).toEqual(expect.arrayContaining(['Quadro pazienti', 'Allarmi']));
    await seeText(page.getByRole('heading', { level: 1 }), 'Allarmi');
    await seeText(page.locator('.stats'), /Non presi in carico/);
    await visible(page.getByRole('radio', { name: 'Risolti' }));
    const item = page.getByTestId('alarm').filter({ hasText: 'NEWS2 7' });
    await seeText(item, /Critico/);
    await seeText(item, /Generato (adesso|\d+ (s|min) fa)/);

    // Dates in Italian: day, Italian month, 24-hour time (the browser runs in Europe/London).
    const raised = new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' }).format(alarm.raisedAt);
    await item.getByRole('button', { name: /Prendi in carico/ }).click();
    const dialog = page.getByRole('dialog', { name: "Prendi in carico l'allarme" });
    await seeText(dialog, `Generato il ${raised}`);
    expect(raised).toMatch(/^\d{2} (gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic), \d{2}:\d{2}$/);
    await shot(page, 'language-italian-ack-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Annulla' }).click();

    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'language-italian-inbox', { fullPage: false });

    // A reload keeps Italian.
    await page.reload();
    await visible(page.getByRole('navigation', { name: 'Principale' }));
    expect(await html.getAttribute('lang')).toBe('it');
    await seeText(page.getByRole('heading', { level: 1 }), 'Allarmi');
    expect(await page.getByTestId('language').inputValue()).toBe('it');

    // The choice is this user's: another user on the same browser starts in English …
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.getByLabel('Username').fill(h.tenants.a.users.auditor);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
    expect(await html.getAttribute('lang')).toBe('en');

    // … and the first user finds Italian again on signing back in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').fill(h.tenants.a.users.operator);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Principale' }));
    expect(await html.getAttribute('lang')).toBe('it');
  }, 90_000);
});
