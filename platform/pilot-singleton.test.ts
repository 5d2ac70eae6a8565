// A pilot's once-across-the-cluster jobs: embedded they are always held; leased they follow the
// lease keeper (held, epoch, gains and losses) and fence every write, writing nothing once the
// lease has passed to another node. The real lease in PostgreSQL is cluster/leases.test.ts.
import { describe, expect, it } from 'vitest';
import { StaleLeaseError } from './errors.ts';
import { createLogger } from './logger.ts';
import { createPilotContext } from './pilot-context.ts';
import { checkJobName, embeddedSingleton, leasedSingleton, type LeaseView } from './pilot-singleton.ts';
import type { PlatformServices } from './services/index.ts';

/** A keeper driven by hand: `current` says whether the store still has this node's token. */
function fakeLease() {
  const lease = {
    grant: null as object | null,
    generation: 0,
    current: true,
    held: () => lease.grant,
    fence: async () => {
      if (!lease.grant || !lease.current) throw new StaleLeaseError('lost');
    },
    gain() {
      lease.grant = {};
      lease.generation++;
      lease.current = true;
    },
    lose() {
      lease.grant = null;
      lease.current = false;
    },
  };
  return lease satisfies LeaseView;
}
const tick = () => new Promise((r) => setTimeout(r, 30));

describe('embedded singleton', () => {
  it('is always held, never changes epoch and runs every fenced write', async () => {
    const job = embeddedSingleton('scheduler');
    expect([job.held(), job.shared, job.epoch()]).toEqual([true, false, 1]);
    expect(await job.fence(async () => 'written')).toBe('written');
  });
});

describe('leased singleton', () => {
  it('is held while the keeper holds the lease, its epoch the keeper generation', () => {
    const lease = fakeLease();
    const job = leasedSingleton('scheduler', lease);
    expect([job.held(), job.shared]).toEqual([false, true]);
    lease.gain();
    expect([job.held(), job.epoch()]).toEqual([true, 1]);
    lease.lose();
    lease.gain();
    expect(job.epoch()).toBe(2);
  });

  it('tells its listeners of gains and losses, a regain between two looks as a loss and a gain', async () => {
    const lease = fakeLease();
    const job = leasedSingleton('scheduler', lease, 5);
    const heard: boolean[] = [];
    const stop = job.onChange((held) => heard.push(held));
    lease.gain();
    await tick();
    lease.lose();
    await tick();
    lease.gain();
    await tick();
    lease.generation++; // lost and granted again with a new token before the next look
    await tick();
    expect(heard).toEqual([true, false, true, false, true]);
    stop();
    lease.lose();
    await tick();
    expect(heard).toHaveLength(5);
  });

  it('fences a write: nothing is written once the lease is lost, here or in the store', async () => {
    const lease = fakeLease();
    const job = leasedSingleton('scheduler', lease);
    const writes: string[] = [];
    const write = (w: string) => job.fence(async () => void writes.push(w));
    await expect(write('before gain')).rejects.toBeInstanceOf(StaleLeaseError);
    lease.gain();
    await write('held');
    // Still held locally, but the store has granted the lease to another node (a newer token).
    lease.current = false;
    await expect(write('stale')).rejects.toBeInstanceOf(StaleLeaseError);
    expect(writes).toEqual(['held']);
  });
});

describe('pilot context: singleton', () => {
  const services = { logger: createLogger('silent') } as unknown as PlatformServices;
  const presence = { isOnline: () => false, lastSeen: () => null };

  it('is embedded without a cluster, and one handle per job name', () => {
    const ctx = createPilotContext('lighting', services, presence);
    const job = ctx.singleton('scheduler');
    expect(job.shared).toBe(false);
    expect(ctx.singleton('scheduler')).toBe(job);
  });

  it('in cluster mode takes one lease per job, named for the pilot, and refuses odd job names', () => {
    const asked: string[] = [];
    const ctx = createPilotContext('lighting', services, presence, Date.now, undefined, (name) => (asked.push(name), fakeLease()));
    expect(ctx.singleton('scheduler').shared).toBe(true);
    ctx.singleton('scheduler');
    expect(asked).toEqual(['pilot.lighting.scheduler']);
    expect(() => ctx.singleton('Scheduler/other')).toThrow(RangeError);
    expect(() => checkJobName('')).toThrow(RangeError);
  });
});
