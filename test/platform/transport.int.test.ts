// Transport of the API: X-Forwarded-For is believed only from proxies named in TRUST_PROXY, and
// the API/dashboard listener speaks HTTPS when a certificate is configured. The certificate is
// generated for the test with the system's openssl.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../platform/config.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';

const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));
const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

/** A strict per-address login limit, so the address the platform believes is observable. */
const login = { ...testConfig().login, rateLimitPerMinute: 3 };

/** Failed logins, each claiming another client address; true when one was refused as rate limited. */
async function limitedAcrossForwardedAddresses(post: (body: unknown, headers: Record<string, string>) => Promise<number>): Promise<boolean> {
  const statuses: number[] = [];
  for (let i = 1; i <= 5; i++) {
    statuses.push(await post({ username: `nobody-${i}`, password: 'not-the-password-1' }, { 'x-forwarded-for': `198.51.100.${i}` }));
  }
  expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  return statuses.includes(429);
}

describe('X-Forwarded-For', () => {
  it('is ignored by default: a client cannot pick the address the login limiter counts (ASVS 14.5.4, 2.2.1)', async () => {
    const h = await bootHarness({ config: { login } });
    harnesses.push(h);
    const post = async (body: unknown, headers: Record<string, string>) => (await h.anonymous().request('POST', '/api/v1/auth/token', body, headers)).status;
    expect(await limitedAcrossForwardedAddresses(post)).toBe(true);
  });
});

function httpsRequest(url: string, ca: Buffer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request(new URL(path, url), { method, ca, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe.skipIf(!openssl)(`HTTPS listener${openssl ? '' : ' — skipped: openssl not installed'}`, () => {
  it('serves the API over TLS with Secure cookies, and a trusted proxy’s X-Forwarded-For is believed (ASVS 9.1.1, 9.1.2, 3.4.1, 14.5.4; ETSI 5.5-1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodia-https-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(openssl!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const h = await bootHarness({ config: { login, https: { cert, key }, trustProxy: ['loopback'] } });
    harnesses.push(h);
    expect(h.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(cert);

    expect((await httpsRequest(h.url, ca, 'GET', '/healthz')).status).toBe(200);
    const loggedIn = await httpsRequest(h.url, ca, 'POST', '/api/v1/auth/login', { username: h.tenants.a.users.operator, password: 'correct-horse-battery-staple-1' });
    expect(loggedIn.status).toBe(200);
    const cookies = loggedIn.headers['set-cookie'] as string[];
    expect(cookies.find((c) => c.startsWith('custodia_session='))).toMatch(/;\s*Secure/i);
    expect(String(loggedIn.headers['strict-transport-security'])).toMatch(/max-age=\d+/);

    // A client that does not trust the certificate refuses it; plain HTTP gets no API.
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    await expect(fetch(h.url.replace('https:', 'http:') + '/healthz', { signal: AbortSignal.timeout(3000) })).rejects.toThrow();

    // Behind the trusted (loopback) proxy each forwarded address has its own login budget.
    const post = async (body: unknown, headers: Record<string, string>) => (await httpsRequest(h.url, ca, 'POST', '/api/v1/auth/token', body, headers)).status;
    expect(await limitedAcrossForwardedAddresses(post)).toBe(false);
  });
});
