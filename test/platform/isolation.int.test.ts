// Tenant isolation matrix (docs/architecture.md, tenancy): a principal of tenant A against every
// tenant-scoped route and realtime room of tenant B gets 403/404, never data; each attempt is
// audited. Runs on the embedded SQLite store and, when a server is reachable, on PostgreSQL.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, testStores, type Harness, type TestStore } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';

const stores = await testStores();
for (const store of stores.run) isolationSuite(store);
for (const { store, reason } of stores.skipped) {
  describe.skip(`tenant A cannot reach tenant B (${store}) — ${reason}`, () => {
    it('runs the isolation matrix on this store', () => expect.unreachable());
  });
}

function isolationSuite(store: TestStore): void {
  let h: Harness;
  let bAdmin: ApiClient;
  let bOperator: ApiClient;
  const b: { deviceId: string; userId: string; alarmId: string; commandId: string } = { deviceId: 'b-probe-1', userId: '', alarmId: '', commandId: '' };

  describe(`tenant A cannot reach tenant B (${store})`, () => {
    beforeAll(async () => {
      h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'], store });
      expect(h.platform.services.storage.kind).toBe(store);
      bAdmin = await h.as(h.tenants.b.users['tenant-admin']);
      bOperator = await h.as(h.tenants.b.users.operator);
      expect((await bAdmin.post('/api/v1/devices', { id: b.deviceId, kind: 'probe-sensor' })).status).toBe(201);
      b.userId = (await bAdmin.get('/api/v1/users')).body.items[0].id;
      const cmd = await bOperator.post('/api/v1/commands', { deviceId: b.deviceId, name: 'ping', payload: {} });
      expect(cmd.status).toBe(202);
      b.commandId = cmd.body.id;
      const { runInTenant, systemContext } = await import('../../platform/tenancy/context.ts');
      const { asTenantId } = await import('../../platform/ids.ts');
      const raised = await runInTenant(systemContext('test', asTenantId('tenant-b')), () =>
        h.platform.services.alarms.raise({ source: 'device:b-probe-1', type: 'test', severity: 'minor', title: 'test alarm' }),
      );
      b.alarmId = raised.alarm.id;
    });
    afterAll(async () => {
      await h?.close();
    });

    const routes = () =>
      [
        ['GET', `/api/v1/devices/${b.deviceId}`],
        ['POST', `/api/v1/devices/${b.deviceId}/rotate`],
        ['POST', `/api/v1/devices/${b.deviceId}/revoke`],
        ['DELETE', `/api/v1/devices/${b.deviceId}`],
        ['PATCH', `/api/v1/users/${b.userId}`],
        ['DELETE', `/api/v1/users/${b.userId}`],
        ['GET', `/api/v1/alarms/${b.alarmId}`],
        ['POST', `/api/v1/alarms/${b.alarmId}/ack`],
        ['GET', `/api/v1/commands/${b.commandId}`],
        ['POST', '/api/v1/commands'],
      ] as const;

    it('every tenant-scoped route answers 403 or 404 to tenant A principals of every role (ASVS 4.2.1, 4.1.1)', async () => {
      for (const role of ['tenant-admin', 'operator', 'auditor', 'evaluator'] as const) {
        const a = await h.as(h.tenants.a.users[role]);
        for (const [method, path] of routes()) {
          const body = path === '/api/v1/commands' ? { deviceId: b.deviceId, name: 'ping' } : method === 'PATCH' ? { displayName: 'x' } : {};
          const res = await a.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : body);
          expect([403, 404], `${role} ${method} ${path} → ${res.status}`).toContain(res.status);
          expect(JSON.stringify(res.body)).not.toContain('test alarm');
        }
      }
    });

    it('lists only ever show the caller’s own tenant', async () => {
      const aAdmin = await h.as(h.tenants.a.users['tenant-admin']);
      const aOp = await h.as(h.tenants.a.users.operator);
      expect((await aAdmin.get('/api/v1/devices')).body.items.map((d: { id: string }) => d.id)).not.toContain(b.deviceId);
      expect((await aAdmin.get('/api/v1/users')).body.items.every((u: { tenantId: string }) => u.tenantId === 'tenant-a')).toBe(true);
      expect((await aOp.get('/api/v1/alarms')).body.items).toEqual([]);
      expect((await aOp.get('/api/v1/commands')).body.items).toEqual([]);
    });

    it('the refusals are in tenant A’s audit log', async () => {
      const auditor = await h.as(h.tenants.a.users.auditor);
      const log = await auditor.get('/api/v1/audit?action=api.refused&limit=1000');
      expect(log.body.items.length).toBeGreaterThanOrEqual(routes().length);
    });

    it('the platform operator manages tenants but reads no tenant data (ASVS 4.1.3)', async () => {
      const root = await h.as('root-admin');
      expect((await root.get('/api/v1/tenants')).status).toBe(200);
      for (const path of ['/api/v1/alarms', '/api/v1/devices', '/api/v1/users', '/api/v1/commands', `/api/v1/devices/${b.deviceId}`]) {
        expect((await root.get(path)).status, path).toBe(403);
      }
      const audit = await root.get('/api/v1/audit');
      expect(audit.status).toBe(200);
      expect(audit.body.chain).toBe('_platform');
    });

    it('a socket of tenant A hears its own tenant only and cannot join B’s rooms', async () => {
      const aOp = await h.as(h.tenants.a.users.operator);
      const sock: Socket = io(h.url, { auth: { token: aOp.token }, transports: ['websocket'], reconnection: false });
      const alarms: unknown[] = [];
      sock.on('alarm', (a) => alarms.push(a));
      await new Promise<void>((resolve, reject) => {
        sock.once('hello', () => resolve());
        sock.once('connect_error', reject);
      });
      const reply = await sock.emitWithAck('subscribe', { tenant: 'tenant-b', room: 'device:b-probe-1' });
      expect(reply).toEqual({ ok: false, error: 'forbidden' });
      const { runInTenant, systemContext } = await import('../../platform/tenancy/context.ts');
      const { asTenantId } = await import('../../platform/ids.ts');
      await runInTenant(systemContext('test', asTenantId('tenant-b')), () =>
        h.platform.services.alarms.raise({ source: 'device:b-probe-1', type: 'second', severity: 'major', title: 'b only' }),
      );
      await runInTenant(systemContext('test', asTenantId('tenant-a')), () =>
        h.platform.services.alarms.raise({ source: 'device:a-x', type: 'mine', severity: 'minor', title: 'a only' }),
      );
      await expect.poll(() => alarms.length, { timeout: 3000 }).toBe(1);
      expect((alarms[0] as { title: string }).title).toBe('a only');
      sock.close();
      const auditor = await h.as(h.tenants.a.users.auditor);
      const log = await auditor.get('/api/v1/audit?action=realtime.subscribe');
      expect(log.body.items.some((e: { outcome: string }) => e.outcome === 'denied')).toBe(true);
    });

    it('a socket without a valid session is refused at handshake', async () => {
      const sock = io(h.url, { auth: { token: 'not-a-real-session-token-000000' }, transports: ['websocket'], reconnection: false });
      const err = await new Promise<Error>((resolve) => sock.once('connect_error', resolve));
      expect(err.message).toBe('unauthorized');
      sock.close();
    });
  });
}
