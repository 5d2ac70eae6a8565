import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterEach, expect, it } from 'vitest';
import { forbidden } from '../errors.ts';
import { asTenantId } from '../ids.ts';
import { createLogger } from '../logger.ts';
import { errorHandler } from './problem.ts';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

it('a refusal is still answered when its audit record fails, and the audit failure is logged (ASVS 7.1.3)', async () => {
  const logged: { level: number; msg: string; action?: string; err?: { message?: string } }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(l));
      done();
    },
  });
  const audit = { record: async () => Promise.reject(new Error('audit store unavailable')) };
  const app = express();
  app.get('/x', (req, _res, next) => {
    req.principal = { kind: 'user', id: 'u-1', tenantId: asTenantId('tenant-a'), role: 'operator', label: 'user:u-1' };
    next(forbidden('not yours'));
  });
  app.use(errorHandler(createLogger('info', sink), audit));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  for (let i = 0; i < 50 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ level: 50, msg: 'audit record failed', action: 'api.refused' });
  expect(logged[0]!.err?.message).toBe('audit store unavailable');
});
