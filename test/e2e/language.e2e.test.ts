// The console in Italian, in a real browser: a user switches language in the top bar; navigation,
// the alarm inbox and its dates follow, `<html lang>` says so, the choice survives a reload and
// belongs to that user only (another user signing in on the same browser starts in the browser's
// language), and the Italian pages pass the same accessibility check as the English ones.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import type { Page } from 'playwright-core';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, TABLET, accessibilityViolations, navItems, seeText, shot, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';
import { keyLeaks } from './support/page-checks.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;

/** Signs in with an English browser and switches to Italian in the top bar, at 1024×768. */
async function inItalian(username: string, path: string): Promise<Page> {
  const page = await ui.signIn(username, { path, viewport: TABLET });
  await page.getByTestId('language').selectOption('it');
  await visible(page.getByRole('navigation', { name: 'Principale' }));
  return page;
}

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
    const alarm = await runInTenant(systemContext('test', asTenantId(h.tenants.a.id)), () =>
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

    // Signing out says so in Italian, and the sign-in page stays in the language of who just left.
    await page.getByRole('button', { name: 'Esci' }).click();
    await seeText(page.locator('.note'), 'Hai chiuso la sessione.');
    // The choice is this user's: another user on the same browser starts in English …
    await page.getByLabel('Nome utente').fill(h.tenants.a.users.auditor);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Accedi' }).click();
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

  it('in Italian: the users page, a reset and the password change it leads to, the agreement form and a patient’s devices panel', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post('/api/v1/users', { username: 'tenant-a-italian-nurse', password: TEST_PASSWORD, role: 'operator' })).status).toBe(201);
    const page = await inItalian(h.tenants.a.users['tenant-admin'], '/admin/users');
    await seeText(page.getByRole('heading', { level: 1 }), 'Utenti');
    await visible(page.getByRole('button', { name: 'Nuovo utente…' }));
    await visible(page.getByRole('columnheader', { name: 'Ruolo' }));
    const row = page.locator('tr', { hasText: 'tenant-a-italian-nurse' });
    expect(await row.getByRole('combobox').locator('option:checked').textContent()).toBe('Operatore');
    await seeText(row, /Attivo/);
    // A reset, in Italian from the question to the one-time password it shows.
    await row.getByRole('button', { name: 'Reimposta la password di tenant-a-italian-nurse' }).click();
    const reset = page.getByRole('dialog', { name: 'Reimpostare la password di tenant-a-italian-nurse?' });
    await seeText(reset, /password monouso/);
    await reset.getByRole('textbox').fill('tenant-a-italian-nurse');
    await reset.getByRole('button', { name: 'Reimposta password' }).click();
    await seeText(reset, /Nuova password di tenant-a-italian-nurse/);
    const oneTime = (await reset.getByTestId('new-password').textContent())!;
    expect(await keyLeaks(page)).toEqual([]);
    await shot(page, 'language-italian-users-reset', { fullPage: false });
    await reset.getByRole('button', { name: 'Chiudi' }).first().click();
    await seeText(row.getByTestId('one-time-password'), /Password monouso valida fino al \d+ \w+, \d{2}:\d{2}/);
    // The form checks with the API's schema and says what is wrong in Italian.
    await page.getByRole('button', { name: 'Nuovo utente…' }).click();
    const create = page.getByRole('dialog', { name: 'Nuovo utente' });
    await create.getByLabel('Nome utente').fill('bad name!');
    await create.getByLabel('Password iniziale').fill('long-enough-password');
    await create.getByRole('button', { name: 'Crea utente' }).click();
    await seeText(create, 'dati non validi: username: solo lettere, cifre e . _ @ -');
    await shot(page, 'language-italian-new-user', { fullPage: false });
    await create.getByRole('button', { name: 'Annulla' }).click();

    // The agreement form.
    await page.getByRole('link', { name: 'Accordi' }).click();
    await page.getByRole('button', { name: 'Proponi un accordo' }).click();
    const form = page.getByRole('dialog', { name: 'Proponi un accordo di condivisione dei dati' });
    await visible(form.getByLabel('Organizzazione destinataria'));
    expect(await form.getByLabel('Finalità').locator('option').allTextContents()).toContain('ricerca');
    await seeText(form.locator('legend').nth(0), 'Operazioni');
    await seeText(form, /Obblighi del destinatario/);
    await form.getByRole('button', { name: 'Proponi', exact: true }).click();
    await seeText(form, /^.*Organizzazione destinataria: /);
    expect(await keyLeaks(page)).toEqual([]);
    await shot(page, 'language-italian-agreement-form', { fullPage: false });
    await form.getByRole('button', { name: 'Annulla' }).click();

    // The one-time password leads to the password change, in the language of who signed out.
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.getByLabel('Nome utente').fill('tenant-a-italian-nurse');
    await page.getByLabel('Password').fill(oneTime);
    await page.getByRole('button', { name: 'Accedi' }).click();
    const change = page.getByTestId('change-password');
    await seeText(page.getByRole('heading', { level: 1 }), 'Scegli la tua password');
    await change.getByLabel('Nuova password', { exact: true }).fill('short');
    await change.getByLabel('Ripeti la nuova password').fill('short');
    await change.getByRole('button', { name: 'Imposta la password e accedi' }).click();
    await seeText(change, /Usa almeno 12 caratteri\./);
    await visible(change.getByRole('button', { name: "Torna all'accesso" }));
    expect(await keyLeaks(page)).toEqual([]);
    await shot(page, 'language-italian-change-password', { fullPage: false });

    // A patient's devices panel and its charts, for an operator.
    const op = await h.as(h.tenants.a.users.operator);
    const patient = (await op.get('/api/v1/pilots/healthcare/patients')).body.items[0] as { id: string };
    const care = await inItalian(h.tenants.a.users.operator, `/care/patients/${patient.id}`);
    const devices = care.locator('.card', { has: care.getByRole('heading', { name: 'Dispositivi', exact: true }) });
    await visible(devices.getByRole('columnheader', { name: 'Batteria' }));
    await visible(devices.getByRole('button', { name: 'Collega un dispositivo…' }));
    await seeText(devices.locator('tbody tr').first(), /Hub domestico/);
    await visible(devices.getByRole('heading', { name: "Comandi all'hub domestico" }));
    await seeText(care.getByTestId('range-note'), /Orario 24 ore, fuso Europe\/London/);
    await visible(care.getByRole('button', { name: 'Ingrandisci' }));
    expect(await keyLeaks(care)).toEqual([]);
    await devices.scrollIntoViewIfNeeded();
    await shot(care, 'language-italian-patient-devices', { fullPage: false });
    await devices.getByRole('button', { name: 'Collega un dispositivo…' }).click();
    const link = care.getByRole('dialog', { name: 'Collega un dispositivo a questo paziente' });
    await seeText(link, /Sono proposti solo i dispositivi registrati/);
    await shot(care, 'language-italian-link-device', { fullPage: false });
  }, 90_000);
});
