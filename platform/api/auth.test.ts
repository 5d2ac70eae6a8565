import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sessions } from '../identity/sessions.ts';
import { authenticate, CSRF_HEADER, SESSION_COOKIE } from './auth.ts';
import { errorHandler } from './problem.ts';
import { createLogger } from '../logger.ts';

// The middleware against a fake session store (the layer below); the real one is covered by
// test/platform/auth.int.test.ts.
const session = { userId: 'u1', username: 'op', role: 'operator', tenantId: 't1', csrfHash: 'x', createdAt: 0, expiresAt: Date.now() + 60_000 };
const sessions = { resolve: async (t: string) => (t === 'cookie-token-0123456789' ? session : null) } as unknown as Sessions;
const audit = { record: async () => undefined, recordLimited: () => undefined } as never;
// The session's tenant is active: these tests are about the Origin check.
const tenants = { get: async (id: string) => ({ id, status: 'active' }) } as never;

let server: Server;
let base = '';
beforeAll(async () => {
  const app = express();
  app.use(authenticate(sessions, audit, [], tenants));
  app.post('/w', (_req, res) => void res.json({ ok: true }));
  app.use(errorHandler(createLogger('silent'), audit));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Origin check of cookie-authenticated writes (ASVS 4.2.2, 5.1.3)', () => {
  it.each(['null', 'garbage', '${jndi:ldap://x}', 'http://[::1'])('refuses an unparsable Origin %s with 403, not 500', async (origin) => {
    const res = await fetch(`${base}/w`, {
      method: 'POST',
      headers: { cookie: `${SESSION_COOKIE}=cookie-token-0123456789`, origin, [CSRF_HEADER]: 'wrong' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
