// A tenant-admin resets a user's forgotten password (POST /api/v1/users/:id/reset-password): the
// new random password is answered once (no-store), the old one and the user's sessions end, the
// audit chain records the reset without the password, and nobody else may do it. The new password
// is a one-time one: it opens no session, only the change to a password of the user's own choosing
// (POST /api/v1/auth/password), and only for three days.
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
    // It opens no session: a one-time password is only good for choosing one's own.
    const login = await h.anonymous().post('/api/v1/auth/login', { username, password });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('password-change-required');
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

  it('the reset password is one-time: it opens no session, only the change to a password of the user’s own, and then works no more (ASVS 2.3.1, 2.1.6)', async () => {
    const username = 'tenant-a-new-starter';
    await h.platform.services.users.create({ username, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('tenant-a') });
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const t0 = Date.now();
    const reset = await admin.post(`/api/v1/users/${await userId(username)}/reset-password`);
    const oneTime = reset.body.password as string;
    // Bounded: three days from the reset.
    expect(reset.body.user.passwordTemporaryUntil).toBeGreaterThanOrEqual(t0 + 72 * 3_600_000);
    expect(reset.body.user.passwordTemporaryUntil).toBeLessThanOrEqual(Date.now() + 72 * 3_600_000);
    const login = await h.anonymous().post('/api/v1/auth/login', { username, password: oneTime });
    expect(login.status).toBe(403);
    expect(login.headers.get('content-type')).toMatch(/problem\+json/);
    expect(login.body).toMatchObject({ code: 'password-change-required', until: reset.body.user.passwordTemporaryUntil });
    expect((await h.anonymous().post('/api/v1/auth/token', { username, password: oneTime })).status).toBe(403);

    const mine = 'my-own-long-passphrase-7';
    const change = (currentPassword: string, newPassword: string) => h.anonymous().post('/api/v1/auth/password', { username, currentPassword, newPassword });
    expect((await change('not-the-one-time-password', mine)).status).toBe(401);
    expect((await change(oneTime, 'short')).status).toBe(400);
    expect((await change(oneTime, oneTime)).status).toBe(400);
    expect((await h.anonymous().post('/api/v1/auth/password', { username, currentPassword: oneTime, newPassword: mine, role: 'tenant-admin' })).status).toBe(400);
    expect((await change(oneTime, mine)).status).toBe(204);

    expect((await h.anonymous().post('/api/v1/auth/login', { username, password: oneTime })).status).toBe(401);
    expect((await change(oneTime, 'another-long-passphrase')).status).toBe(401);
    const me = await (await h.anonymous().login(username, mine)).get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).not.toHaveProperty('passwordTemporaryUntil');
    const log = await (await h.as(h.tenants.a.users.auditor)).get('/api/v1/audit?action=user.password-change');
    expect(log.body.items.map((e: { outcome: string; details: unknown }) => [e.outcome, e.details])).toContainEqual(['success', JSON.stringify({ wasTemporary: true })]);
    expect(JSON.stringify(log.body.items)).not.toContain(mine);
  });

  it('a one-time password not used within three days expires: neither a session nor a change (ASVS 2.3.1)', async () => {
    const username = 'tenant-a-on-leave';
    await h.platform.services.users.create({ username, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('tenant-a') });
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const id = await userId(username);
    const oneTime = (await admin.post(`/api/v1/users/${id}/reset-password`)).body.password as string;
    // Three days pass (the deadline is stored with the user).
    await h.platform.services.users.update(id, { temporaryUntil: Date.now() - 1 });
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/password']) {
      const res = await h.anonymous().post(path, path.endsWith('login') ? { username, password: oneTime } : { username, currentPassword: oneTime, newPassword: 'a-fresh-long-passphrase' });
      expect(res.status, path).toBe(401);
      expect(res.body.code, path).toBe('temporary-password-expired');
    }
    // A wrong password says nothing of it (no hint to who does not hold the one-time password).
    expect((await h.anonymous().post('/api/v1/auth/login', { username, password: 'wrong-password-here' })).body.code).toBeUndefined();
    // A new reset gives a new three days.
    const again = (await admin.post(`/api/v1/users/${id}/reset-password`)).body.password as string;
    expect((await h.anonymous().post('/api/v1/auth/password', { username, currentPassword: again, newPassword: 'a-fresh-long-passphrase' })).status).toBe(204);
  });

  it('a password the administrator sets (PATCH /users/:id) is one-time like a reset one: no session, only the change to one of the user’s own, for 72 hours (ASVS 2.1.5, 2.3.1)', async () => {
    const username = 'tenant-a-handed-over';
    await h.platform.services.users.create({ username, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('tenant-a') });
    const before = await h.as(username);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const id = await userId(username);
    const chosen = 'handed-over-in-person-42';
    const t0 = Date.now();
    const res = await admin.patch(`/api/v1/users/${id}`, { password: chosen });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).not.toHaveProperty('passwordHash');
    expect(res.body.passwordTemporaryUntil).toBeGreaterThanOrEqual(t0 + 72 * 3_600_000);
    expect(res.body.passwordTemporaryUntil).toBeLessThanOrEqual(Date.now() + 72 * 3_600_000);
    expect((await before.get('/api/v1/auth/me')).status).toBe(401);
    const login = await h.anonymous().post('/api/v1/auth/login', { username, password: chosen });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('password-change-required');
    expect((await h.anonymous().post('/api/v1/auth/token', { username, password: chosen })).status).toBe(403);
    // Three days pass: it no longer opens even the change.
    await h.platform.services.users.update(id, { temporaryUntil: Date.now() - 1 });
    const late = await h.anonymous().post('/api/v1/auth/password', { username, currentPassword: chosen, newPassword: 'too-late-long-passphrase' });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('temporary-password-expired');
    // Set again, it is replaced by the user's own, which then signs in.
    await admin.patch(`/api/v1/users/${id}`, { password: chosen });
    expect((await h.anonymous().post('/api/v1/auth/password', { username, currentPassword: chosen, newPassword: 'now-my-own-passphrase' })).status).toBe(204);
    expect((await (await h.anonymous().login(username, 'now-my-own-passphrase')).get('/api/v1/auth/me')).status).toBe(200);
    // A change of name or role leaves a password as it is.
    expect((await admin.patch(`/api/v1/users/${id}`, { displayName: 'Renamed' })).body).not.toHaveProperty('passwordTemporaryUntil');
  });

  it('the administrator cannot set their own password with PATCH /users/:id (it is changed by proving the current one)', async () => {
    const username = h.tenants.a.users['tenant-admin'];
    const admin = await h.as(username);
    const res = await admin.patch(`/api/v1/users/${await userId(username)}`, { password: 'a-new-long-passphrase' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await h.anonymous().post('/api/v1/auth/login', { username, password: TEST_PASSWORD })).status).toBe(200); // unchanged
  });

  it('a user changes their own password by proving the current one; their sessions end (ASVS 2.1.5, 2.1.6, 3.3.3)', async () => {
    const username = 'tenant-a-careful';
    await h.platform.services.users.create({ username, password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('tenant-a') });
    const before = await h.as(username);
    const res = await h.anonymous().post('/api/v1/auth/password', { username, currentPassword: TEST_PASSWORD, newPassword: 'a-changed-long-passphrase' });
    expect(res.status).toBe(204);
    expect((await before.get('/api/v1/auth/me')).status).toBe(401);
    expect((await h.anonymous().post('/api/v1/auth/login', { username, password: TEST_PASSWORD })).status).toBe(401);
    expect((await (await h.anonymous().login(username, 'a-changed-long-passphrase')).get('/api/v1/auth/me')).status).toBe(200);
  });
});
