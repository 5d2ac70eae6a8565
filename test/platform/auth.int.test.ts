// Authentication and session management over real HTTP (ASVS 4.0.3 level 2, chapters 2, 3, 4, 14).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await bootHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('login and sessions', () => {
  it('a correct password yields a session; wrong ones a problem+json 401 (ASVS 2.2.1)', async () => {
    const api = h.anonymous();
    const bad = await api.post('/api/v1/auth/login', { username: h.tenants.a.users.operator, password: 'wrong-password-123' });
    expect(bad.status).toBe(401);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body.detail).toBe('wrong username or password');
    const unknown = await api.post('/api/v1/auth/login', { username: 'nobody-here', password: 'wrong-password-123' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe(bad.body.detail); // no account enumeration
    const ok = await api.loginWithCookie(h.tenants.a.users.operator, TEST_PASSWORD);
    const me = await ok.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(h.tenants.a.users.operator);
    expect(me.body.user.passwordHash).toBeUndefined();
    expect(me.body.tenant.id).toBe('tenant-a');
  });

  it('the session cookie is HttpOnly and SameSite=Strict (ASVS 3.4.2, 3.4.3)', async () => {
    const res = await h.anonymous().post('/api/v1/auth/login', { username: h.tenants.a.users.auditor, password: TEST_PASSWORD });
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('custodia_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(res.body.token).toBeUndefined(); // the cookie login never exposes the token to scripts
  });

  it('five wrong passwords lock the account even for the right password (ASVS 2.2.1)', async () => {
    const api = h.anonymous();
    const user = h.tenants.b.users.evaluator;
    for (let i = 0; i < 5; i++) {
      expect((await api.post('/api/v1/auth/login', { username: user, password: `nope-nope-nope-${i}` })).status).toBe(401);
    }
    const locked = await api.post('/api/v1/auth/login', { username: user, password: TEST_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    const auditor = await h.as(h.tenants.b.users.auditor);
    const log = await auditor.get('/api/v1/audit?action=auth.lockout');
    expect(log.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('logout ends the session server-side (ASVS 3.3.1)', async () => {
    const api = await new ApiClient(h.url).loginWithCookie(h.tenants.a.users['tenant-admin'], TEST_PASSWORD);
    const cookie = api.cookie;
    expect((await api.post('/api/v1/auth/logout')).status).toBe(204);
    const replay = new ApiClient(h.url);
    replay.cookie = cookie;
    expect((await replay.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('a cookie-authenticated write without the CSRF token is refused (ASVS 4.2.2)', async () => {
    const api = await new ApiClient(h.url).loginWithCookie(h.tenants.a.users['tenant-admin'], TEST_PASSWORD);
    const csrf = api.csrf;
    api.csrf = undefined;
    const refused = await api.post('/api/v1/keys/rotate');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/CSRF/);
    const crossSite = await api.request('POST', '/api/v1/keys/rotate', {}, { 'x-csrf-token': csrf!, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    api.csrf = csrf;
    expect((await api.post('/api/v1/keys/rotate')).status).toBe(200);
  });

  it('security headers are set on every response (ASVS 14.4.3–14.4.7)', async () => {
    const res = await h.anonymous().get('/healthz');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('bad input gets a clear 4xx and never a 500 (ASVS 5.1.3, 13.2.5)', () => {
  it.each([
    ['malformed JSON', '{"username": ', 400, /not valid JSON/],
    ['wrong types', JSON.stringify({ username: 42, password: true }), 400, /username/],
    ['unknown fields', JSON.stringify({ username: 'x', password: 'y', role: 'platform-admin' }), 400, /role|unrecognized/i],
    ['an oversize body', JSON.stringify({ username: 'x', password: 'y'.repeat(70_000) }), 413, /size limit/],
  ])('%s → %i problem+json', async (_what, raw, status, detail) => {
    const res = await h.anonymous().request('POST', '/api/v1/auth/login', raw, { 'content-type': 'application/json' });
    expect(res.status).toBe(status);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.detail).toMatch(detail);
  });

  it('bad ids, bad queries and non-JSON bodies are 4xx problems', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const op = await h.as(h.tenants.a.users.operator);
    const cases = [
      await admin.get('/api/v1/devices/NOT%20AN%20ID'),
      await admin.get('/api/v1/users/..%2F..%2Fetc'),
      await op.get('/api/v1/alarms?limit=999999'),
      await op.get('/api/v1/alarms?state=bogus'),
      await op.get('/api/v1/alarms/not-a-uuid'),
      await admin.request('POST', '/api/v1/devices', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' }),
      await admin.post('/api/v1/devices', { id: 'ok-device-1', kind: 'unknown-kind' }),
    ];
    for (const res of cases) {
      expect([400, 404, 415]).toContain(res.status);
      expect(res.contentType).toContain('application/problem+json');
      expect(typeof res.body.detail).toBe('string');
    }
  });

  it('unauthenticated requests are 401 problems', async () => {
    const res = await h.anonymous().get('/api/v1/alarms');
    expect(res.status).toBe(401);
    expect(res.contentType).toContain('application/problem+json');
  });
});
