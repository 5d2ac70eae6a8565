import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceRig } from '../../test/support/services.ts';
import { CommandService } from './commands.ts';

let rig: Awaited<ReturnType<typeof serviceRig>>;
beforeEach(async () => {
  rig = await serviceRig();
});
afterEach(async () => {
  await rig.close();
});
const create = (ttlMs = 60_000) => rig.commands.create({ deviceId: 'dev-1', name: 'dim', payload: { level: 50 }, ttlMs });

describe('command lifecycle', () => {
  it.each([
    [['sent', 'delivered', 'done'], 'done', ['queued', 'sent', 'delivered', 'done']],
    [['sent', 'done'], 'done', ['queued', 'sent', 'delivered', 'done']], // the ack proves delivery
    [['sent', 'delivered', 'accepted', 'failed'], 'failed', ['queued', 'sent', 'delivered', 'accepted', 'failed']],
    [['sent', 'delivered', 'done', 'delivered', 'failed'], 'done', ['queued', 'sent', 'delivered', 'done']], // late reports ignored
  ] as const)('%j ends %s with history %j', async (steps, final, history) => {
    await rig.inTenant('t-one', async () => {
      const c = await create();
      for (const s of steps) await rig.commands.transition(c.id, s);
      const got = await rig.commands.require(c.id);
      expect(got.status).toBe(final);
      expect(got.history.map((h) => h.status)).toEqual(history);
    });
  });

  it('a backward move that is not a late report is refused', async () => {
    await rig.inTenant('t-one', async () => {
      const c = await create();
      await rig.commands.transition(c.id, 'delivered');
      await expect(rig.commands.transition(c.id, 'queued')).rejects.toMatchObject({ status: 409 });
    });
  });

  it('concurrent reports of one command are applied one after the other', async () => {
    await rig.inTenant('t-one', async () => {
      const c = await create();
      await Promise.all([rig.commands.transition(c.id, 'delivered'), rig.commands.transition(c.id, 'done'), rig.commands.transition(c.id, 'sent')]);
      expect((await rig.commands.require(c.id)).status).toBe('done');
    });
  });

  it('pending commands are those neither final nor expired; overdue ones expire on the tick', async () => {
    const ids = await rig.inTenant('t-one', async () => {
      const short = await create(1000);
      const long = await create(60_000);
      const done = await create(60_000);
      await rig.commands.transition(done.id, 'done');
      expect((await rig.commands.pendingFor('dev-1')).map((c) => c.id).sort()).toEqual([short.id, long.id].sort());
      return { short: short.id, long: long.id };
    });
    rig.advance(1000);
    expect(await rig.commands.tick()).toBe(1);
    await rig.inTenant('t-one', async () => {
      expect((await rig.commands.require(ids.short)).status).toBe('expired');
      expect((await rig.commands.pendingFor('dev-1')).map((c) => c.id)).toEqual([ids.long]);
    });
  });

  it('every transition is audited and announced to the tenant', async () => {
    await rig.inTenant('t-one', async () => {
      const c = await create();
      await rig.commands.transition(c.id, 'sent');
    });
    expect(rig.audited.map((e) => e.action)).toEqual(['command.create', 'command.sent']);
    expect(rig.events.filter((e) => e.type === 'command').map((e) => (e.payload as { status: string }).status)).toEqual(['queued', 'sent']);
  });
});

describe('a delivery that fails', () => {
  it('leaves the command queued and is logged, not swallowed (ASVS 7.1.3)', async () => {
    const warned: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger = { warn: (obj: Record<string, unknown>, msg?: string) => void warned.push({ obj, msg: msg ?? '' }) } as never;
    const commands = new CommandService(rig.scopes, rig.services.audit, rig.services.bus, rig.now, logger);
    commands.setDeliverer(async () => Promise.reject(new Error('broker is stopping')));
    try {
      const c = await rig.inTenant('t-one', () => commands.create({ deviceId: 'dev-1', name: 'dim', payload: { level: 5 }, ttlMs: 60_000 }));
      expect(c.status).toBe('queued');
      expect(warned).toEqual([{ obj: expect.objectContaining({ tenantId: 't-one', command: c.id }), msg: 'command delivery failed; left queued' }]);
      expect((warned[0]!.obj.err as Error).message).toBe('broker is stopping');
    } finally {
      commands.stop();
    }
  });
});
