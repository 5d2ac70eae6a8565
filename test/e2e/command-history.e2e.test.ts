// "Last command" comes from the server: the groups page of a lighting tenant shows each group's
// last switch command, sent before the page opened, on first sight and the same after a reload;
// a lamp's page lists its commands and its slider rests at the level the lamp reports, naming a
// command still on its way; a patient's devices panel lists what was sent to the home hub.
// Screenshots in test-results/screenshots (history-*.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { backfillOnce } from '../../platform/demo-history.ts';
import { TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { heldLampAt, lampTelemetry, type TestDevice } from '../lighting/support.ts';
import type { DemoProvision } from '../../platform/pilot.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, TABLET, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';
import { asTenantId } from '../../platform/ids.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
let provision: DemoProvision;
const OPERATOR = 'city-demo-controller';
const CARE_ADMIN = 'care-demo-admin';
const CARE_OPERATOR = 'care-demo-nurse';
const lamps: TestDevice[] = [];
/** A lamp's full report at a level (pilots/lighting/domain/model.ts lampTelemetrySchema). */

describe.skipIf(!HAVE_CHROMIUM)(`command history from the server${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots() }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const s = h.platform.services;
    await s.tenants.create({ id: 'city-demo', name: 'City Lighting Demo Operator', pilots: ['lighting'] });
    await s.users.create({ username: OPERATOR, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('city-demo') });
    await s.tenants.create({ id: 'care-demo', name: 'Home Care Demo', pilots: ['healthcare'] });
    await s.users.create({ username: CARE_ADMIN, password: TEST_PASSWORD, role: 'tenant-admin', tenantId: asTenantId('care-demo') });
    await s.users.create({ username: CARE_OPERATOR, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('care-demo') });
    const ctx = h.platform.pilotContext('lighting');
    const instance = h.platform.pilotInstance('lighting');
    provision = await ctx.inTenant('city-demo', () => instance.seedDemo!({ seed: 42, size: 12 }));
    const done = await backfillOnce(s, { pilotId: 'lighting', tenantId: 'city-demo', instance, ctx, provision }, { days: 2, seed: 42, now: Date.now() });
    expect(done?.commands).toBeGreaterThan(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(lamps.map((l) => l.close().catch(() => undefined)));
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

  it("a lamp's page lists its commands from the server, and its slider shows the level in force, not the one dragged", async () => {
    // One lamp on line that reports 60 % and does not yet carry out what it receives.
    const d = provision.devices.find((x) => x.kind === 'lamp')!;
    const op = await h.as(OPERATOR);
    const lamp = await heldLampAt(h, d, 60, op);
    lamps.push(lamp);
    const name = (await op.get(`/api/v1/pilots/lighting/lamps/${d.id}`)).body.name ?? d.id;

    const page = await ui.signIn(OPERATOR, { path: `/lighting/lamps/${encodeURIComponent(d.id)}`, viewport: TABLET });
    const note = page.getByTestId('level-note');
    const slider = page.getByLabel(`Dim level for ${name}`);
    await seeText(note, 'In force: 60 %', 15_000);
    expect(await slider.inputValue()).toBe('60');
    // The backfilled programme's switches are this lamp's history already.
    const history = page.getByTestId('command-history');
    await seeText(history.getByTestId('history-row').first(), /Switch on|Switch off|Dim to \d+ %/, 15_000);

    await slider.fill('30');
    await seeText(note, 'In force: 60 % · not sent: 30 %');
    await page.getByRole('button', { name: `Dim ${name} to 30 %` }).click();
    // Sent, not carried out: the slider is back at the level in force and says what is coming.
    await seeText(note, 'In force: 60 % · on its way: 30 %', 10_000);
    expect(await slider.inputValue()).toBe('60');
    await seeText(history.getByTestId('history-row').first(), /Dim to 30 %.*Delivered/, 10_000);
    await shot(page, 'history-lamp-pending', { fullPage: false });

    await page.reload();
    await seeText(page.getByTestId('command-history').getByTestId('history-row').first(), /Dim to 30 %.*Delivered/, 15_000);
    // After a reload the page has sent nothing itself: the bar and the note follow the command
    // from the lamp's history.
    await seeText(page.getByTestId('command-status'), /Dim to 30 % · \d{2}:\d{2}In progress · 0\/1 done/, 15_000);
    await seeText(page.getByTestId('level-note'), 'In force: 60 % · on its way: 30 %', 15_000);
    expect(await page.getByLabel(`Dim level for ${name}`).inputValue()).toBe('60');

    // The lamp carries it out and says so: done, and the slider follows the lamp.
    const sent = lamp.commands.at(-1)!;
    expect(sent).toMatchObject({ name: 'switch', params: { action: 'dim', level: 30 } });
    await lamp.client.publishAsync(`tenants/${d.tenantId}/devices/${d.id}/commands/${sent.id}/ack`, JSON.stringify({ status: 'done' }), { qos: 1 });
    await lamp.publishTelemetry(lampTelemetry(30));
    await seeText(page.getByTestId('command-history').getByTestId('history-row').first(), /Dim to 30 %.*Done/, 10_000);
    await seeText(page.getByTestId('level-note'), 'In force: 30 %', 10_000);
    expect(await page.getByLabel(`Dim level for ${name}`).inputValue()).toBe('30');
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, 'history-lamp-done', { fullPage: false });
  }, 90_000);

  it("a patient's devices panel lists what was sent to the home hub, and it is still there after a reload", async () => {
    const admin = await h.as(CARE_ADMIN);
    const provisioned = await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients: 1, seed: 5 });
    expect(provisioned.status, JSON.stringify(provisioned.body)).toBe(201);
    const nurse = await h.as(CARE_OPERATOR);
    const patient = (await nurse.get('/api/v1/pilots/healthcare/patients')).body.items[0] as { id: string };
    expect((await nurse.post(`/api/v1/pilots/healthcare/patients/${patient.id}/messages`, { kind: 'reminder', text: 'Evening reading, please' })).status).toBe(201);

    const page = await ui.signIn(CARE_OPERATOR, { path: `/care/patients/${patient.id}`, viewport: TABLET });
    const rows = () => page.getByTestId('hub-history').getByTestId('history-row');
    await seeText(rows().first(), /Reminder/, 15_000);
    expect(await page.getByTestId('hub-history').textContent()).not.toContain('Evening reading');
    await page.reload();
    await seeText(rows().first(), /Reminder/, 15_000);
    await page.getByTestId('hub-history').scrollIntoViewIfNeeded();
    await shot(page, 'history-hub', { fullPage: false });
  }, 60_000);
});
