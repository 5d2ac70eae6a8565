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
  app.use(authenticate(sessions, audit, [], tenants, createLogger('silent')));
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

describe('a CSRF refusal whose audit write fails (ASVS 7.1.3)', () => {
  it('is still refused, and the lost audit entry is logged without personal data', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const failing = { record: async () => Promise.reject(new Error('audit store unavailable')), recordLimited: () => undefined } as never;
    const app = express();
    app.use(authenticate(sessions, failing, [], tenants, logger));
    app.post('/patients/:id', (_req, res) => void res.json({ ok: true }));
    app.use(errorHandler(createLogger('silent'), audit));
    const srv = app.listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/patients/p-123`, {
        method: 'POST',
        headers: { cookie: `${SESSION_COOKIE}=cookie-token-0123456789`, [CSRF_HEADER]: 'wrong' },
      });
      expect(res.status).toBe(403);
      await new Promise((r) => setTimeout(r, 50));
      const logged = lines.filter((l) => l.msg === 'audit of a CSRF refusal failed');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: 50, scope: 't1', action: 'api.csrf-rejected', method: 'POST' });
      expect((logged[0]!.err as { message: string }).message).toBe('audit store unavailable');
      // Neither the user's name nor the path (which names a patient) reaches the log.
      expect(JSON.stringify(logged[0])).not.toMatch(/user:op|p-123/);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
