// Pins what cluster mode takes from the aedes ecosystem (./shared-broker.ts) against the releases
// installed beside aedes 1.2.0: two real aedes brokers over TCP sharing one real redis-server through
// mqemitter-redis and aedes-persistence-redis. A persistent session's QoS 1 message queued on one
// broker reaches the client on the other, a retained message set on one is served by the other,
// and registering a client id on one broker closes its older connection on the other.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINNED_AEDES_VERSION, clientById, deliverAfterConnack } from '../broker/aedes-adapter.ts';
import { REDIS_SKIP_NOTICE, hasRedisServer, startRedis, type TestRedis } from '../../validation/support/redis.ts';
import { PINNED_CLUSTER_PARTS, sharedBrokerParts, type SharedBroker } from './shared-broker.ts';

const require = createRequire(import.meta.url);

const skip = hasRedisServer() ? '' : REDIS_SKIP_NOTICE;
if (skip) console.warn(skip);

interface Node {
  aedes: Aedes;
  server: Server;
  parts: SharedBroker;
  url: string;
}

(skip ? describe.skip : describe)(`aedes on mqemitter-redis and aedes-persistence-redis${skip ? ` — ${skip}` : ''}`, () => {
  let redis: TestRedis;
  const nodes: Node[] = [];
  const clients: MqttClient[] = [];

  const startNode = async (id: string): Promise<Node> => {
    const parts = sharedBrokerParts(redis.url, id, (err) => console.error(err));
    // As the broker does (../broker/authenticate.ts): a message published while a session is
    // restored would otherwise be written before CONNACK and stall mqtt.js (failed CI once).
    const preConnect = (client: Parameters<typeof deliverAfterConnack>[0], _packet: unknown, done: (err: Error | null, ok: boolean) => void) => {
      deliverAfterConnack(client);
      done(null, true);
    };
    const aedes = new Aedes({ id, mq: parts.mq, persistence: parts.persistence, preConnect });
    await aedes.listen();
    const server = createServer((socket) => aedes.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { aedes, server, parts, url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const connect = async (node: Node, clientId: string, clean = true) => {
    const c = await mqtt.connectAsync(node.url, { clientId, clean, reconnectPeriod: 0, protocolVersion: 4 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = await startRedis();
    nodes.push(await startNode('node-a'), await startNode('node-b'));
  }, 20_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    for (const n of nodes) {
      await new Promise<void>((resolve) => n.aedes.close(() => resolve()));
      await new Promise<void>((resolve) => n.server.close(() => resolve()));
      n.parts.close();
    }
    await redis?.stop();
  });

  it(`runs against aedes ${PINNED_AEDES_VERSION} and the releases of its cluster parts it was written against`, () => {
    const versionOf = (name: string) => {
      const { path } = require.resolve.paths(name) ? { path: require.resolve(name) } : { path: '' };
      let dir = dirname(path);
      while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) dir = dirname(dir);
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    };
    expect(versionOf('aedes')).toBe(PINNED_AEDES_VERSION);
    expect({ 'mqemitter-redis': versionOf('mqemitter-redis'), 'aedes-persistence-redis': versionOf('aedes-persistence-redis') }).toEqual(PINNED_CLUSTER_PARTS);
  });

  it("a persistent session's QoS 1 message queued while the client was away is delivered on the other broker", async () => {
    const [a, b] = nodes as [Node, Node];
    const first = await connect(a, 'dev-persistent', false);
    await first.subscribeAsync('t/dev-persistent/commands/+', { qos: 1 });
    await first.endAsync();
    // Published on A while the client is offline: queued in Redis for its session.
    const publisher = await connect(a, 'pub-1');
    await publisher.publishAsync('t/dev-persistent/commands/c1', 'one', { qos: 1 });
    const received: string[] = [];
    const again = await mqtt.connectAsync(b.url, { clientId: 'dev-persistent', clean: false, reconnectPeriod: 0, protocolVersion: 4, resubscribe: false });
    clients.push(again);
    again.on('message', (topic, payload) => received.push(`${topic}=${payload.toString()}`));
    await expect.poll(() => received, { timeout: 5_000 }).toEqual(['t/dev-persistent/commands/c1=one']);
    // The session came back with its subscription: a new message reaches it without a SUBSCRIBE.
    await publisher.publishAsync('t/dev-persistent/commands/c2', 'two', { qos: 1 });
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(2);
  });

  it('a retained message set on one broker is served to a subscriber on the other', async () => {
    const [a, b] = nodes as [Node, Node];
    const pub = await connect(a, 'pub-2');
    await pub.publishAsync('t/lamp-1/status', 'on', { qos: 1, retain: true });
    const sub = await connect(b, 'sub-2');
    const got = new Promise<string>((resolve) => sub.on('message', (_t, p) => resolve(p.toString())));
    await sub.subscribeAsync('t/lamp-1/status', { qos: 1 });
    expect(await got).toBe('on');
  });

  it('a client id registered on one broker closes its older connection on the other', async () => {
    const [a, b] = nodes as [Node, Node];
    const older = await connect(a, 'dev-twice');
    const closed = new Promise<void>((resolve) => older.once('close', () => resolve()));
    await connect(b, 'dev-twice');
    await closed;
    await expect.poll(() => clientById(a.aedes, 'dev-twice'), { timeout: 5_000 }).toBeUndefined();
    expect(clientById(b.aedes, 'dev-twice')).toBeDefined();
  });

  it('a publish once the emitter is closing is refused at once, never sent on the quitting connection (a node stopping under load crashed on one)', async () => {
    const parts = sharedBrokerParts(redis.url, 'node-c', () => undefined);
    await new Promise<void>((resolve) => parts.mq.on('x/ready', () => undefined, () => resolve()));
    parts.mq.close(() => undefined);
    const err = await new Promise<Error | undefined>((resolve) => parts.mq.emit({ topic: '$SYS/node-c/disconnect/clients', payload: 'd' }, resolve));
    expect(err?.message).toBe('the shared emitter is closing');
    parts.close();
  });
});
