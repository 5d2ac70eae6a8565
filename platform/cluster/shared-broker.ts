// The aedes ecosystem's own clustering, for the broker of a node in cluster mode: mqemitter-redis
// as aedes' emitter (publishes, `$SYS` announcements and the cross-node command route travel on
// it) and aedes-persistence-redis as its persistence (subscriptions, QoS 1 queues of persistent
// sessions, retained messages and wills), so a device's session outlives the node it was on and
// a client id registered on one node closes its older connection on any other.
// aedes 1.x wants a persistence with async methods: the package's callback wrapper (its main
// export) is bypassed for its async class, its streams adapted below. Both are pinned in
// ./shared-broker.int.test.ts.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import type { SharedBrokerParts } from '../broker/types.ts';

/** The releases ./shared-broker.int.test.ts pins beside aedes (PINNED_AEDES_VERSION). */
export const PINNED_CLUSTER_PARTS = { 'mqemitter-redis': '7.2.1', 'aedes-persistence-redis': '11.2.2' } as const;

type Streams = AsyncIterable<unknown> | Iterable<unknown>;
interface RedisPersistence {
  setup(broker: unknown): Promise<void>;
  createRetainedStreamCombi(patterns: string[]): Streams;
  outgoingStream(client: unknown): Streams;
  streamWill(brokers: unknown): Streams;
  getClientList(topic: string): Streams;
}
const require = createRequire(import.meta.url);
const AsyncRedisPersistence = require('aedes-persistence-redis/asyncPersistence.js') as new (opts: { conn: Redis }) => RedisPersistence;

/** aedes 1.2 pipes what these return (`stream.pipe`); the Redis persistence returns async
 *  generators there, so each is handed over as a Readable (the memory persistence does the same). */
class AedesRedisPersistence extends AsyncRedisPersistence {
  override createRetainedStreamCombi(patterns: string[]) {
    return Readable.from(super.createRetainedStreamCombi(patterns));
  }
  createRetainedStream(pattern: string) {
    return this.createRetainedStreamCombi([pattern]);
  }
  override outgoingStream(client: unknown) {
    return Readable.from(super.outgoingStream(client));
  }
  override streamWill(brokers: unknown) {
    return Readable.from(super.streamWill(brokers));
  }
  override getClientList(topic: string) {
    return Readable.from(super.getClientList(topic));
  }
}

export type SharedEmitter = ReturnType<typeof MQEmitterRedis>;

export interface SharedBroker extends SharedBrokerParts {
  mq: SharedEmitter;
  /** Calls `fn` each time the emitter's subscriber is back after losing Redis, once its
   *  subscriptions are confirmed: what was published meanwhile never reached this node. */
  onResubscribed(fn: () => void): void;
  /** Closes the persistence's connection (aedes closes the emitter when the broker stops). */
  close(): void;
}

export function sharedBrokerParts(redisUrl: string, brokerId: string, onError: (err: unknown) => void): SharedBroker {
  // Its connections are made here: left to itself it opens them with another ioredis release
  // whose ready check runs INFO on the subscriber connection, refused there, and the emitter's
  // first subscriptions are lost (seen in ./shared-broker.int.test.ts).
  const subConn = new Redis(redisUrl);
  const mq = MQEmitterRedis({ subConn, pubConn: new Redis(redisUrl) } as unknown as Parameters<typeof MQEmitterRedis>[0]);
  // Once the broker closes the emitter (its connections quitting), aedes still publishes the
  // `$SYS` disconnect of each client it closes; a publish on the quitting connection is rejected
  // by ioredis outside any handler and would end the process. It is refused here instead.
  const emit = mq.emit.bind(mq);
  const state = mq as unknown as { closing?: boolean; closed?: boolean };
  mq.emit = ((msg: Parameters<typeof emit>[0], done?: (err?: Error) => void) => {
    if (state.closing || state.closed) return void done?.(new Error('the shared emitter is closing'));
    return emit(msg, done);
  }) as typeof mq.emit;
  // mqemitter-redis reports connection errors on `state`; unheard, an 'error' event would throw.
  (mq as unknown as { state: { on(e: 'error', fn: (err: Error) => void): void } }).state.on('error', onError);
  const conn = new Redis(redisUrl);
  conn.on('error', onError);
  const persistence = new AedesRedisPersistence({ conn });
  const resubscribed = new Set<() => void>();
  let connectedBefore = false;
  subConn.on('ready', () => {
    if (!connectedBefore) return void (connectedBefore = true);
    // ioredis writes the SUBSCRIBEs of a reconnect before it emits 'ready'; a PING queued behind
    // them is answered once Redis has applied them.
    subConn.ping().then(() => resubscribed.forEach((fn) => fn()), onError);
  });
  return { brokerId, mq, persistence, onResubscribed: (fn) => void resubscribed.add(fn), close: () => conn.disconnect() };
}
