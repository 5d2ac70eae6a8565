// The patient board in a real browser: found by identifier as well as by name (the identifier is
// looked up on the FHIR API; the board's summaries carry none), and cards that hold still while the
// pointer is on the board — a patient whose alarm count changes moves only once the pointer leaves.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, TABLET, seeText, shot, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;
let patients: { id: string; displayName: string }[] = [];

describe.skipIf(!HAVE_CHROMIUM)(`the patient board${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), tenantPilots: ['healthcare'] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients: 4, seed: 41 })).status).toBe(201);
    patients = (await (await h.as(h.tenants.a.users.operator)).get('/api/v1/pilots/healthcare/patients')).body.items;
  }, 90_000);

  it('finds a patient by identifier as well as by name', async () => {
    const target = patients[2]!;
    const record = (await (await h.as(h.tenants.a.users.operator)).get(`/api/v1/pilots/healthcare/patients/${target.id}`)).body;
    const identifier: string = record.patient?.identifier ?? record.identifier;
    expect(identifier).toMatch(/^SYN-\d+$/);
    const page = await ui.signIn(h.tenants.a.users.operator, { path: '/care/patients', viewport: TABLET });
    const cards = page.getByTestId('patient-card');
    await expect.poll(() => cards.count()).toBe(4);
    await page.getByLabel('Find patient').fill(identifier);
    await expect.poll(() => cards.count()).toBe(1);
    await seeText(cards.first(), target.displayName);
    await shot(page, 'patient-board-identifier-search', { fullPage: false });
    await page.getByLabel('Find patient').fill(target.displayName.split(' ')[0]!);
    await seeText(cards.first(), target.displayName.split(' ')[0]!);
    await page.getByLabel('Find patient').fill('SYN-999999');
    await expect.poll(() => cards.count()).toBe(0);
  }, 60_000);

  it('cards do not re-sort under the pointer, and take their order once it leaves', async () => {
    const page = await ui.signIn(h.tenants.a.users.operator, { path: '/care/patients' });
    const cards = page.getByTestId('patient-card');
    await expect.poll(() => cards.count()).toBe(4);
    const order = () => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-patient-id')));
    const before = await order();
    const last = before.at(-1)!;
    await cards.first().hover();
    // The last patient gets an alarm: more urgent, but the board holds still under the pointer.
    await runInTenant(systemContext('test', asTenantId(h.tenants.a.id)), () =>
      h.platform.services.alarms.raise({ source: `patient:${last}`, type: 'test.board', category: 'clinical', severity: 'major', title: 'Check patient', subject: last, pilot: 'healthcare' }),
    );
    await seeText(page.locator(`[data-patient-id="${last}"]`), /1 alarm/);
    expect(await order()).toEqual(before);
    await page.mouse.move(5, 5);
    await expect.poll(order).toEqual([last, ...before.filter((id) => id !== last)]);
  }, 60_000);
});
