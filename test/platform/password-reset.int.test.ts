// A tenant-admin resets a user's forgotten password (POST /api/v1/users/:id/reset-password): the
// new random password is answered once (no-store) and works, the old one and the user's sessions
// end, the audit chain records the reset without the password, and nobody else may do it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootHarness, TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { asTenantId } from '../../platform/ids.ts';

let h: Harness;
const userId = async (username: string) => (await h.platform.services.users.findByUsername(username))!.id;

beforeAll(async () => {
  h = await bootHarness({});
});

afterAll(async () => {
  await h?.close();
});

describe('password reset by the tenant administrator', () => {
  it('answers a new random password once, which works; the old one and open sessions end (ASVS 2.3.1, 3.3.3)', async () => {
    const username = 'tenant-a-forgetful';
    await h.platform.services.users.create({ username, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('tenant-a') });
    const before = await h.as(username);
    expect((await before.get('/api/v1/auth/me')).status).toBe(200);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const res = await admin.post(`/api/v1/users/${await userId(username)}/reset-password`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const password = res.body.password as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(res.body.user).not.toHaveProperty('passwordHash');
    expect((await before.get('/api/v1/auth/me')).status).toBe(401);
    expect((await h.anonymous().post('/api/v1/auth/login', { username, password: TEST_PASSWORD })).status).toBe(401);
    expect((await h.anonymous().post('/api/v1/auth/login', { username, password })).status).toBe(200);
    // A second reset draws another password.
    const again = await admin.post(`/api/v1/users/${await userId(username)}/reset-password`);
    expect(again.body.password).not.toBe(password);

    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = await auditor.get('/api/v1/audit?action=user.password-reset');
    expect(log.body.items.length).toBe(2);
    expect(JSON.stringify(log.body.items)).not.toContain(password);
  });

  it("another tenant's user is not found (ASVS 4.2.1)", async () => {
    const adminB = await h.as(h.tenants.b.users['tenant-admin']);
    const res = await adminB.post(`/api/v1/users/${await userId(h.tenants.a.users.operator)}/reset-password`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    await h.as(h.tenants.a.users.operator); // the operator's password is unchanged
  });

  it.each(['operator', 'auditor', 'evaluator'] as const)('a tenant %s may not reset passwords (ASVS 4.1.3)', async (role) => {
    const target = role === 'operator' ? h.tenants.a.users.auditor : h.tenants.a.users.operator;
    const client = await h.as(h.tenants.a.users[role]);
    expect((await client.post(`/api/v1/users/${await userId(target)}/reset-password`)).status).toBe(403);
  });

  it('the administrator cannot reset their own password this way', async () => {
    const username = h.tenants.a.users['tenant-admin'];
    const admin = await h.as(username);
    expect((await admin.post(`/api/v1/users/${await userId(username)}/reset-password`)).status).toBe(400);
  });
});
