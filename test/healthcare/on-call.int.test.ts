// The on-call escalation end to end: vitals over MQTT drive a patient's NEWS2 to high, the critical
// alarm stays unacknowledged past its deadline, and the tenant's on-call subscriptions hear it —
// a signed webhook and an e-mail over real SMTP — with the alarm id, the patient's pseudonymous id
// and a link, never the patient's name or vitals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import { loadConfig } from '../../platform/config.ts';
import { verifySignature } from '../../platform/notify/signature.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectAll, enrol, eventually, HIGH, sendSet, type Device, type EnrolledPatient } from '../../validation/support/healthcare-steps.ts';
import { startReceiver, startSmtp } from '../support/receivers.ts';

const ESCALATE_MS = 600;

let h: Harness;
let admin: ApiClient;
let op: ApiClient;
let patient: EnrolledPatient;
let devices: Record<string, Device>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let hook: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  smtp = await startSmtp();
  hook = await startReceiver();
  h = await bootHarness({
    pilots: [createHealthcarePilot({ escalateAfterMs: ESCALATE_MS })],
    tenantPilots: ['healthcare'],
    config: { notify: { ...loadConfig({}).notify, allowLocalTargets: true, smtp: { url: smtp.url, from: 'Custodia <alarms@custodia.test>' } } },
  });
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  op = await h.as(h.tenants.a.users.operator);
  patient = await enrol(op);
  devices = await connectAll(h, 'tenant-a', patient);
});

afterAll(async () => {
  for (const d of Object.values(devices ?? {})) await d.close().catch(() => undefined);
  await h?.close();
  hook?.close();
  await smtp?.close();
});

describe('on-call escalation of a critical NEWS2 alarm', () => {
  it('reaches the on-call webhook and e-mail, with ids and a link only (ASVS 8.3.4)', async () => {
    const onCall = { events: ['escalated'], severities: ['critical'], pilots: ['healthcare'] };
    const web = await admin.post('/api/v1/notifications/subscriptions', { channel: 'webhook', name: 'on-call system', url: hook.url, ...onCall });
    const mail = await admin.post('/api/v1/notifications/subscriptions', { channel: 'email', name: 'on-call nurse', to: ['night-nurse@care.example.org'], ...onCall });
    expect([web.status, mail.status]).toEqual([201, 201]);

    await sendSet(devices, HIGH, Date.now() - 60_000);
    const alarm = await eventually(async () => (await op.get(`/api/v1/alarms?state=active`)).body.items.find((a: { severity: string; subject: string }) => a.severity === 'critical' && a.subject === patient.id), 'the critical NEWS2 alarm');
    expect(alarm.type).toBe('news2');

    // NEWS2 may first rise to critical while the set's devices report one by one (an escalation by
    // severity); the on-call escalation is the one past the deadline.
    const hit = await eventually(() => hook.got.find((g) => g.body.includes(alarm.id) && g.body.includes('"reason":"unacknowledged"')), 'the on-call webhook', ESCALATE_MS + 5000);
    const ts = String(hit.headers['x-custodia-timestamp']);
    expect(verifySignature(web.body.secret, ts, hit.body, String(hit.headers['x-custodia-signature']), Date.now())).toBe(true);
    expect(JSON.parse(hit.body)).toMatchObject({ event: 'alarm.escalated', alarm: { id: alarm.id, severity: 'critical', pilot: 'healthcare', subject: patient.id, reason: 'unacknowledged' } });
    const email = await eventually(() => smtp.mails.find((m) => m.raw.includes(alarm.id) && m.raw.includes('unacknowledged past its deadline')), 'the on-call e-mail', 5000);
    expect(email.to).toEqual(['night-nurse@care.example.org']);

    // Only escalations were subscribed to (not the raise), the deadline's once; nothing personal left the platform.
    await h.platform.services.notifications.idle();
    const mine = hook.got.filter((g) => g.body.includes(alarm.id)).map((g) => JSON.parse(g.body) as { event: string; alarm: { reason: string } });
    expect(mine.every((m) => m.event === 'alarm.escalated')).toBe(true);
    expect(mine.filter((m) => m.alarm.reason === 'unacknowledged')).toHaveLength(1);
    for (const text of [hit.body, email.raw]) {
      expect(text).not.toContain('Synthia');
      expect(text).not.toContain('Testcase');
      expect(text).not.toContain('SYN-');
      expect(text).not.toMatch(/spo2|"88"|39\.5|NEWS2 \d/);
    }
  });
});
