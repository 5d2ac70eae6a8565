// A device's command history from the server (GET /api/v1/commands): newest first, a page at a
// time with `offset` and `next`, so a console's "last command" survives navigation and reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';

let h: Harness;
let op: ApiClient;

beforeAll(async () => {
  h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'] });
  const admin = await h.as(h.tenants.a.users['tenant-admin']);
  for (const id of ['hist-1', 'hist-2']) expect((await admin.post('/api/v1/devices', { id, kind: 'probe-sensor' })).status).toBe(201);
  op = await h.as(h.tenants.a.users.operator);
  for (let i = 0; i < 5; i++) expect((await op.post('/api/v1/commands', { deviceId: 'hist-1', name: 'dim', payload: { level: i * 10 } })).status).toBe(202);
  expect((await op.post('/api/v1/commands', { deviceId: 'hist-2', name: 'dim', payload: { level: 99 } })).status).toBe(202);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('command history by device', () => {
  it('pages newest first: 2 + 2 + 1, `next` null on the last page', async () => {
    const levels: number[] = [];
    const nexts: (number | null)[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const res: { status: number; body: { items: { deviceId: string; payload: { level: number } }[]; next: number | null } } = await op.get(`/api/v1/commands?deviceId=hist-1&limit=2&offset=${offset}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      for (const c of res.body.items) {
        expect(c.deviceId).toBe('hist-1');
        levels.push(c.payload.level);
      }
      nexts.push(res.body.next);
      offset = res.body.next;
    }
    expect(levels).toEqual([40, 30, 20, 10, 0]);
    expect(nexts).toEqual([2, 4, null]);
  });

  it('refuses a bad page with a problem document', async () => {
    for (const q of ['offset=-1', 'offset=x', 'limit=0', 'offset=10001', 'page=2']) {
      const res = await op.get(`/api/v1/commands?deviceId=hist-1&${q}`);
      expect(res.status, q).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
    }
  });

  it('another tenant sees none of them (ASVS 4.2.1)', async () => {
    const other = await h.as(h.tenants.b.users.operator);
    const res = await other.get('/api/v1/commands?deviceId=hist-1');
    expect(res.body).toEqual({ items: [], next: null });
  });
});
