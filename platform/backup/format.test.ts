import { describe, expect, it } from 'vitest';
import { newBackupId } from './format.ts';
import { BACKUP_ID } from './targets.ts';

describe('backup ids', () => {
  it('sort by time to the millisecond, so pruning keeps the newest even within one second', () => {
    const base = Date.UTC(2026, 11, 6, 4, 33, 43);
    // Random parts chosen so that sorting by them alone would invert the order.
    const ids = [
      newBackupId(new Date(base + 5), 'fffff'),
      newBackupId(new Date(base + 17), '00000'),
      newBackupId(new Date(base + 998), '80000'),
      newBackupId(new Date(base + 1000), '00001'),
    ];
    for (const id of ids) expect(id).toMatch(BACKUP_ID);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toBe('20261206T043343Z-005fffff');
  });
});
