// Resolving an alarm by hand over the API: a note is required, the change is audited, a second
// resolution is a conflict, and roles without alarms:ack are refused — every error as
// problem+json (docs/security.md, ASVS 4.1.3 least privilege; ASVS 7.1.3 audit of actions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { Alarm } from '../../platform/contract.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';

let h: Harness;
const raise = (title: string) =>
  runInTenant(systemContext('test', asTenantId(h.tenants.a.id)), () =>
    h.platform.services.alarms.raise({ source: `device:${title}`, type: 'test.resolve', severity: 'critical', title }),
  ).then((r) => r.alarm);

beforeAll(async () => {
  h = await bootHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('POST /alarms/:id/resolve', () => {
  it('an operator resolves an alarm with a note; the audit log records who and why (ASVS 7.1.3)', async () => {
    const alarm = await raise('door-sensor');
    const op = await h.as(h.tenants.a.users.operator);
    const res = await op.post(`/api/v1/alarms/${alarm.id}/resolve`, { note: 'battery replaced on site' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body as Alarm).toMatchObject({ id: alarm.id, state: 'cleared', resolutionNote: 'battery replaced on site' });
    expect((res.body as Alarm).clearedBy).toContain(h.tenants.a.users.operator);
    const again = await op.post(`/api/v1/alarms/${alarm.id}/resolve`, { note: 'twice' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = await auditor.get('/api/v1/audit?action=alarm.resolve');
    expect(log.status).toBe(200);
    expect(JSON.stringify(log.body)).toContain(`alarm:${alarm.id}`);
  });

  it('a resolution without a note, or with a bidi override, is refused as problem+json and changes nothing', async () => {
    const alarm = await raise('window-sensor');
    const op = await h.as(h.tenants.a.users.operator);
    for (const bad of [{}, { note: '   ' }, { note: 'fixed\u202Etxt.exe' }, { note: 'ok', extra: 1 }]) {
      const res = await op.post(`/api/v1/alarms/${alarm.id}/resolve`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect((await op.get(`/api/v1/alarms/${alarm.id}`)).body.state).toBe('active-unacknowledged');
  });

  it('roles without alarms:ack and other tenants cannot resolve (ASVS 4.1.3)', async () => {
    const alarm = await raise('flood-sensor');
    const auditor = await h.as(h.tenants.a.users.auditor);
    expect((await auditor.post(`/api/v1/alarms/${alarm.id}/resolve`, { note: 'no' })).status).toBe(403);
    const other = await h.as(h.tenants.b.users.operator);
    expect((await other.post(`/api/v1/alarms/${alarm.id}/resolve`, { note: 'no' })).status).toBe(404);
    const op = await h.as(h.tenants.a.users.operator);
    expect((await op.get(`/api/v1/alarms/${alarm.id}`)).body.state).toBe('active-unacknowledged');
  });
});
