// Manual switching over in-memory ports: a group command fans out to one command per lamp with a
// shared batch and holds the group against its schedule; a command without a hold lifts an
// earlier hold; bad targets and scenarios are refused with the right status.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { overrideId } from './schedules.ts';
import { Switching } from './switching.ts';
import { testTenant } from './testing.ts';

const START = Date.UTC(2026, 0, 15, 12);

async function setup() {
  const t = await testTenant({ lamps: 12, start: START, options: { overrideDefaultMinutes: 60 } });
  const parts = await t.parts();
  return { t, parts, switching: new Switching(parts) };
}
const status = (p: Promise<unknown>) => p.then(() => 0, (e: unknown) => (e instanceof AppError ? e.status : -1));

describe('Switching', () => {
  it('a group command: one command per lamp in one batch, the group held for the default minutes', async () => {
    const { t, parts, switching } = await setup();
    const group = t.inv.groups[0]!.id;
    const lamps = t.inv.lamps.filter((l) => l.groupId === group).map((l) => l.id).sort();
    const answer = await switching.sendCommand({ target: { groupId: group }, action: 'dim', level: 40 });
    expect(answer.commands.map((c) => c.lampId).sort()).toEqual(lamps);
    expect(new Set(t.commands.sent.map((c) => c.batchId))).toEqual(new Set([answer.batchId]));
    expect(t.commands.sent.every((c) => c.name === 'switch' && c.payload.level === 40)).toBe(true);
    expect(answer.override).toEqual({ level: 40, until: START + 60 * 60_000 });
    expect(parts.book.overrides.get(overrideId('group', group))?.createdBy).toBe('user:op');
    expect(parts.state.commandedLevelAt(lamps[0]!, START)).toBe(40);
    // Read back as a batch.
    const batch = await switching.batch(answer.batchId);
    expect(batch.lamps.map((l) => l.lampId)).toEqual(lamps);
  });

  it('a command without a hold lifts the earlier hold on the same target', async () => {
    const { t, parts, switching } = await setup();
    const lamp = t.inv.lamps[0]!.id;
    await switching.sendCommand({ target: { lampId: lamp }, action: 'on' });
    expect(parts.book.overrides.has(overrideId('lamp', lamp))).toBe(true);
    const answer = await switching.sendCommand({ target: { lampId: lamp }, action: 'off', overrideMinutes: 0 });
    expect(answer.override).toBeNull();
    expect(parts.book.overrides.has(overrideId('lamp', lamp))).toBe(false);
  });

  it('refuses an unknown target, batch or device (404) and a lamp scenario on a cabinet (400)', async () => {
    const { t, switching } = await setup();
    expect(await status(switching.sendCommand({ target: { groupId: 'no-such-group' }, action: 'on' }))).toBe(404);
    expect(await status(switching.batch('00000000-0000-4000-8000-000000000000'))).toBe(404);
    expect(await status(switching.simulate('no-such-lamp', 'lamp-failure'))).toBe(404);
    expect(await status(switching.simulate(t.inv.cabinets[0]!.id, 'lamp-failure'))).toBe(400);
    expect(t.commands.sent).toEqual([]);
  });

  it('a cabinet scenario named on a lamp goes to the lamp’s cabinet', async () => {
    const { t, switching } = await setup();
    const lamp = t.inv.lamps[0]!;
    await switching.simulate(lamp.id, 'door-open');
    await switching.simulate(lamp.id, 'lamp-failure');
    expect(t.commands.sent.map((c) => [c.deviceId, c.name, c.payload.scenario])).toEqual([
      [lamp.cabinetId, 'simulate', 'door-open'],
      [lamp.id, 'simulate', 'lamp-failure'],
    ]);
  });
});
