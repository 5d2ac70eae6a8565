// Every touch of aedes beyond its documented options and events, in one place: the client map,
// the private clean-disconnect flag, the transport address, the persistence method patched to
// see PUBACKs, and the delivery functions held back until a client's CONNACK is written. ./aedes-adapter.test.ts pins this behaviour against a real aedes over TCP, so an
// upgrade that changes any of it fails there, loudly, instead of silently weakening the broker.
import type { Aedes, Client } from 'aedes';

/** The aedes release this adapter was written and pinned against. */
export const PINNED_AEDES_VERSION = '1.2.0';

interface AedesInternals {
  /** Live clients by client id (aedes.js `registerClient`). */
  clients: Record<string, Client | undefined>;
  persistence: { outgoingClearMessageId(client: Client, packet: { messageId?: number }): Promise<unknown> };
}
const internals = (aedes: Aedes) => aedes as unknown as AedesInternals;

/** The connected client holding `clientId`, if any. */
export function clientById(aedes: Aedes, clientId: string): Client | undefined {
  return internals(aedes).clients[clientId];
}

/** Every registered client (a snapshot: closing clients while iterating is safe). */
export function allClients(aedes: Aedes): Client[] {
  return Object.values(internals(aedes).clients).filter((c): c is Client => c !== undefined);
}

/** Ends a client's connection now; its will is published only if the caller still allows it. */
export function closeClient(client: Client): void {
  client.close();
}

/** True when the client sent a DISCONNECT packet (aedes' private `_disconnected` flag). */
export function disconnectedCleanly(client: Client): boolean {
  return (client as unknown as { _disconnected?: boolean })._disconnected === true;
}

/** The peer address of a client: the HTTP request's socket for WebSocket, else the stream's. */
export function remoteAddressOf(client: Client): string {
  return client.req?.socket.remoteAddress ?? (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
}

/** The DER client certificate a TLS connection presented (unverified: the caller checks it), or null. */
export function peerCertificateOf(client: Client): Buffer | null {
  const conn = client.conn as { getPeerCertificate?: (detailed: boolean) => { raw?: Buffer } | null };
  if (typeof conn.getPeerCertificate !== 'function') return null;
  const raw = conn.getPeerCertificate(false)?.raw;
  return raw && raw.length > 0 ? raw : null;
}

/** Calls `fn` with the packet id of every PUBACK a client sends. aedes hands each PUBACK to its
 *  persistence's `outgoingClearMessageId` (the persistence contract) and emits no event for it. */
export function onPuback(aedes: Aedes, fn: (client: Client, messageId: number | undefined) => void): void {
  const persistence = internals(aedes).persistence;
  const clearMessageId = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingClearMessageId = (client, packet) => {
    fn(client, packet?.messageId);
    return clearMessageId(client, packet);
  };
}

interface Emitter {
  on(topic: string, fn: (packet: { topic: string; payload: Buffer | string }, done: () => void) => void, done?: () => void): void;
}

/** Calls `fn` when another broker on the shared emitter registers a client id: aedes announces
 *  each registration on `$SYS/<brokerId>/new/clients` and every other broker then closes its own
 *  client of that id (aedes.js `closeSameClients`). Subscribed before `listen()`, so `fn` runs
 *  before aedes closes the local client and can name the reason. */
export function onClientRegisteredElsewhere(mq: unknown, brokerId: string, fn: (clientId: string, otherBroker: string) => void): void {
  (mq as Emitter).on('$SYS/+/new/clients', (packet, done) => {
    const other = packet.topic.split('/')[1] ?? '';
    if (other !== brokerId) fn(packet.payload.toString(), other);
    done();
  });
}

type Deliver = (packet: unknown, done: () => void) => void;
interface DeliveringClient {
  broker: Aedes;
  clean: boolean;
  connackSent: boolean;
  deliverQoS: Deliver;
  deliver0: Deliver;
}

const held = new WeakMap<Client, Array<{ deliver: Deliver; packet: unknown; done: () => void }>>();
/** A client's own delivery functions, until its CONNACK is written. */
const ownDelivery = new WeakMap<Client, { deliverQoS: Deliver; deliver0: Deliver }>();
const releasing = new WeakSet<Aedes>();
const release = (client: Client, write: boolean) => {
  const queue = held.get(client);
  held.delete(client);
  for (const h of queue ?? []) write ? h.deliver(h.packet, h.done) : h.done();
};
/** CONNACK written: the holding wrappers would only pass through from now on, so the client gets
 *  its own functions back and later subscriptions capture those; the wrappers (and their
 *  closures, a few hundred bytes per connection) live on only in subscriptions restored before. */
const restoreDelivery = (client: Client) => {
  const own = ownDelivery.get(client);
  if (!own) return;
  ownDelivery.delete(client);
  const c = client as unknown as DeliveringClient;
  c.deliverQoS = own.deliverQoS;
  c.deliver0 = own.deliver0;
};

/** MQTT 3.1.1 [MQTT-3.2.0-1]: the first packet a server sends is CONNACK. aedes restores a
 *  persistent session's subscriptions before it writes CONNACK, so a message published meanwhile
 *  (on this node or, in cluster mode, any other) was written first, and an mqtt.js device then
 *  stalled: its PUBACK waits for the connection that the unread CONNACK behind it would open.
 *  Called from `preConnect` (restored subscriptions capture these functions, so before them).
 *  Until the client's CONNACK is written: a QoS 1 message for a persistent session is not written
 *  live at all, because aedes queued it in the session before emitting it and sends that queue
 *  right after CONNACK (written live too, it arrived twice); anything else is held and written
 *  after CONNACK, or let go unwritten if the connection ends first. */
export function deliverAfterConnack(client: Client): void {
  const c = client as unknown as DeliveringClient;
  if (!releasing.has(c.broker)) {
    releasing.add(c.broker);
    c.broker.on('connackSent', (_packet, connected) => {
      restoreDelivery(connected);
      release(connected, true);
    });
  }
  const deliverQoS = c.deliverQoS;
  ownDelivery.set(client, { deliverQoS, deliver0: c.deliver0 });
  const hold = (deliver: Deliver): Deliver => (packet, done) => {
    if (c.connackSent) return deliver(packet, done);
    if (!c.clean && ((packet as { qos?: number }).qos ?? 0) > 0 && deliver === deliverQoS) return void setImmediate(done);
    const queue = held.get(client) ?? [];
    if (queue.length === 0) {
      held.set(client, queue);
      client.conn.once('close', () => release(client, false));
    }
    queue.push({ deliver, packet, done });
  };
  c.deliverQoS = hold(deliverQoS);
  c.deliver0 = hold(c.deliver0);
}
