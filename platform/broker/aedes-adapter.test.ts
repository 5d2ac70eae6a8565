// Pins the aedes behaviour ./aedes-adapter.ts relies on, against a real aedes over TCP with
// mqtt.js clients. An aedes upgrade that changes any of it fails here first.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type Client } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PINNED_AEDES_VERSION,
  allClients,
  clientById,
  closeClient,
  deliverAfterConnack,
  disconnectedCleanly,
  onPuback,
  remoteAddressOf,
} from './aedes-adapter.ts';
import { waitFor } from './testing.ts';

let aedes: Aedes;
let server: Server;
let url: string;
const pubacks: { clientId: string; messageId: number | undefined }[] = [];
const seenAtAuthenticate: (string | undefined)[] = [];
const gone = new Map<string, boolean>();

beforeAll(async () => {
  aedes = new Aedes({
    authenticate: (client, _u, _p, done) => {
      // What ./authenticate.ts reads to refuse a takeover: the previous holder, still mapped.
      seenAtAuthenticate.push(clientById(aedes, client.id)?.id);
      done(null, true);
    },
  });
  await aedes.listen();
  onPuback(aedes, (client, messageId) => pubacks.push({ clientId: client.id, messageId }));
  aedes.on('clientDisconnect', (client: Client) => gone.set(client.id, disconnectedCleanly(client)));
  server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const connect = (clientId: string) => mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, protocolVersion: 4 });

describe('aedes adapter (pinned to the aedes release it reaches into)', () => {
  it(`runs against aedes ${PINNED_AEDES_VERSION}: re-check every function of the adapter before moving the pin`, () => {
    const main = createRequire(import.meta.url).resolve('aedes');
    const version = (JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')) as { version: string }).version;
    expect(version).toBe(PINNED_AEDES_VERSION);
  });

  it('maps live clients by id, with their peer address, and forgets them when they leave', async () => {
    const c = await connect('pin-map-1');
    const client = clientById(aedes, 'pin-map-1');
    expect(client?.id).toBe('pin-map-1');
    expect(allClients(aedes).map((x) => x.id)).toContain('pin-map-1');
    expect(remoteAddressOf(client!)).toBe('127.0.0.1');
    await c.endAsync();
    await waitFor(() => clientById(aedes, 'pin-map-1') === undefined, 'client unmapped');
  });

  it('tells a DISCONNECT from a dropped connection', async () => {
    const clean = await connect('pin-clean-1');
    await clean.endAsync();
    const dropped = await connect('pin-drop-1');
    dropped.stream.destroy();
    await waitFor(() => gone.has('pin-clean-1') && gone.has('pin-drop-1'), 'both disconnects');
    expect(gone.get('pin-clean-1')).toBe(true);
    expect(gone.get('pin-drop-1')).toBe(false);
  });

  it('closes a client at once when asked', async () => {
    const c = await connect('pin-close-1');
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    closeClient(clientById(aedes, 'pin-close-1')!);
    await closed;
    expect(clientById(aedes, 'pin-close-1')).toBeUndefined();
    c.end(true);
  });

  it('hands every PUBACK to the persistence method the adapter wraps', async () => {
    const c = await connect('pin-puback-1');
    await c.subscribeAsync('pin/puback', { qos: 1 });
    const got = new Promise<void>((resolve) => c.once('message', () => resolve()));
    aedes.publish({ cmd: 'publish', topic: 'pin/puback', payload: Buffer.from('x'), qos: 1, retain: false, dup: false }, () => {});
    await got;
    await waitFor(() => pubacks.some((p) => p.clientId === 'pin-puback-1'), 'the PUBACK');
    expect(pubacks.find((p) => p.clientId === 'pin-puback-1')?.messageId).toEqual(expect.any(Number));
    await c.endAsync();
  });

  it('still maps the previous holder of a client id while the newcomer authenticates (MQTT-3.1.4-2)', async () => {
    const first = await connect('pin-take-1');
    seenAtAuthenticate.length = 0;
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await connect('pin-take-1');
    expect(seenAtAuthenticate).toEqual(['pin-take-1']);
    await firstClosed; // then aedes closes the previous holder
    first.end(true);
    await second.endAsync();
  });

  describe('a message published while a persistent session is restored (MQTT-3.2.0-1)', () => {
    // aedes restores the session's subscriptions, then stores the will, then writes CONNACK. The
    // publish is made from inside the will step, so it is always delivered in that window.
    const restoreWith = async (preConnect?: (client: Client) => void) => {
      const broker = new Aedes(preConnect ? { preConnect: (client, _packet, done) => (preConnect(client), done(null, true)) } : {});
      await broker.listen();
      const srv = createServer((socket) => broker.handle(socket));
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      const brokerUrl = `mqtt://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      const options = { clientId: 'pin-restore-1', clean: false, reconnectPeriod: 0, protocolVersion: 4 as const };
      const first = await mqtt.connectAsync(brokerUrl, options);
      await first.subscribeAsync('pin/restore/+', { qos: 1 });
      await first.endAsync();
      const persistence = (broker as unknown as { persistence: { delWill(client: Client): Promise<unknown> } }).persistence;
      const delWill = persistence.delWill.bind(persistence);
      persistence.delWill = async (client) => {
        broker.publish({ cmd: 'publish', topic: 'pin/restore/live', payload: Buffer.from('x'), qos: 1, retain: false, dup: false }, () => {});
        await new Promise((resolve) => setTimeout(resolve, 100));
        return delWill(client);
      };
      const again = mqtt.connect(brokerUrl, { ...options, resubscribe: false });
      const order: string[] = [];
      again.on('packetreceive', (packet) => order.push(packet.cmd));
      again.on('error', () => undefined);
      await waitFor(() => order.length >= 1, 'a packet from the broker');
      const until = Date.now() + 1_000; // an open connection with the message on it, or a stall
      while (!(again.connected && order.includes('publish')) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 200)); // a second copy would be here by now
      const connected = again.connected;
      again.end(true);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => srv.close(() => resolve()));
      return { order, connected };
    };

    it('aedes alone writes the PUBLISH first, and mqtt.js stalls on it: never reads the CONNACK', async () => {
      const { order, connected } = await restoreWith();
      expect(order).toEqual(['publish']);
      expect(connected).toBe(false);
    });

    it('with deliverAfterConnack the CONNACK comes first and the message follows once, from the session queue', async () => {
      const { order, connected } = await restoreWith(deliverAfterConnack);
      expect(order).toEqual(['connack', 'publish']);
      expect(connected).toBe(true);
    });

    it('once CONNACK is written the client delivers through its own functions again: no holding closures kept per connection', async () => {
      type Delivering = { deliverQoS: unknown; deliver0: unknown };
      const own = new WeakMap<Client, Delivering>();
      let heldBeforeConnack = false;
      const broker = new Aedes({
        preConnect: (client, _packet, done) => {
          const c = client as unknown as Delivering;
          own.set(client, { deliverQoS: c.deliverQoS, deliver0: c.deliver0 });
          deliverAfterConnack(client);
          heldBeforeConnack = c.deliverQoS !== own.get(client)?.deliverQoS && c.deliver0 !== own.get(client)?.deliver0;
          done(null, true);
        },
      });
      await broker.listen();
      const srv = createServer((socket) => broker.handle(socket));
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${(srv.address() as AddressInfo).port}`, { clientId: 'pin-own-1', reconnectPeriod: 0, protocolVersion: 4 });
      const client = clientById(broker, 'pin-own-1')!;
      expect(heldBeforeConnack).toBe(true);
      const now = client as unknown as Delivering;
      // aedes reports the CONNACK written from its write callback, which may run after the device read it.
      await waitFor(() => now.deliverQoS === own.get(client)?.deliverQoS, 'the own functions back');
      expect(now.deliverQoS).toBe(own.get(client)?.deliverQoS);
      expect(now.deliver0).toBe(own.get(client)?.deliver0);
      // And a subscription made after CONNACK still gets its messages, at both QoS.
      await c.subscribeAsync('pin/own/+', { qos: 1 });
      const got: string[] = [];
      c.on('message', (topic) => got.push(topic));
      for (const qos of [0, 1] as const) {
        broker.publish({ cmd: 'publish', topic: `pin/own/${qos}`, payload: Buffer.from('x'), qos, retain: false, dup: false }, () => {});
      }
      await waitFor(() => got.length === 2, 'both messages');
      expect(got.sort()).toEqual(['pin/own/0', 'pin/own/1']);
      await c.endAsync();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    });
  });
});
