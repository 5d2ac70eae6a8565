// A device's outgoing messages: a bounded offline buffer (oldest dropped and counted when full,
// like a sensor's ring buffer) and a window of messages on the wire awaiting their PUBACK. The
// connection (device.ts) hands them out with `pump` and puts the unacknowledged ones back in
// front, in order, when it abandons a client.
import { Deque } from './deque.ts';

/** Why a buffered message was never sent. */
export class DroppedError extends Error {
  override name = 'DroppedError';
  constructor(reason: 'buffer-full' | 'closed') {
    super(reason === 'buffer-full' ? 'offline buffer full: oldest message dropped' : 'device closed before sending');
  }
}

export interface OutboxEntry {
  topic: string;
  payload: string;
  resolve: () => void;
  reject: (err: Error) => void;
  settled: boolean;
}

/** Publishes one message; `done` is called once with its PUBACK (or the error). */
export type Publish = (entry: OutboxEntry, done: (err?: Error) => void) => void;

const noop = () => {};

export class Outbox {
  private readonly queue = new Deque<OutboxEntry>();
  private readonly inFlight = new Set<OutboxEntry>();
  /** Messages handed to the network (resends by mqtt.js not counted again). */
  sent = 0;
  /** Messages the broker acknowledged. */
  acked = 0;
  /** Oldest messages dropped because the buffer was full. */
  dropped = 0;

  constructor(
    private readonly bufferLimit: number,
    private readonly maxInFlight: number,
    /** Called after each acknowledgement: the window has room again. */
    private readonly onSettled: () => void,
  ) {
    if (!(bufferLimit >= 1) || !(maxInFlight >= 1)) throw new RangeError('bufferLimit and maxInFlight must be at least 1');
  }

  get buffered(): number {
    return this.queue.length;
  }

  get unacknowledged(): number {
    return this.inFlight.size;
  }

  /** Nothing buffered and nothing awaiting its acknowledgement. */
  get empty(): boolean {
    return this.queue.length === 0 && this.inFlight.size === 0;
  }

  /** Queues a message; resolves on its acknowledgement, rejects with DroppedError if it never leaves. */
  add(topic: string, payload: string): Promise<void> {
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Fire-and-forget callers must not crash the process when a message is dropped.
    promise.catch(noop);
    if (this.queue.length >= this.bufferLimit) {
      const oldest = this.queue.shift()!;
      oldest.settled = true;
      this.dropped++;
      oldest.reject(new DroppedError('buffer-full'));
    }
    this.queue.push({ topic, payload, resolve, reject, settled: false });
    return promise;
  }

  /** Hands queued messages to `publish` while the window has room. */
  pump(publish: Publish): void {
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) this.send(this.queue.shift()!, publish);
  }

  private send(entry: OutboxEntry, publish: Publish): void {
    this.inFlight.add(entry);
    this.sent++;
    publish(entry, (err) => {
      if (entry.settled) return; // requeued meanwhile and sent again
      this.inFlight.delete(entry);
      entry.settled = true;
      if (err) entry.reject(err);
      else {
        this.acked++;
        entry.resolve();
      }
      this.onSettled();
    });
  }

  /** The client was abandoned: its unacknowledged messages go back to the front, in order. */
  requeueUnacknowledged(): void {
    const unacked = [...this.inFlight];
    this.inFlight.clear();
    for (let i = unacked.length - 1; i >= 0; i--) this.queue.unshift(unacked[i]!);
  }

  /** Rejects every buffered message (the device closed). */
  dropAll(): void {
    for (const entry of this.queue.drain()) {
      entry.settled = true;
      entry.reject(new DroppedError('closed'));
    }
  }
}
