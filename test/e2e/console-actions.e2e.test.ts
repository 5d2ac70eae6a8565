// Safe actions and everyday settings in a real browser (Debian's chromium) against the real
// platform: a role is chosen and then confirmed, a password reset shows the new one once, devices
// are searched and rotated in bulk after typing their count, the platform operator reads the
// platform health page and suspends a tenant only after typing its id, and a clinician enrols a
// patient, changes their SpO₂ scale and thresholds, links and unlinks a device and erases the
// patient after typing the identifier. Every new page passes the axe-core check; screenshots at
// 1440×900 and 1024×768 go to test-results/screenshots.
import { beforeAll, describe, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, TABLET, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
const HC = '/api/v1/pilots/healthcare';

describe.skipIf(!HAVE_CHROMIUM)(`safe actions and everyday settings${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
  beforeAll(async () => {
    ({ h, ui } = rig);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    for (let i = 1; i <= 30; i++) {
      const r = await admin.post('/api/v1/devices', { id: `spare-ox-${String(i).padStart(2, '0')}`, kind: 'pulse-oximeter', label: i <= 3 ? 'Loan pool' : 'Store room' });
      expect(r.status).toBe(201);
    }
  }, 60_000);

  it('a tenant administrator changes a role only after confirming it, and resets a password shown once', async () => {
    const a = h.tenants.a.users;
    const page = await ui.signIn(a['tenant-admin'], { path: '/admin/users' });
    const select = page.getByLabel(`Role of ${a.evaluator}`);
    await select.selectOption('auditor');
    // Choosing changes nothing yet.
    const admin = await h.as(a['tenant-admin']);
    const roleOf = async (username: string) => ((await admin.get('/api/v1/users')).body.items as { username: string; role: string }[]).find((u) => u.username === username)!.role;
    expect(await roleOf(a.evaluator)).toBe('evaluator');
    await page.getByRole('button', { name: `Change role of ${a.evaluator}` }).click();
    const dialog = page.getByRole('dialog', { name: `Change the role of ${a.evaluator}?` });
    await seeText(dialog, /from Evaluator to Auditor/);
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await seeText(dialog.getByTestId('confirm-result'), /is now Auditor/);
    expect(await roleOf(a.evaluator)).toBe('auditor');
    await dialog.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: `Reset password of ${a.auditor}` }).click();
    const reset = page.getByRole('dialog', { name: `Reset the password of ${a.auditor}?` });
    const go = reset.getByRole('button', { name: 'Reset password' });
    expect(await go.isDisabled()).toBe(true);
    await reset.getByTestId('confirm-typed').fill(a.auditor.slice(0, -1));
    expect(await go.isDisabled()).toBe(true);
    await reset.getByTestId('confirm-typed').fill(a.auditor);
    await go.click();
    const password = (await reset.getByTestId('new-password').textContent()) ?? '';
    expect(password).toHaveLength(24);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'users-password-reset', { fullPage: false });
    // A one-time password: it opens no session by itself (ASVS 2.3.1).
    expect((await h.anonymous().post('/api/v1/auth/login', { username: a.auditor, password })).status).toBe(403);
    await reset.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('body').textContent()).not.toContain(password);
    await seeText(page.locator(`tr:has-text("${a.auditor}")`).getByTestId('one-time-password'), /One-time password until \d+ \w+, \d{2}:\d{2}/);
    await shot(page, 'users');

    // The auditor signs in with it and must choose a password of their own first.
    const context = await ui.browser.newContext({ viewport: TABLET, locale: 'en-GB', timezoneId: 'Europe/London' });
    try {
      const own = await context.newPage();
      await own.goto(h.url + '/');
      await own.getByLabel('Username').fill(a.auditor);
      await own.getByLabel('Password').fill(password);
      await own.getByRole('button', { name: 'Sign in' }).click();
      await visible(own.getByTestId('change-password'));
      expect(await accessibilityViolations(own)).toEqual([]);
      await own.getByLabel('New password', { exact: true }).fill('short');
      await own.getByLabel('New password again').fill('short');
      await own.getByRole('button', { name: 'Set password and sign in' }).click();
      await seeText(own.getByRole('alert'), 'Use at least 12 characters.');
      await own.getByLabel('New password', { exact: true }).fill('auditor-own-passphrase');
      await own.getByLabel('New password again').fill('auditor-own-passphrase');
      await shot(own, 'users-choose-password', { fullPage: false });
      await own.getByRole('button', { name: 'Set password and sign in' }).click();
      await own.getByRole('navigation', { name: 'Main' }).waitFor();
      expect((await h.anonymous().post('/api/v1/auth/login', { username: a.auditor, password })).status).toBe(401);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('devices are searched, paged and rotated in bulk after typing their count', async () => {
    const page = await ui.signIn(h.tenants.a.users['tenant-admin'], { path: '/admin/devices' });
    await seeText(page.getByRole('heading', { level: 2 }).first(), /Devices 1–25 of 30/);
    await page.getByRole('button', { name: 'Next ›' }).click();
    await seeText(page.getByRole('heading', { level: 2 }).first(), /Devices 26–30 of 30/);
    await page.getByLabel('Find').fill('loan');
    await seeText(page.getByRole('heading', { level: 2 }).first(), /Devices 1–3 of 3/);
    await page.getByLabel('Select spare-ox-01').check();
    await page.getByLabel('Select spare-ox-02').check();
    await page.getByRole('button', { name: 'Rotate secrets…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the secrets of 2 devices?' });
    await dialog.getByTestId('confirm-typed').fill('2 devices');
    await dialog.getByRole('button', { name: 'Rotate secrets' }).click();
    await visible(dialog.getByTestId('bulk-secrets'));
    expect(await dialog.getByTestId('bulk-secrets').locator('tbody tr').count()).toBe(2);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'devices-bulk-rotate', { fullPage: false });
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'devices-list');
    const tablet = await ui.signIn(h.tenants.a.users['tenant-admin'], { path: '/admin/devices', viewport: TABLET });
    await visible(tablet.getByTestId('devices-table'));
    await shot(tablet, 'devices-list-1024', { fullPage: false });
  }, 60_000);

  it('the platform operator reads platform health and suspends a tenant only after typing its id', async () => {
    const page = await ui.signIn('root-admin', { path: '/admin/health' });
    await seeText(page.getByTestId('health-readiness'), /Ready/);
    await seeText(page.getByTestId('nodes-table'), 'local');
    await visible(page.getByTestId('health-ingest'));
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'platform-health');
    const tablet = await ui.signIn('root-admin', { path: '/admin/health', viewport: TABLET });
    await visible(tablet.getByTestId('health-ingest'));
    await shot(tablet, 'platform-health-1024');

    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('button', { name: `Suspend ${'Test tenant-b'}` }).click();
    const dialog = page.getByRole('dialog', { name: /Suspend Test tenant-b/ });
    await dialog.getByTestId('confirm-typed').fill('tenant-b');
    await dialog.getByRole('button', { name: 'Suspend tenant' }).click();
    await seeText(dialog.getByTestId('confirm-result'), /is now suspended/);
    expect((await h.platform.services.tenants.require('tenant-b')).status).toBe('suspended');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Reactivate Test tenant-b' }).click();
    const back = page.getByRole('dialog', { name: /Reactivate Test tenant-b/ });
    await back.getByRole('button', { name: 'Reactivate tenant' }).click();
    await seeText(back.getByTestId('confirm-result'), /is now active/);
  }, 60_000);

  it('a clinician enrols a patient, sets scale 2 and a threshold, links and unlinks a device, and erases the patient', async () => {
    const page = await ui.signIn(h.tenants.a.users.operator, { path: '/care/patients' });
    await page.getByTestId('enrol-patient').click();
    const form = page.getByRole('dialog', { name: 'Enrol a patient' });
    await form.getByLabel('Identifier').fill('SYN-424242');
    await form.getByLabel('Given name').fill('Synthia');
    await form.getByLabel('Family name').fill('Testcase');
    await form.getByLabel('Date of birth').fill('1950-03-04');
    await form.getByLabel('The patient has given consent to telemonitoring').check();
    await form.getByRole('button', { name: 'Enrol and register devices' }).click();
    const enrolled = page.getByTestId('enrolled');
    await visible(enrolled);
    expect(await enrolled.locator('tbody tr').count()).toBe(5); // the hub and the four default devices
    await enrolled.getByRole('link', { name: 'Open the patient’s page' }).click();
    await visible(page.getByTestId('news2-panel'));
    // The link leaves the board, and the dialog with the secrets goes with it.
    expect(await page.getByRole('dialog', { name: /Patient enrolled/ }).count()).toBe(0);
    const op = await h.as(h.tenants.a.users.operator);
    const id = ((await op.get(`${HC}/patients`)).body.items as { id: string; identifier?: string }[])[0]!.id;

    await page.getByTestId('settings-edit').click();
    await page.getByText('Scale 2 (88–92 %)').click();
    await page.getByLabel('Oxygen saturation low').fill('86');
    await page.getByTestId('settings-review').click();
    const confirm = page.getByRole('dialog', { name: 'Change clinical settings?' });
    await seeText(confirm, /scale 2/);
    await confirm.getByRole('button', { name: 'Apply settings' }).click();
    await seeText(confirm.getByTestId('confirm-result'), /SpO₂ scale 2/);
    await confirm.getByRole('button', { name: 'Done' }).click();
    expect((await op.get(`${HC}/patients/${id}`)).body.patient.settings).toMatchObject({ scale: 2, thresholds: { spo2: { low: 86 } } });

    await page.getByRole('button', { name: 'Link a device…' }).click();
    const link = page.getByRole('dialog', { name: 'Link a device to this patient' });
    await link.getByLabel('Device').selectOption('spare-ox-03');
    await link.getByRole('button', { name: 'Link device' }).click();
    await seeText(link.getByTestId('confirm-result'), /spare-ox-03 is now linked/);
    await link.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Unlink spare-ox-03' }).click();
    const unlink = page.getByRole('dialog', { name: 'Unlink this device?' });
    await unlink.getByRole('button', { name: 'Unlink device' }).click();
    await seeText(unlink.getByTestId('confirm-result'), /unlinked/);
    await unlink.getByRole('button', { name: 'Done' }).click();
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'patient-settings');

    await page.getByTestId('erase-patient').click();
    const erase = page.getByRole('dialog', { name: /Erase Synthia Testcase/ });
    await erase.getByTestId('confirm-typed').fill('SYN-424242');
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'patient-erase-confirm', { fullPage: false });
    await erase.getByRole('button', { name: 'Erase for good' }).click();
    await seeText(erase.getByTestId('confirm-result'), /Erased: \d+ records deleted/);
    await erase.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/\/care\/patients$/);
    expect((await op.get(`${HC}/patients/${id}`)).status).toBe(404);
  }, 90_000);
});
