import { generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredAuditEntry, StoredCheckpoint } from '../storage/port.ts';
import { GENESIS_HASH, canonicalJson } from './hash.ts';
import { AuditDetailsError, createAudit, type Audit, type AuditEvent, type AuditStore } from './log.ts';
import { createAuditSigner } from './signer.ts';

/** In-memory AuditStore: arrays, a tick of latency per call, copies in and out (like a database). */
function memoryStore() {
  const entries: StoredAuditEntry[] = [];
  const checkpoints: StoredCheckpoint[] = [];
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const stats = { appends: 0, failNextAppend: false };
  const store: AuditStore = {
    async appendAudit(batch) {
      await tick();
      stats.appends += 1;
      if (stats.failNextAppend) {
        stats.failNextAppend = false;
        throw new Error('disk full');
      }
      for (const e of batch) {
        if (entries.some((x) => x.seq === e.seq)) throw new Error(`duplicate seq ${e.seq}`);
      }
      entries.push(...batch.map((e) => ({ ...e })));
    },
    async readAudit(fromSeq, limit) {
      await tick();
      return entries.filter((e) => e.seq >= fromSeq).slice(0, limit).map((e) => ({ ...e }));
    },
    async lastAudit() {
      await tick();
      const last = entries.reduce<StoredAuditEntry | null>((max, e) => (!max || e.seq > max.seq ? e : max), null);
      return last ? { ...last } : null;
    },
    async putCheckpoint(cp) {
      await tick();
      checkpoints.push({ ...cp });
    },
    async listCheckpoints() {
      await tick();
      return checkpoints.map((cp) => ({ ...cp }));
    },
  };
  return { store, entries, checkpoints, stats };
}

const signer = createAuditSigner(generateKeyPairSync('ed25519').privateKey);
const open: Audit[] = [];

function setup(options: { checkpointEvery?: number; checkpointIntervalMs?: number; now?: () => number } = {}) {
  const stores = new Map<string, ReturnType<typeof memoryStore>>();
  const storeOf = (scope: string) => {
    let s = stores.get(scope);
    if (!s) stores.set(scope, (s = memoryStore()));
    return s;
  };
  const make = () => {
    const audit = createAudit({ storeFor: async (scope) => storeOf(scope).store, signer, ...options });
    open.push(audit);
    return audit;
  };
  return { audit: make(), storeOf, reopen: make };
}

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((a) => a.close()));
});

const event = (n: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  actor: `device:d-${n % 5}`,
  action: n % 2 ? 'mqtt.publish.denied' : 'record.read',
  target: `tenants/acme/devices/d-${n % 5}/telemetry`,
  outcome: n % 2 ? 'denied' : 'success',
  details: { reason: 'topic-not-owned', attempt: n },
  ...over,
});

describe('recording', () => {
  it('entries are numbered from 1 and each links to the previous hash', async () => {
    const { audit } = setup();
    const first = await audit.record('acme', event(1));
    const second = await audit.record('acme', event(2));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, details: canonicalJson(event(1).details) });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(await audit.verify('acme')).toMatchObject({ ok: true, headSeq: 2, headHash: second.hash });
  });

  it('200 concurrent records on one chain produce a valid chain with every seq once', async () => {
    const { audit, storeOf } = setup({ checkpointEvery: 50 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => audit.record('acme', event(i))));

    expect(results.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Each caller got its own event back.
    results.forEach((entry, i) => expect(JSON.parse(entry.details)).toEqual(event(i).details));
    expect(await audit.verify('acme')).toMatchObject({ ok: true, entries: 200, headSeq: 200 });
    expect(storeOf('acme').checkpoints.map((cp) => cp.seq)).toEqual([50, 100, 150, 200]);
    // Concurrent callers share appends (group commit) instead of one write each.
    expect(storeOf('acme').stats.appends).toBeLessThan(200);
  });

  it('chains of different scopes are independent', async () => {
    const { audit, storeOf } = setup();
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => audit.record('acme', event(i))),
      ...Array.from({ length: 7 }, (_, i) => audit.record('_platform', event(i))),
    ]);
    expect(storeOf('acme').entries).toHaveLength(20);
    expect(storeOf('_platform').entries).toHaveLength(7);
    expect(await audit.verify('acme')).toMatchObject({ ok: true, headSeq: 20 });
    expect(await audit.verify('_platform')).toMatchObject({ ok: true, headSeq: 7 });
  });

  it('a restarted log continues the stored chain instead of starting over', async () => {
    const { audit, reopen } = setup();
    await audit.record('acme', event(1));
    await audit.record('acme', event(2));
    await audit.close();
    const again = reopen();
    expect(await again.record('acme', event(3))).toMatchObject({ seq: 3 });
    expect(await again.verify('acme')).toMatchObject({ ok: true, headSeq: 3 });
  });

  it('a failed append rejects its own record and the chain carries on valid', async () => {
    const { audit, storeOf } = setup();
    await audit.record('acme', event(1));
    storeOf('acme').stats.failNextAppend = true;
    await expect(audit.record('acme', event(2))).rejects.toThrow('disk full');
    expect(await audit.record('acme', event(3))).toMatchObject({ seq: 2 });
    expect(await audit.verify('acme')).toMatchObject({ ok: true, headSeq: 2 });
  });

  it('timestamps never go backwards within a chain even when the clock does', async () => {
    const clock = [5000, 4000, 6000];
    const { audit } = setup({ now: () => clock.shift() ?? 7000 });
    const a = await audit.record('acme', event(1));
    const b = await audit.record('acme', event(2));
    const c = await audit.record('acme', event(3));
    expect([a.ts, b.ts, c.ts]).toEqual([5000, 5000, 6000]);
  });

  it.each([
    ['an empty actor', { actor: '' }],
    ['an action with spaces', { action: 'read everything' }],
    ['an unknown outcome', { outcome: 'maybe' as never }],
    ['a control character in the target', { target: 'a\nb' }],
  ])('an event with %s is refused', async (_name, over) => {
    const { audit, storeOf } = setup();
    await expect(audit.record('acme', event(1, over))).rejects.toThrow(/invalid audit event/);
    expect(storeOf('acme').entries).toHaveLength(0);
  });

  it('a scope that is neither the platform nor a tenant id is refused', async () => {
    const { audit } = setup();
    await expect(audit.record('../etc', event(1))).rejects.toThrow(/invalid audit scope/);
  });
});

describe('personal data guard', () => {
  it.each([
    ['name', { name: 'x' }],
    ['givenName', { givenName: 'x' }],
    ['familyName in upper case', { FAMILYNAME: 'x' }],
    ['birthDate nested two levels down', { subject: { demographics: { birthDate: 'x' } } }],
    ['address inside an array', { changes: [{ field: 'status' }, { address: 'x' }] }],
    ['phone', { Phone: 'x' }],
    ['email', { email: 'x' }],
    ['identifier', { identifier: 'x' }],
    ['password', { password: 'x' }],
    ['secret', { secret: 'x' }],
    ['token', { Token: 'x' }],
    ['given_name spelt with an underscore', { given_name: 'x' }],
  ])('details holding %s are refused and nothing is written', async (_name, details) => {
    const { audit, storeOf } = setup();
    await expect(audit.record('acme', event(1, { details }))).rejects.toBeInstanceOf(AuditDetailsError);
    expect(storeOf('acme').entries).toHaveLength(0);
  });

  it('the refusal names where the key was found', async () => {
    const { audit } = setup();
    await expect(audit.record('acme', event(1, { details: { patient: { email: 'x' } } }))).rejects.toThrow(
      'details.patient.email',
    );
  });

  it('ids, counts, codes and reasons are accepted', async () => {
    const { audit } = setup();
    const details = { patientId: 'p-0001', deviceId: 'd-1', count: 3, code: 'E42', reason: 'consent-missing', tokenCount: 2 };
    const entry = await audit.record('acme', event(1, { details }));
    expect(JSON.parse(entry.details)).toEqual(details);
  });

  it('oversized details are refused', async () => {
    const { audit } = setup();
    await expect(audit.record('acme', event(1, { details: { blob: 'x'.repeat(9000) } }))).rejects.toThrow(/longer than/);
  });
});

describe('checkpoints', () => {
  it('a checkpoint is written every N entries and at the head on close', async () => {
    const { audit, storeOf } = setup({ checkpointEvery: 10 });
    for (let i = 0; i < 25; i++) await audit.record('acme', event(i));
    expect(storeOf('acme').checkpoints.map((cp) => cp.seq)).toEqual([10, 20]);

    await audit.close();
    const cps = storeOf('acme').checkpoints;
    expect(cps.map((cp) => cp.seq)).toEqual([10, 20, 25]);
    expect(cps.every((cp) => cp.keyId === signer.keyId)).toBe(true);
    expect(cps[2]!.headHash).toBe(storeOf('acme').entries[24]!.hash);
  });

  it('close signs the head of every chain it touched and refuses later records', async () => {
    const { audit, storeOf } = setup();
    await audit.record('acme', event(1));
    await audit.record('globex', event(2));
    await audit.close();
    expect(storeOf('acme').checkpoints.map((cp) => cp.seq)).toEqual([1]);
    expect(storeOf('globex').checkpoints.map((cp) => cp.seq)).toEqual([1]);
    await expect(audit.record('acme', event(3))).rejects.toThrow(/closed/);
  });

  it('checkpoint() covers records issued before it and is not repeated for an unchanged head', async () => {
    const { audit } = setup();
    const pending = Array.from({ length: 5 }, (_, i) => audit.record('acme', event(i)));
    const cp = await audit.checkpoint('acme');
    await Promise.all(pending);
    expect(cp).toMatchObject({ seq: 5 });
    expect(await audit.checkpoint('acme')).toBeNull();
  });

  it('an empty chain gets no checkpoint', async () => {
    const { audit, storeOf } = setup();
    expect(await audit.checkpoint('acme')).toBeNull();
    expect(storeOf('acme').checkpoints).toHaveLength(0);
  });

  it('the timer signs a chain that moved, and only when it moved', async () => {
    const { audit, storeOf } = setup({ checkpointIntervalMs: 20 });
    await audit.record('acme', event(1));
    await audit.record('acme', event(2));
    for (let i = 0; i < 50 && storeOf('acme').checkpoints.length === 0; i++) await sleep(10);
    expect(storeOf('acme').checkpoints.map((cp) => cp.seq)).toEqual([2]);
    await sleep(80);
    expect(storeOf('acme').checkpoints).toHaveLength(1);
  });
});

describe('verify through the log', () => {
  it('an entry edited in the store is reported at its seq', async () => {
    const { audit, storeOf } = setup({ checkpointEvery: 10 });
    for (let i = 0; i < 15; i++) await audit.record('acme', event(i));
    storeOf('acme').entries[11]!.details = canonicalJson({ reason: 'allowed', attempt: 11 });
    expect(await audit.verify('acme')).toMatchObject({ ok: false, reason: 'edited', firstBrokenSeq: 12 });
  });

  it('a tail cut after close is reported as truncation', async () => {
    const { audit, storeOf, reopen } = setup();
    for (let i = 0; i < 8; i++) await audit.record('acme', event(i));
    await audit.close();
    storeOf('acme').entries.splice(5);
    expect(await reopen().verify('acme')).toMatchObject({ ok: false, reason: 'truncated', firstBrokenSeq: 6 });
  });

  it('verifies a chain longer than one read page', async () => {
    const { audit } = setup({ checkpointEvery: 500 });
    await Promise.all(Array.from({ length: 2100 }, (_, i) => audit.record('acme', event(i))));
    expect(await audit.verify('acme')).toMatchObject({ ok: true, entries: 2100, checkpoints: 4 });
  });
});

describe('list', () => {
  async function seeded() {
    let t = 1000;
    const ctx = setup({ now: () => (t += 1000) });
    for (let i = 0; i < 30; i++) await ctx.audit.record('acme', event(i));
    return ctx.audit;
  }

  it('filters by action and outcome', async () => {
    const audit = await seeded();
    const page = await audit.list('acme', { action: 'mqtt.publish.denied', outcome: 'denied' });
    expect(page.entries).toHaveLength(15);
    expect(page.entries.every((e) => e.action === 'mqtt.publish.denied')).toBe(true);
    expect(page.nextFromSeq).toBeNull();
  });

  it('filters by actor and time window (since inclusive, until exclusive)', async () => {
    const audit = await seeded();
    const page = await audit.list('acme', { actor: 'device:d-2', since: 5000, until: 23000 });
    // ts = 1000 + seq * 1000; device:d-2 holds events 2, 7, 12, 17… i.e. seqs 3, 8, 13, 18.
    expect(page.entries.map((e) => e.seq)).toEqual([8, 13, 18]);
  });

  it('pages with limit and nextFromSeq without gaps or repeats', async () => {
    const audit = await seeded();
    const first = await audit.list('acme', { limit: 12 });
    expect(first.entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const second = await audit.list('acme', { limit: 12, fromSeq: first.nextFromSeq! });
    expect(second.entries[0]!.seq).toBe(13);
  });

  it('a limit above 1000 is refused', async () => {
    const { audit } = setup();
    await expect(audit.list('acme', { limit: 1001 })).rejects.toMatchObject({ status: 400 });
  });
});
