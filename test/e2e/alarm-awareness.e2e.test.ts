// Alarm awareness in a real browser: the top bar's indicator on every page (open count by severity,
// the newest critical alarm named and one click to it), the count in the tab title, desktop
// notifications and sound as the user chose them (remembered per user), open alarms at the top of
// a patient's and a lamp's page with acknowledge and resolve-with-note, and the inbox filtered by
// state. Alarms are raised through the platform's alarm service, as a pilot raises them.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { RaiseInput } from '../../platform/services/alarms.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, TABLET, seeText, shot, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
let patient: { id: string; displayName: string };
let lamp: { id: string; name?: string };

const raise = (input: RaiseInput) =>
  runInTenant(systemContext('test', asTenantId(h.tenants.a.id)), () => h.platform.services.alarms.raise(input)).then((r) => r.alarm);

// Records desktop notifications instead of showing them (headless chromium shows none); the
// permission the user grants is kept across reloads, as a browser keeps it.
const FAKE_NOTIFICATIONS = `
  window.__notes = [];
  window.Notification = class {
    static get permission() { return localStorage.getItem('test.notification-permission') ?? 'default'; }
    static async requestPermission() { localStorage.setItem('test.notification-permission', 'granted'); return 'granted'; }
    constructor(title, opts) { window.__notes.push(title); this.onclick = null; }
    close() {}
  };`;

describe.skipIf(!HAVE_CHROMIUM)(`alarm awareness in the console${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), tenantPilots: ['healthcare', 'lighting'] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients: 2, seed: 21 })).status).toBe(201);
    expect((await admin.post('/api/v1/pilots/lighting/demo/provision', { lamps: 6, seed: 22 })).status).toBe(201);
    const op = await h.as(h.tenants.a.users.operator);
    patient = (await op.get('/api/v1/pilots/healthcare/patients')).body.items[0];
    lamp = (await op.get('/api/v1/pilots/lighting/lamps')).body.items[0];
  }, 90_000);

  it('a critical alarm raised while the user is on another page shows in the top bar, the tab title and a desktop notification', async () => {
    const page = await ui.signIn(h.tenants.a.users.operator, { path: '/lighting/schedules' });
    await page.context().addInitScript(FAKE_NOTIFICATIONS);
    await page.reload();
    const bar = page.getByTestId('alarm-indicator');
    await seeText(bar.getByTestId('alarm-open-count'), '0');
    await seeText(page.getByTestId('connection'), 'Live');
    expect(await page.title()).not.toMatch(/^\(\d+\)/);

    // The user turns on notifications and sound; the choice survives a reload.
    await bar.getByLabel('Alert settings').click();
    await bar.getByLabel('Show a desktop notification').check();
    await bar.getByLabel('Play a sound').check();
    await page.reload();
    await bar.getByLabel('Alert settings').click();
    expect(await bar.getByLabel('Show a desktop notification').isChecked()).toBe(true);
    expect(await bar.getByLabel('Play a sound').isChecked()).toBe(true);
    await bar.getByLabel('Alert settings').click();
    await seeText(page.getByTestId('connection'), 'Live');

    const t0 = Date.now();
    const alarm = await raise({ source: `patient:${patient.id}`, type: 'test.news2', category: 'clinical', severity: 'critical', title: 'NEWS2 9 — urgent review', subject: patient.id, pilot: 'healthcare' });
    const saved = Date.now();
    await seeText(bar.getByTestId('alarm-newest-critical'), 'NEWS2 9 — urgent review', 5000);
    console.log(`critical alarm in the top bar ${Date.now() - t0} ms after the raise began, ${Date.now() - saved} ms after it was saved`);
    await seeText(bar.getByTestId('alarm-count-critical'), '1');
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    await expect.poll(() => page.evaluate(() => (window as unknown as { __notes: string[] }).__notes)).toEqual(['Critical alarm: NEWS2 9 — urgent review']);
    await shot(page, 'alarm-indicator-laptop', { fullPage: false });

    // A major alarm adds to the count without a second notification.
    await raise({ source: `lamp:${lamp.id}`, type: 'test.lamp-failure', category: 'lighting', severity: 'major', title: 'Lamp failure', pilot: 'lighting' });
    await seeText(bar.getByTestId('alarm-open-count'), '2');
    await seeText(bar.getByTestId('alarm-count-major'), '1');
    expect(await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes)).toHaveLength(1);

    // One click on the named alarm leads to the patient, whose open alarms sit at the top.
    await bar.getByTestId('alarm-newest-critical').click();
    await seeText(page.getByRole('heading', { level: 1 }), patient.displayName);
    const open = page.getByTestId('open-alarms');
    const item = open.locator(`[data-testid="alarm"]`).filter({ hasText: 'NEWS2 9' });
    await visible(item);
    const box = await open.boundingBox();
    expect(box!.y, 'open alarms within the first screen').toBeLessThan(400);
    await shot(page, 'patient-open-alarms', { fullPage: false });

    await item.getByRole('button', { name: /Acknowledge/ }).click();
    const ack = page.getByRole('dialog', { name: 'Acknowledge alarm' });
    await ack.getByLabel(/Note/).fill('Phoned the patient');
    await ack.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await seeText(item, 'Acknowledged by');

    await item.getByRole('button', { name: /Resolve/ }).click();
    const resolve = page.getByRole('dialog', { name: 'Resolve alarm' });
    await resolve.getByRole('button', { name: 'Resolve', exact: true }).click();
    await seeText(resolve, 'Say why the alarm is resolved');
    await resolve.getByLabel(/Note/).fill('Community nurse visited; observations normal');
    await resolve.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(() => page.getByTestId('open-alarms').count()).toBe(0);
    await seeText(bar.getByTestId('alarm-open-count'), '1');
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    expect(await bar.getByTestId('alarm-newest-critical').count()).toBe(0);
    const stored = (await (await h.as(h.tenants.a.users.operator)).get(`/api/v1/alarms/${alarm.id}`)).body;
    expect(stored).toMatchObject({ state: 'cleared', resolutionNote: 'Community nurse visited; observations normal' });
  }, 90_000);

  it('a lamp page shows its open alarms at the top; the inbox filters by state', async () => {
    const page = await ui.signIn(h.tenants.a.users.operator, { path: `/lighting/lamps/${encodeURIComponent(lamp.id)}`, viewport: TABLET });
    const open = page.getByTestId('open-alarms');
    await seeText(open, 'Lamp failure');
    expect((await open.boundingBox())!.y).toBeLessThan(400);
    await visible(open.getByRole('button', { name: /Acknowledge/ }));
    await shot(page, 'lamp-open-alarms-tablet', { fullPage: false });

    await page.goto(`${h.url}/alarms`);
    const list = () => page.getByTestId('alarm');
    await seeText(list().first(), 'Lamp failure');
    await page.getByRole('radio', { name: 'Resolved' }).check();
    await seeText(list().first(), 'Community nurse visited');
    expect(await list().count()).toBe(1);
    await page.getByRole('radio', { name: 'Acknowledged', exact: true }).check();
    await seeText(page.locator('main'), 'No alarms here');
    await shot(page, 'alarm-inbox-states-tablet', { fullPage: false });
  }, 60_000);
});
