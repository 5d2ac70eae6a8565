// Outbound alarm notifications over real HTTP and real SMTP: a receiver that verifies the
// signature, a receiver failing twice before it succeeds, a dead letter after the bound and its
// retry, the on-call escalation of a critical alarm by e-mail, and the SSRF guard of the default
// configuration.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { verifySignature } from '../../platform/notify/signature.ts';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { eventually } from '../../validation/support/healthcare-steps.ts';
import { startReceiver as receiver, startSmtp } from '../support/receivers.ts';

describe('outbound alarm notifications (webhook and e-mail)', () => {
  let h: Harness;
  let admin: ApiClient;
  let auditor: ApiClient;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const base = loadConfig({}).notify;

  beforeAll(async () => {
    smtp = await startSmtp();
    h = await bootHarness({
      pilots: [createHealthcarePilot()],
      tenantPilots: ['healthcare'],
      config: {
        notify: {
          ...base,
          allowLocalTargets: true, // the receivers listen on loopback
          retryBaseMs: 30,
          maxAttempts: 3,
          timeoutMs: 2000,
          smtp: { url: smtp.url, from: 'Custodia <alarms@custodia.test>' },
          publicUrl: 'https://care.example.org',
        },
      },
    });
    admin = await h.as(h.tenants.a.users['tenant-admin']);
    auditor = await h.as(h.tenants.a.users.auditor);
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  /** The tenant's audit entries of one action, details parsed (the API stores them as JSON text). */
  const auditOf = async (action: string) => {
    const res = await auditor.get(`/api/v1/audit?action=${action}&limit=1000`);
    return (res.body.items as { outcome: string; target: string; details: string }[]).map((e) => ({ ...e, details: JSON.parse(e.details) as Record<string, unknown> }));
  };

  /** Raises an alarm as the healthcare pilot does (so it carries its pilot). */
  const raise = (input: { severity: 'minor' | 'critical'; escalateAfterMs?: number; type?: string }) => {
    const ctx = h.platform.pilotContext('healthcare');
    return ctx.inTenant(h.tenants.a.id, async () =>
      (
        await ctx.alarms.raise({
          source: `patient:${randomUUID()}`,
          type: input.type ?? 'news2-high',
          category: 'clinical',
          severity: input.severity,
          title: 'NEWS2 high',
          detail: { score: 9, spo2: 88 },
          subject: randomUUID(),
          ...(input.escalateAfterMs ? { escalateAfterMs: input.escalateAfterMs } : {}),
        })
      ).alarm,
    );
  };

  it('signs each webhook with HMAC-SHA256 over timestamp and body, sends ids only, keeps the secret sealed (ASVS 8.3.4, 6.1.1)', async () => {
    const r = await receiver(() => 204);
    const created = await admin.post('/api/v1/notifications/subscriptions', {
      channel: 'webhook',
      name: 'ward system',
      url: r.url,
      events: ['raised'],
      severities: ['critical'],
      pilots: ['healthcare'],
    });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await admin.get(`/api/v1/notifications/subscriptions/${created.body.subscription.id}`);
    expect(listed.body).not.toHaveProperty('secret');

    await raise({ severity: 'minor' }); // filtered out by severity
    const alarm = await raise({ severity: 'critical' });
    await eventually(() => r.got.length >= 1, 'the webhook');
    await h.platform.services.notifications.idle();
    expect(r.got).toHaveLength(1);
    const [hit] = r.got;
    const ts = String(hit!.headers['x-custodia-timestamp']);
    expect(verifySignature(secret, ts, hit!.body, String(hit!.headers['x-custodia-signature']), Date.now())).toBe(true);
    expect(verifySignature('wrong-secret', ts, hit!.body, String(hit!.headers['x-custodia-signature']), Date.now())).toBe(false);
    const msg = JSON.parse(hit!.body);
    expect(msg).toMatchObject({ event: 'alarm.raised', tenant: h.tenants.a.id, alarm: { id: alarm.id, severity: 'critical', pilot: 'healthcare', subject: alarm.subject, link: `https://care.example.org/api/v1/alarms/${alarm.id}` } });
    expect(hit!.body).not.toMatch(/spo2|score|NEWS2/);
    expect(hit!.headers['x-custodia-delivery']).toBe(msg.id);

    const mine = (await auditOf('notification.attempt')).filter((e) => e.details.alarm === alarm.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ outcome: 'success', target: `subscription:${created.body.subscription.id}`, details: { attempt: 1, status: 204 } });
    expect(JSON.stringify(mine[0])).not.toContain(secret);

    // Sealed at rest under the tenant's key: neither the secret nor the URL is in the store's bytes.
    const dir = join(h.config.dataDir, 'tenants');
    const bytes = Buffer.concat(readdirSync(dir).filter((f) => f.startsWith(h.tenants.a.id)).map((f) => readFileSync(join(dir, f))));
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(secret)).toBe(false);
    expect(bytes.includes(r.url)).toBe(false);

    // A rotated secret signs the next delivery; the old one no longer verifies.
    const rotated = await admin.post(`/api/v1/notifications/subscriptions/${created.body.subscription.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    const second = await raise({ severity: 'critical' });
    await eventually(() => r.got.some((g) => g.body.includes(second.id)), 'the webhook after rotation');
    const after = r.got.find((g) => g.body.includes(second.id))!;
    const ts2 = String(after.headers['x-custodia-timestamp']);
    expect(verifySignature(rotated.body.secret, ts2, after.body, String(after.headers['x-custodia-signature']), Date.now())).toBe(true);
    expect(verifySignature(secret, ts2, after.body, String(after.headers['x-custodia-signature']), Date.now())).toBe(false);

    expect((await admin.delete(`/api/v1/notifications/subscriptions/${created.body.subscription.id}`)).status).toBe(204);
    r.server.close();
  });

  it('retries with backoff: a receiver failing twice gets the same delivery a third time', async () => {
    let n = 0;
    const r = await receiver(() => (++n <= 2 ? 503 : 200));
    const { body } = await admin.post('/api/v1/notifications/subscriptions', { channel: 'webhook', name: 'flaky', url: r.url, events: ['raised'] });
    const alarm = await raise({ severity: 'critical' });
    await eventually(() => r.got.length >= 3, 'three attempts');
    await h.platform.services.notifications.idle();
    expect(r.got).toHaveLength(3);
    expect(new Set(r.got.map((g) => g.headers['x-custodia-delivery'])).size).toBe(1);
    expect((await admin.get('/api/v1/notifications/dead-letters')).body.items).toEqual([]);
    const outcomes = (await auditOf('notification.attempt'))
      .filter((e) => e.details.alarm === alarm.id)
      .map((e) => [e.details.attempt, e.outcome, e.details.status]);
    expect(outcomes).toEqual([
      [1, 'failure', 503],
      [2, 'failure', 503],
      [3, 'success', 200],
    ]);
    await admin.delete(`/api/v1/notifications/subscriptions/${body.subscription.id}`);
    r.server.close();
  });

  it('leaves a dead letter after the bound, visible to the tenant-admin only, and a retry delivers it', async () => {
    let status = 500;
    const r = await receiver(() => status);
    const { body } = await admin.post('/api/v1/notifications/subscriptions', { channel: 'webhook', name: 'down', url: r.url, events: ['raised'] });
    const alarm = await raise({ severity: 'critical' });
    await eventually(() => r.got.length >= 3, 'the dead letter');
    await h.platform.services.notifications.idle();
    const dead = await admin.get('/api/v1/notifications/dead-letters');
    expect(dead.body.items).toHaveLength(1);
    const dl = dead.body.items[0];
    expect(dl).toMatchObject({ subscriptionId: body.subscription.id, attempts: 3, lastStatus: 500, message: { alarm: { id: alarm.id } } });
    expect(r.got).toHaveLength(3);

    // Another tenant and other roles see none of it.
    const otherAdmin = await h.as(h.tenants.b.users['tenant-admin']);
    expect((await otherAdmin.get('/api/v1/notifications/dead-letters')).body.items).toEqual([]);
    expect((await otherAdmin.post(`/api/v1/notifications/dead-letters/${dl.id}/retry`)).status).toBe(404);
    const operator = await h.as(h.tenants.a.users.operator);
    const refused = await operator.get('/api/v1/notifications/dead-letters');
    expect(refused.status).toBe(403);
    expect(refused.contentType).toContain('application/problem+json');

    status = 200;
    const retried = await admin.post(`/api/v1/notifications/dead-letters/${dl.id}/retry`);
    expect(retried.body).toEqual({ delivered: true });
    expect(r.got).toHaveLength(4);
    expect(r.got[3]!.headers['x-custodia-delivery']).toBe(dl.message.id);
    expect((await admin.get('/api/v1/notifications/dead-letters')).body.items).toEqual([]);
    expect((await auditOf('notification.dead-letter')).some((e) => e.details.deadLetter === dl.id)).toBe(true);
    await admin.delete(`/api/v1/notifications/subscriptions/${body.subscription.id}`);
    r.server.close();
  });

  it('e-mails the on-call when a critical alarm stays unacknowledged past its deadline (real SMTP)', async () => {
    const { body, status } = await admin.post('/api/v1/notifications/subscriptions', {
      channel: 'email',
      name: 'on-call nurse',
      to: ['on-call@care.example.org'],
      events: ['escalated'],
      severities: ['critical'],
      pilots: ['healthcare'],
    });
    expect(status).toBe(201);
    expect(body).not.toHaveProperty('secret');
    const alarm = await raise({ severity: 'critical', escalateAfterMs: 150 });
    await eventually(() => smtp.mails.some((m) => m.raw.includes(alarm.id)), 'the e-mail');
    const mail = smtp.mails.find((m) => m.raw.includes(alarm.id))!;
    expect(mail.to).toEqual(['on-call@care.example.org']);
    expect(mail.raw).toContain('Subject: [Custodia] critical alarm escalated (healthcare)');
    expect(mail.raw).toContain('unacknowledged past its deadline');
    expect(mail.raw).toContain(alarm.subject!);
    expect(mail.raw).not.toMatch(/spo2|NEWS2 high/);
    await admin.delete(`/api/v1/notifications/subscriptions/${body.subscription.id}`);
  });

  it('validates subscriptions with zod and answers problem+json', async () => {
    const bad = await admin.post('/api/v1/notifications/subscriptions', { channel: 'webhook', name: 'x', url: 'https://example.org/', events: ['exploded'] });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    const own = await admin.post('/api/v1/notifications/subscriptions', { channel: 'webhook', name: 'x', url: 'https://example.org/', secret: 'chosen' });
    expect(own.status).toBe(400);
  });
});

describe('webhook targets under the default configuration (ASVS 12.6.1, 5.2.6)', () => {
  let h: Harness;
  let admin: ApiClient;
  beforeAll(async () => {
    h = await bootHarness();
    admin = await h.as(h.tenants.a.users['tenant-admin']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(['https://127.0.0.1:8080/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/x', 'https://10.0.0.8/x', 'https://localhost/x', 'http://hooks.example.org/x'])(
    'refuses %s',
    async (url) => {
      const res = await admin.post('/api/v1/notifications/subscriptions', { channel: 'webhook', name: 'probe', url });
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/refused/);
    },
  );

  it('refuses e-mail subscriptions when no SMTP server is configured', async () => {
    const res = await admin.post('/api/v1/notifications/subscriptions', { channel: 'email', name: 'x', to: ['a@example.org'] });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/SMTP_URL/);
  });
});
