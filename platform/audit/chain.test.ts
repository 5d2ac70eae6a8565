import { describe, expect, it } from 'vitest';
import { linkEntries } from './chain.ts';
import { GENESIS_HASH, entryHash } from './hash.ts';

const ev = (n: number) => ({ event: { actor: `device:d-${n}`, action: 'record.read', target: `t-${n}`, outcome: 'success' as const }, details: '{}' });

describe('linking entries onto a chain head', () => {
  it('numbers them on from the head, each hashing the one before', () => {
    const entries = linkEntries({ seq: 0, hash: GENESIS_HASH, ts: 0 }, [ev(1), ev(2)], () => 1_000);
    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    const { prevHash, hash, ...fields } = entries[1]!;
    expect(hash).toBe(entryHash(prevHash, fields));
  });

  it('never lets a timestamp go backwards, whatever the clock says', () => {
    const clock = [900, 1_200, 1_100];
    const entries = linkEntries({ seq: 7, hash: 'ab'.repeat(32), ts: 1_000 }, [ev(1), ev(2), ev(3)], () => clock.shift()!);
    expect(entries.map((e) => [e.seq, e.ts])).toEqual([[8, 1_000], [9, 1_200], [10, 1_200]]);
  });

  it('links nothing onto an empty group', () => {
    expect(linkEntries({ seq: 3, hash: GENESIS_HASH, ts: 5 }, [], () => 9)).toEqual([]);
  });
});
