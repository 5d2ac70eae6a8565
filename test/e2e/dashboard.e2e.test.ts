// The operator console in a real browser (Debian's chromium, headless, driven by playwright-core)
// against the real platform with the real pilots: sign-in per role and the navigation each role
// gets, the ward board following live MQTT readings, a deterioration raising a high NEWS2 and an
// alarm that is acknowledged with a note, a message to a hub and its delivery, the FHIR export, a
// device secret shown once, key rotation, audit verification, a group dim followed until done, the
// lighting map, schedule editing, the live-link indicator and session end, and tenant isolation in
// the UI and by typed URL. Screenshots of the main views are saved to test-results/screenshots
// for people to look at.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import { loadPilots } from '../../pilots/index.ts';
import { createPatientModel, type Condition } from '../../simulators/healthcare/physiology.ts';
import { expectedPower } from '../../pilots/lighting/domain/power.ts';
import type { LampModel } from '../../pilots/lighting/domain/model.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, TABLET, navItems, seeText, shot, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';
import { deviceCreds } from '../../validation/support/mqtt-probe.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

interface ProvisionedDevice {
  id: string;
  kind: string;
  secret: string;
  tenantId: string;
  subject: string | null;
}
interface PatientRow {
  id: string;
  displayName: string;
}

let h: Harness;
const clients: MqttClient[] = [];
const devices = new Map<string, ProvisionedDevice[]>(); // patient id → devices
const conditions = new Map<string, Condition>();
let patientsA: PatientRow[] = [];
let patientsB: PatientRow[] = [];
const testLamps = new Map<string, TestLamp>();
const timers: NodeJS.Timeout[] = [];
let groupsA: { id: string; name: string }[] = [];
let lampsA: { id: string; groupId: string }[] = [];
let lampsB: { id: string }[] = [];

async function provision(admin: ApiClient, operator: ApiClient, patients: number, seed: number): Promise<PatientRow[]> {
  const res = await admin.post('/api/v1/pilots/healthcare/demo/provision', { patients, seed });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  for (const p of res.body.extra.patients as { id: string; condition: Condition }[]) conditions.set(p.id, p.condition);
  for (const d of res.body.devices as ProvisionedDevice[]) {
    if (!d.subject) continue;
    devices.set(d.subject, [...(devices.get(d.subject) ?? []), d]);
  }
  const list = await operator.get('/api/v1/pilots/healthcare/patients');
  return (list.body.items as PatientRow[]).map((p) => ({ id: p.id, displayName: p.displayName }));
}

const connected = new Map<string, MqttClient>();
async function deviceClient(d: ProvisionedDevice): Promise<MqttClient> {
  const known = connected.get(d.id);
  if (known) return known;
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
    ...deviceCreds(d),
    reconnectPeriod: 0,
  });
  clients.push(c);
  connected.set(d.id, c);
  return c;
}

function deviceOf(patientId: string, kind: string): ProvisionedDevice {
  const d = devices.get(patientId)?.find((x) => x.kind === kind);
  if (!d) throw new Error(`patient ${patientId} has no ${kind}`);
  return d;
}

async function publish(patientId: string, kind: string, payload: Record<string, unknown>): Promise<void> {
  const d = deviceOf(patientId, kind);
  const c = await deviceClient(d);
  await c.publishAsync(`tenants/${d.tenantId}/devices/${d.id}/telemetry`, JSON.stringify({ ts: Date.now(), ...payload }), { qos: 1 });
}

/** The last day of a patient's readings, from the simulator's physiology model, so the board's
 *  sparklines and the patient's charts show a day like a real one. */
async function backfill(patientId: string, hours: number, stepMin: number): Promise<void> {
  const step = stepMin * 60_000;
  const start = Date.now() - hours * 3_600_000;
  const model = createPatientModel({ seed: patientId, condition: conditions.get(patientId) ?? 'healthy', now: start });
  const kinds = new Set((devices.get(patientId) ?? []).map((d) => d.kind));
  for (let ts = start, i = 0; ts < Date.now() - step; ts += step, i++) {
    const v = model.step(step, ts);
    const r = (n: number, d = 0) => Number(n.toFixed(d));
    const sends = [
      publish(patientId, 'pulse-oximeter', { ts, spo2: r(v.spo2), heartRate: r(v.heartRate) }),
      publish(patientId, 'wearable', { ts, heartRate: r(v.heartRate), respiratoryRate: r(v.respiratoryRate), movement: r(v.movement, 2) }),
    ];
    if (i % 2 === 0) sends.push(publish(patientId, 'thermometer', { ts, temperature: r(v.temperature, 1) }));
    if (i % 4 === 0) sends.push(publish(patientId, 'bp-cuff', { ts, systolic: r(v.systolic), diastolic: r(v.diastolic), heartRate: r(v.heartRate) }));
    if (i % 4 === 0) sends.push(publish(patientId, 'home-hub', { ts, battery: 90 - i / 8, connectivity: 'wifi', consciousness: v.consciousness, onOxygen: v.onOxygen }));
    if (i % 24 === 0 && kinds.has('scale')) sends.push(publish(patientId, 'scale', { ts, weight: r(v.weight, 1) }));
    if (i % 16 === 0 && kinds.has('glucometer')) sends.push(publish(patientId, 'glucometer', { ts, glucose: r(v.glucose, 1) }));
    await Promise.all(sends);
  }
}

/** One full observation set from every NEWS2 device of a patient. */
async function observe(patientId: string, v: { rr: number; spo2: number; hr: number; sys: number; temp: number; acvpu?: string; o2?: boolean }) {
  await publish(patientId, 'home-hub', { battery: 82, connectivity: 'wifi', consciousness: v.acvpu ?? 'A', onOxygen: v.o2 ?? false });
  await publish(patientId, 'pulse-oximeter', { spo2: v.spo2, heartRate: v.hr });
  await publish(patientId, 'bp-cuff', { systolic: v.sys, diastolic: Math.round(v.sys * 0.62), heartRate: v.hr });
  await publish(patientId, 'thermometer', { temperature: v.temp });
  await publish(patientId, 'wearable', { heartRate: v.hr, respiratoryRate: v.rr, movement: 0.1 });
}

let ui: Console;
const signIn: Console['signIn'] = (username, opts) => ui.signIn(username, opts);

describe.skipIf(!HAVE_CHROMIUM)(`the console in a browser${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  // The real pilots; healthcare with a short escalation delay so the escalation is seen live.
  const rig = consoleRig(async () => ({
    pilots: (await loadPilots()).map((p) => (p.id === 'healthcare' ? createHealthcarePilot({ escalateAfterMs: 2500 }) : p)),
    tenantPilots: ['healthcare', 'lighting'],
  }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    const a = h.tenants.a.users;
    const b = h.tenants.b.users;
    patientsA = await provision(await h.as(a['tenant-admin']), await h.as(a.operator), 4, 11);
    patientsB = await provision(await h.as(b['tenant-admin']), await h.as(b.operator), 2, 97);
    // A day of history for everyone in tenant A, then a full, normal observation set now.
    await Promise.all(patientsA.map((p) => backfill(p.id, 24, 15)));
    for (const p of patientsA) await observe(p.id, { rr: 16, spo2: 97, hr: 72, sys: 128, temp: 36.8 });

    // Lighting: a small town per tenant. Tenant A's lamps and cabinets are driven from this test
    // over MQTT (TestLamp below): they report, switch on commands and acknowledge them.
    const fleetA = await (await h.as(a['tenant-admin'])).post('/api/v1/pilots/lighting/demo/provision', { lamps: 40, seed: 5 });
    expect(fleetA.status, JSON.stringify(fleetA.body)).toBe(201);
    const fleetB = await (await h.as(b['tenant-admin'])).post('/api/v1/pilots/lighting/demo/provision', { lamps: 20, seed: 6 });
    expect(fleetB.status).toBe(201);
    const models = new Map((fleetA.body.extra.models as LampModel[]).map((m) => [m.id, m]));
    const modelOf = new Map((fleetA.body.extra.lamps as { id: string; modelId: string }[]).map((l) => [l.id, models.get(l.modelId)!]));
    for (const d of fleetA.body.devices as ProvisionedDevice[]) {
      const c = await deviceClient(d);
      if (d.kind === 'lamp') {
        const lamp = new TestLamp(c, d, modelOf.get(d.id)!);
        testLamps.set(d.id, lamp);
        await lamp.start();
      } else {
        await c.publishAsync(`tenants/${d.tenantId}/devices/${d.id}/telemetry`, JSON.stringify(cabinetReading()), { qos: 1 });
      }
    }
    timers.push(setInterval(() => void Promise.all([...testLamps.values()].map((l) => l.report())).catch(() => undefined), 4000));
    const opA = await h.as(a.operator);
    groupsA = (await opA.get('/api/v1/pilots/lighting/groups')).body.items;
    lampsA = (await opA.get('/api/v1/pilots/lighting/lamps')).body.items;
    lampsB = (await (await h.as(b.operator)).get('/api/v1/pilots/lighting/lamps')).body.items;
    // A varied evening, held against the schedule: full, dimmed, dimmed lower, off.
    const levels: [string, number | undefined][] = [['on', undefined], ['dim', 60], ['dim', 30], ['off', undefined]];
    for (const [i, g] of groupsA.entries()) {
      const [action, level] = levels[i % levels.length]!;
      const r = await opA.post('/api/v1/pilots/lighting/commands', { target: { groupId: g.id }, action, ...(level ? { level } : {}), overrideMinutes: 120 });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
  }, 60_000);

  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    for (const c of clients) c.end(true);
  });

  it('signs in each role and shows only the navigation that role may use', async () => {
    const a = h.tenants.a.users;
    const cases: { user: string; nav: string[]; shot: string }[] = [
      { user: 'root-admin', nav: ['Tenants', 'Platform health', 'Audit log'], shot: 'platform-admin-tenants' },
      { user: a['tenant-admin'], nav: ['Users', 'Devices', 'Keys', 'Agreements', 'Alarm inbox'], shot: 'tenant-admin-users' },
      { user: a.dpo, nav: ['Agreements'], shot: 'dpo-agreements' },
      { user: a.operator, nav: ['Patient board', 'Installation map', 'Groups and lamps', 'Schedules', 'Energy', 'Alarm inbox'], shot: 'operator-board' },
      { user: a.auditor, nav: ['Audit log', 'Compliance map'], shot: 'auditor-audit' },
      { user: a.evaluator, nav: ['Validation runs', 'Compliance map'], shot: 'evaluator-validation' },
    ];
    for (const c of cases) {
      const page = await signIn(c.user, { form: true });
      expect(await navItems(page), c.user).toEqual(c.nav);
      await seeText(page.getByTestId('connection'), 'Live');
      // The platform operator sees the nodes: the one process, with its MQTT connections.
      if (c.user === 'root-admin') await seeText(page.getByTestId('nodes-table'), 'local');
      if (c.user !== a.operator) await shot(page, c.shot, { fullPage: false });
      // A view outside the role is refused even when its address is typed.
      if (c.user === a.evaluator) {
        // No report generated on this platform: the map says how to produce one.
        await page.goto(`${h.url}/compliance`);
        await visible(page.getByText('No compliance report yet'));
        await page.goto(`${h.url}/care/patients`);
        await seeText(page.getByTestId('refusal'), 'Not available for your role');
      }
      await page.getByRole('button', { name: 'Sign out' }).click();
      await visible(page.getByRole('heading', { name: 'Sign in' }));
    }
  }, 90_000);

  it('the patient board follows live readings from the devices', async () => {
    const page = await signIn(h.tenants.a.users.operator);
    const p = patientsA[0]!;
    const card = page.locator(`[data-patient-id="${p.id}"]`);
    await seeText(card, p.displayName);
    await publish(p.id, 'pulse-oximeter', { spo2: 94, heartRate: 87 });
    await seeText(card, /HR\s*87/);
    await seeText(card, /SpO₂\s*94/);
    await shot(page, 'patient-board');
  }, 30_000);

  it('a deterioration shows a high NEWS2 and an escalating alarm that is acknowledged with a note', async () => {
    const p = patientsA.find((x) => conditions.get(x.id) !== 'copd')!;
    const page = await signIn(h.tenants.a.users.operator);
    const card = page.locator(`[data-patient-id="${p.id}"]`);
    await seeText(card, /LOW/i);
    // The board holds its order while the pointer rests on it: the pointer goes to the top bar.
    await page.mouse.move(5, 5);
    // RCP chart 1: RR 27 → 3, SpO2 90 (scale 1) → 3, pulse 128 → 2, systolic 95 → 2, 39.3 °C → 2.
    await observe(p.id, { rr: 27, spo2: 90, hr: 128, sys: 95, temp: 39.3 });
    await seeText(card.getByTestId('news2-score'), '12');
    await seeText(card, /High/i);
    await seeText(card, /1 alarm/);
    // The most urgent patient moves to the top of the board.
    await seeText(page.getByTestId('patient-card').first(), p.displayName);
    await shot(page, 'patient-board-deterioration');

    await page.getByRole('link', { name: 'Alarm inbox' }).click();
    // Raised as the set came in (severity only rises, so its title is the first high score).
    const alarm = page.locator('[data-testid="alarm"][data-alarm-type="news2"]').filter({ hasText: p.displayName });
    await visible(alarm);
    await seeText(alarm, p.displayName);
    await seeText(alarm, /Escalated/, 8000);
    await shot(page, 'alarm-inbox');
    await alarm.getByRole('button', { name: /Acknowledge/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge alarm' });
    await dialog.getByLabel(/Note/).fill('Phoned patient; community nurse visiting within the hour');
    await dialog.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await seeText(alarm, 'Acknowledged by');
    await seeText(alarm, 'community nurse visiting');
    expect(await alarm.getAttribute('data-state')).toBe('active-acknowledged');
  }, 30_000);

  it('a patient page shows charts, devices and consent, sends a message and shows its delivery, and exports FHIR', async () => {
    const p = patientsA.find((x) => conditions.get(x.id) !== 'copd')!;
    const hub = deviceOf(p.id, 'home-hub');
    const hubClient = await deviceClient(hub);
    // The hub shows the message and reports it done, as the patient's hub would.
    hubClient.on('message', (topic) => {
      if (!/\/commands\/[^/]+$/.test(topic)) return;
      void hubClient.publishAsync(`${topic}/ack`, JSON.stringify({ status: 'done' }), { qos: 1 });
    });
    await hubClient.subscribeAsync(`tenants/${hub.tenantId}/devices/${hub.id}/commands/+`, { qos: 1 });

    const page = await signIn(h.tenants.a.users.operator, { path: `/care/patients/${p.id}` });
    await seeText(page.getByRole('heading', { level: 1 }), p.displayName);
    await seeText(page.getByTestId('news2-panel'), /High clinical risk/);
    await visible(page.locator('.chart canvas'));
    await seeText(page.getByRole('region', { name: 'Consent' }), 'Consent given');

    await page.getByRole('button', { name: 'Send message…' }).click();
    const dialog = page.getByRole('dialog', { name: /Message to the patient/ });
    await dialog.getByLabel('Text shown on the hub').fill('Please take your blood pressure again now.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    const message = page.getByTestId('message').filter({ hasText: 'blood pressure again' });
    await seeText(message, 'Seen by patient', 8000);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download FHIR export' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^SYN-\d{6}-fhir-bundle\.json$/);
    const bundle = JSON.parse(await streamText(await download.createReadStream()));
    expect(bundle.resourceType).toBe('Bundle');
    await shot(page, 'patient-detail');
  }, 30_000);

  it("a tenant administrator registers a device, sees its secret once, and rotates the tenant key", async () => {
    const page = await signIn(h.tenants.a.users['tenant-admin'], { path: '/admin/devices' });
    await visible(page.getByTestId('devices-table'));
    await page.getByRole('button', { name: 'Register device…' }).click();
    const form = page.getByRole('dialog', { name: 'Register a device' });
    await form.getByLabel('Device id').fill('lamp-spare-0001');
    await form.getByLabel('Kind').fill('lamp');
    await form.getByRole('button', { name: 'Register and issue secret' }).click();
    const secretDialog = page.getByRole('dialog', { name: /secret — shown once/ });
    await visible(secretDialog);
    const secret = (await secretDialog.getByTestId('device-secret').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    // What the dialog tells the user to connect with is what the broker accepts.
    const username = (await secretDialog.getByTestId('device-mqtt-username').textContent()) ?? '';
    expect(username).toBe('tenant-a/lamp-spare-0001');
    expect(await secretDialog.getByTestId('device-mqtt-client-id').textContent()).toBe(username);
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, { clientId: username, username, password: secret, reconnectPeriod: 0 });
    await device.endAsync();
    await visible(secretDialog.getByRole('button', { name: 'Copy secret' }));
    await shot(page, 'device-secret-once', { fullPage: false });
    await secretDialog.getByRole('button', { name: 'I have stored the secret' }).click();
    await seeText(page.getByTestId('devices-table'), 'lamp-spare-0001');
    // Once closed, the secret is nowhere on the page (and the API never returns it again).
    expect(await page.locator('body').textContent()).not.toContain(secret);

    await page.getByRole('link', { name: 'Keys' }).click();
    await seeText(page.locator('.stats'), /v1/);
    await page.getByRole('button', { name: 'Rotate tenant key…' }).click();
    await page.getByRole('dialog', { name: /Rotate the tenant data key/ }).getByRole('button', { name: 'Rotate now' }).click();
    await seeText(page.locator('.stats'), /v2/);
    await shot(page, 'keys-rotated', { fullPage: false });
  }, 20_000);

  it('audit verification of the tenant chain shows OK', async () => {
    const page = await signIn(h.tenants.a.users.auditor);
    await visible(page.getByTestId('audit-table'));
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await seeText(page.getByTestId('verify-result'), 'Chain verified: OK');
    await shot(page, 'audit-verified', { fullPage: false });
  }, 20_000);

  it("a user of one tenant neither sees nor opens the other tenant's patients", async () => {
    const page = await signIn(h.tenants.b.users.operator);
    const cards = page.getByTestId('patient-card');
    await expect.poll(() => cards.count(), { timeout: 5000 }).toBe(patientsB.length);
    const board = (await page.locator('.board').textContent()) ?? '';
    for (const p of patientsB) expect(board).toContain(p.displayName);
    for (const p of patientsA) expect(board).not.toContain(p.displayName);
    // Typing the address of tenant A's patient: not found, and nothing of the patient shown.
    const target = patientsA[0]!;
    await page.goto(`${h.url}/care/patients/${target.id}`);
    await seeText(page.getByTestId('refusal'), 'Patient not found');
    expect(await page.locator('body').textContent()).not.toContain(target.displayName);
    await shot(page, 'isolation-patient-not-found');
  }, 20_000);

  it('a group dim is followed lamp by lamp until done, and the map shows the lamps live', async () => {
    const page = await signIn(h.tenants.a.users.operator, { path: '/lighting/control' });
    const group = groupsA[0]!;
    const row = page.locator(`[data-testid="group-row"][data-group-id="${group.id}"]`);
    await visible(row);
    await row.getByLabel(`Dim level for ${group.name}`).fill('40');
    await row.getByRole('button', { name: `Dim ${group.name} to 40 %` }).click();
    const status = row.getByTestId('command-status');
    await seeText(status, /Dim to 40 %/);
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    await seeText(status, /10\/10 done/);
    await seeText(row, /at 40 %/, 8000);
    await shot(page, 'lighting-control');

    // A lamp of a lit group fails: the simulator reports no power while it should burn.
    const failing = lampsA.find((l) => l.groupId === groupsA[1]!.id)!;
    await testLamps.get(failing.id)!.fail();
    await page.getByRole('link', { name: 'Installation map' }).click();
    const map = page.getByTestId('installation-map');
    await visible(map);
    await expect.poll(() => map.locator('[data-lamp-id]').count()).toBe(lampsA.length);
    await expect.poll(() => map.locator(`[data-lamp-id="${failing.id}"]`).getAttribute('data-state'), { timeout: 15_000 }).toBe('fault');
    await shot(page, 'lighting-map');

    // The schedule editor: move the night's dimming step to 22:30 and see the programme change.
    await page.getByRole('link', { name: 'Schedules' }).click();
    await visible(page.getByTestId('schedule-timeline'));
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Step 2 time', { exact: true }).fill('22:30');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await seeText(page.locator('table').first(), /22:30/);
    await visible(page.getByTestId('schedule-timeline'));
    await shot(page, 'lighting-schedules');
    await page.getByRole('link', { name: 'Energy' }).click();
    await visible(page.getByRole('heading', { name: 'Per day' }));
    await shot(page, 'lighting-energy');
    await page.goto(`${h.url}/lighting/lamps/${failing.id}`);
    await seeText(page.getByTestId('lamp-state'), 'Fault');
    await shot(page, 'lighting-lamp');
  }, 45_000);

  it("a user of one tenant neither sees nor opens the other tenant's lamps", async () => {
    const page = await signIn(h.tenants.b.users.operator, { path: '/lighting/map' });
    const map = page.getByTestId('installation-map');
    await visible(map);
    await expect.poll(() => map.locator('[data-lamp-id]').count()).toBe(lampsB.length);
    const ids = await map.locator('[data-lamp-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lamp-id')));
    expect(ids.some((id) => lampsA.some((l) => l.id === id))).toBe(false);
    await page.goto(`${h.url}/lighting/lamps/${lampsA[0]!.id}`);
    await seeText(page.getByTestId('refusal'), 'Lamp not found');
  }, 20_000);

  it('shows a lost live link, recovers it by itself, and ends a revoked session with a message', async () => {
    const page = await signIn(h.tenants.a.users.auditor);
    const conn = page.getByTestId('connection');
    await seeText(conn, 'Live');
    await page.context().setOffline(true);
    await seeText(conn, 'Offline');
    await page.context().setOffline(false);
    await seeText(conn, 'Live', 10_000);
    // The session is revoked elsewhere (signed out in another tab): the next request says so.
    const cookies = await page.context().cookies();
    const csrf = cookies.find((c) => c.name === 'custodia_csrf')!.value;
    const out = await page.request.post(`${h.url}/api/v1/auth/logout`, { headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' }, data: {} });
    expect(out.status()).toBe(204);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await visible(page.getByRole('heading', { name: 'Sign in' }));
    await seeText(page.getByRole('status').filter({ hasText: 'session' }), 'Your session has ended');
    await shot(page, 'session-ended', { fullPage: false });
  }, 20_000);

  it('reads well on a tablet', async () => {
    const page = await signIn(h.tenants.a.users.operator, { viewport: TABLET });
    await visible(page.getByTestId('patient-card'));
    await shot(page, 'tablet-patient-board');
    await page.getByRole('link', { name: 'Installation map' }).click();
    await visible(page.getByTestId('installation-map'));
    await shot(page, 'tablet-lighting-map');
  }, 20_000);
});

/**
 * A lamp controller as the pilot expects one on MQTT: it switches on `switch` commands, acknowledges
 * them (accepted, then done), reports its state at once and on a timer, and draws the power its
 * LED model draws at that level (pilots/lighting/domain/power.ts) — or almost none once failed.
 */
class TestLamp {
  private level = 0;
  private failed = false;
  private readonly base: string;

  constructor(
    private readonly client: MqttClient,
    private readonly device: ProvisionedDevice,
    private readonly model: LampModel,
  ) {
    this.base = `tenants/${device.tenantId}/devices/${device.id}`;
  }

  async start(): Promise<void> {
    this.client.on('message', (topic, raw) => {
      const m = /\/commands\/([^/]+)$/.exec(topic);
      if (!m || !topic.startsWith(this.base)) return;
      void this.onCommand(m[1]!, JSON.parse(raw.toString()) as { name: string; params?: Record<string, unknown>; payload?: Record<string, unknown> });
    });
    await this.client.subscribeAsync(`${this.base}/commands/+`, { qos: 1 });
    await this.report();
  }

  private async onCommand(id: string, cmd: { name: string; params?: Record<string, unknown>; payload?: Record<string, unknown> }) {
    const ack = (status: string) => this.client.publishAsync(`${this.base}/commands/${id}/ack`, JSON.stringify({ status }), { qos: 1 });
    // The platform publishes the command's arguments as `params` (platform/ingest.ts).
    const args = cmd.params ?? cmd.payload ?? {};
    if (cmd.name !== 'switch') return void (await ack('failed'));
    await ack('accepted');
    this.level = args.action === 'off' ? 0 : typeof args.level === 'number' ? args.level : 100;
    await this.report();
    await ack('done');
  }

  async fail(): Promise<void> {
    this.failed = true;
    await this.report();
    await this.report(Date.now() + 1);
  }

  async report(ts = Date.now()): Promise<void> {
    const power = this.failed && this.level > 0 ? 1.2 : expectedPower(this.model, this.level);
    await this.client.publishAsync(
      `${this.base}/telemetry`,
      JSON.stringify({ ts, powerState: this.level > 0 ? 'on' : 'off', dimLevel: this.level, activePower: power, voltage: 231, current: power / 231, powerFactor: 0.96, driverTemperature: 38, burningHours: 4200 }),
      { qos: 1 },
    );
  }
}

function cabinetReading() {
  return { ts: Date.now(), activeEnergy: 1520.4, activePower: 640, voltageL1: 231, voltageL2: 230, voltageL3: 232, currentL1: 1.1, currentL2: 0.9, currentL3: 0.8, mainsPresent: true, doorOpen: false };
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
