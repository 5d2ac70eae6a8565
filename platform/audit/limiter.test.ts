import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredAuditEntry } from '../storage/port.ts';
import { SUPPRESSED_ACTION, createAuditLimiter, type AuditLimiter } from './limiter.ts';
import type { Audit, AuditEvent } from './log.ts';

/** Captures what reaches the log, in call order. */
function fakeAudit() {
  const written: { scope: string; event: AuditEvent }[] = [];
  const audit: Pick<Audit, 'record'> = {
    async record(scope, event) {
      written.push({ scope, event });
      const entry: StoredAuditEntry = {
        seq: written.length,
        ts: 0,
        actor: event.actor,
        action: event.action,
        target: event.target,
        outcome: event.outcome,
        details: JSON.stringify(event.details ?? {}),
        prevHash: '',
        hash: '',
      };
      return entry;
    },
  };
  return { audit, written };
}

const denial = (client: string, n: number): AuditEvent => ({
  actor: `device:${client}`,
  action: 'mqtt.subscribe.denied',
  target: `tenants/globex/devices/${client}/#`,
  outcome: 'denied',
  details: { attempt: n },
});

const limiters: AuditLimiter[] = [];
afterEach(async () => {
  await Promise.allSettled(limiters.splice(0).map((l) => l.close()));
});

function setup(options: { perWindow?: number; windowMs?: number; now?: () => number }) {
  const { audit, written } = fakeAudit();
  const limiter = createAuditLimiter(audit, options);
  limiters.push(limiter);
  return { limiter, written };
}

describe('createAuditLimiter', () => {
  it('writes at most N per key per window, then one summary with the suppressed count', async () => {
    let t = 0;
    const { limiter, written } = setup({ perWindow: 5, windowMs: 1000, now: () => t });
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await limiter.record('acme', 'deny:d-7', denial('d-7', i)));

    expect(written).toHaveLength(5);
    expect(results.filter((r) => r === null)).toHaveLength(7);

    t = 1000; // the window rolls over with the next event
    await limiter.record('acme', 'deny:d-7', denial('d-7', 12));
    expect(written).toHaveLength(7);
    expect(written[5]).toEqual({
      scope: 'acme',
      event: {
        actor: 'device:d-7',
        action: SUPPRESSED_ACTION,
        target: 'tenants/globex/devices/d-7/#',
        outcome: 'denied',
        details: { key: 'deny:d-7', suppressed: 7 },
      },
    });
    // The summary precedes the first event of the new window.
    expect(written[6]!.event.details).toEqual({ attempt: 12 });
  });

  it('counts keys separately, so one noisy client does not silence another', async () => {
    const { limiter, written } = setup({ perWindow: 2, windowMs: 60_000 });
    for (let i = 0; i < 10; i++) await limiter.record('acme', 'deny:d-1', denial('d-1', i));
    await limiter.record('acme', 'deny:d-2', denial('d-2', 0));
    expect(written.filter((w) => w.event.actor === 'device:d-1')).toHaveLength(2);
    expect(written.filter((w) => w.event.actor === 'device:d-2')).toHaveLength(1);
  });

  it('the same key in two scopes is counted per scope', async () => {
    const { limiter, written } = setup({ perWindow: 1, windowMs: 60_000 });
    await limiter.record('acme', 'deny:d-1', denial('d-1', 0));
    await limiter.record('globex', 'deny:d-1', denial('d-1', 0));
    expect(written.map((w) => w.scope)).toEqual(['acme', 'globex']);
  });

  it('flush writes a summary per key with suppressed events and resolves with how many', async () => {
    const { limiter, written } = setup({ perWindow: 1, windowMs: 60_000 });
    for (let i = 0; i < 4; i++) await limiter.record('acme', 'deny:d-1', denial('d-1', i));
    for (let i = 0; i < 3; i++) await limiter.record('acme', 'deny:d-2', denial('d-2', i));
    await limiter.record('acme', 'deny:d-3', denial('d-3', 0));

    expect(await limiter.flush()).toBe(2);
    const summaries = written.filter((w) => w.event.action === SUPPRESSED_ACTION).map((w) => w.event.details);
    expect(summaries).toEqual([
      { key: 'deny:d-1', suppressed: 3 },
      { key: 'deny:d-2', suppressed: 2 },
    ]);
    expect(await limiter.flush()).toBe(0);
  });

  it('still holds the limit after a flush within the same window', async () => {
    const { limiter, written } = setup({ perWindow: 1, windowMs: 60_000 });
    await limiter.record('acme', 'k', denial('d-1', 0));
    await limiter.record('acme', 'k', denial('d-1', 1));
    await limiter.flush();
    expect(await limiter.record('acme', 'k', denial('d-1', 2))).toBeNull();
    expect(written).toHaveLength(2);
  });

  it('a key that goes quiet still gets its summary when the window ends', async () => {
    const { limiter, written } = setup({ perWindow: 1, windowMs: 30 });
    for (let i = 0; i < 4; i++) await limiter.record('acme', 'deny:d-9', denial('d-9', i));
    for (let i = 0; i < 40 && written.length < 2; i++) await sleep(10);
    expect(written[1]?.event.details).toEqual({ key: 'deny:d-9', suppressed: 3 });
  });

  it('a suppressed event carrying personal data is still refused', async () => {
    const { limiter } = setup({ perWindow: 0, windowMs: 60_000 });
    await expect(limiter.record('acme', 'k', { ...denial('d-1', 0), details: { email: 'x' } })).rejects.toThrow(/email/);
  });
});
