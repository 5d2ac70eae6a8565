import { describe, expect, it } from 'vitest';
import { DroppedError, Outbox, type OutboxEntry, type Publish } from './outbox.ts';

/** A wire that keeps each publish's `done` to acknowledge later. */
function wire() {
  const pending: { entry: OutboxEntry; done: (err?: Error) => void }[] = [];
  const publish: Publish = (entry, done) => pending.push({ entry, done });
  return { pending, publish };
}

describe('a device outbox', () => {
  it('keeps at most maxInFlight on the wire and sends the next on each acknowledgement, in order', async () => {
    const w = wire();
    const box: Outbox = new Outbox(10, 2, () => box.pump(w.publish));
    const acked = ['a', 'b', 'c'].map((t) => box.add(t, '{}'));
    box.pump(w.publish);
    expect(w.pending.map((p) => p.entry.topic)).toEqual(['a', 'b']);
    w.pending[0]!.done();
    await acked[0];
    expect(w.pending.map((p) => p.entry.topic)).toEqual(['a', 'b', 'c']);
    expect({ sent: box.sent, acked: box.acked, unacknowledged: box.unacknowledged, buffered: box.buffered }).toEqual({ sent: 3, acked: 1, unacknowledged: 2, buffered: 0 });
  });

  it('drops the oldest buffered message when full, and counts it', async () => {
    const box = new Outbox(2, 1, () => {});
    const first = box.add('a', '1');
    box.add('b', '2');
    box.add('c', '3');
    await expect(first).rejects.toBeInstanceOf(DroppedError);
    expect(box.dropped).toBe(1);
    expect(box.buffered).toBe(2);
  });

  it('puts unacknowledged messages back in front, in order, and ignores a late acknowledgement of a resent one', () => {
    const w = wire();
    const box = new Outbox(10, 2, () => {});
    for (const t of ['a', 'b', 'c']) box.add(t, '{}');
    box.pump(w.publish);
    box.requeueUnacknowledged();
    expect(box.buffered).toBe(3);
    const again = wire();
    box.pump(again.publish);
    expect(again.pending.map((p) => p.entry.topic)).toEqual(['a', 'b']);
    again.pending[0]!.done();
    again.pending[0]!.done(); // a duplicate acknowledgement counts once
    expect(box.acked).toBe(1);
  });

  it('rejects what is left when the device closes, and refuses a bound below 1', async () => {
    const box = new Outbox(5, 1, () => {});
    const left = box.add('a', '{}');
    box.dropAll();
    await expect(left).rejects.toThrow(/closed before sending/);
    expect(box.empty).toBe(true);
    expect(() => new Outbox(0, 1, () => {})).toThrow(RangeError);
  });
});
