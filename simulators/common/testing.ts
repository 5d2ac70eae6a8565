// A bare aedes broker for the simulators' tests: checks device credentials (client id = username
// = `<tenant>/<device>`, password = secret), records every publish, can be stopped and restarted on the
// same port (a broker restart, sessions lost), and can send commands. No platform involved.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { commandsFilter, commandTopic, mqttIdentity } from '../../platform/broker/topics.ts';
import type { CommandWire } from '../../platform/broker/types.ts';

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
  clientId: string | null;
  at: number;
}

export interface TestBroker {
  readonly port: number;
  readonly url: string;
  /** Every publish seen by the broker, oldest first (kept across restarts). */
  readonly received: Received[];
  /** Connection attempts refused for bad credentials. */
  readonly refused: string[];
  /** Stops listening and cuts every connection, as a crashed broker would. */
  stop(): Promise<void>;
  /** A fresh broker (no sessions) on the same port. */
  restart(): Promise<void>;
  /** Publishes a command once the device has subscribed to its commands (waits up to 3 s). */
  sendCommand(tenantId: string, deviceId: string, command: { id: string; name: string; params?: Record<string, unknown>; expiresAt?: number }): Promise<void>;
  /** Resolves with the first received message (from `from` on) matching, or rejects after timeoutMs. */
  waitFor(match: (m: Received) => boolean, timeoutMs?: number, from?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startTestBroker(opts: { devices: { tenantId: string; id: string; secret: string }[]; port?: number }): Promise<TestBroker> {
  const secrets = new Map(opts.devices.map((d) => [mqttIdentity(d.tenantId, d.id), d.secret]));
  const received: Received[] = [];
  const refused: string[] = [];
  const waiters = new Set<() => void>();
  /** Command filters subscribed on the running broker instance (a restart forgets them). */
  const subscribed = new Set<string>();
  let aedes: Aedes | null = null;
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let port = opts.port ?? 0;

  async function start(): Promise<void> {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const ok = username === client.id && password !== undefined && secrets.get(username) === password.toString('utf8');
        if (ok) return done(null, true);
        refused.push(client.id);
        const err = Object.assign(new Error('bad credentials'), { returnCode: 4 as const });
        done(err, false);
      },
    });
    broker.on('publish', (packet, client) => {
      if (!client) return; // broker-internal ($SYS heartbeats)
      received.push({
        topic: packet.topic,
        payload: Buffer.from(packet.payload as Buffer).toString('utf8'),
        retain: packet.retain,
        qos: packet.qos,
        clientId: client.id,
        at: Date.now(),
      });
      for (const wake of waiters) wake();
    });
    subscribed.clear();
    broker.on('subscribe', (subs) => {
      for (const sub of subs) subscribed.add(sub.topic);
      for (const wake of waiters) wake();
    });
    const srv = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
    });
    port = (srv.address() as AddressInfo).port;
    aedes = broker;
    server = srv;
  }

  async function stop(): Promise<void> {
    const srv = server;
    const broker = aedes;
    server = null;
    aedes = null;
    if (srv) {
      const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    }
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  await start();
  return {
    get port() {
      return port;
    },
    get url() {
      return `mqtt://127.0.0.1:${port}`;
    },
    received,
    refused,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async sendCommand(tenantId, deviceId, command) {
      const filter = commandsFilter(tenantId, deviceId);
      const deadline = Date.now() + 3_000;
      while (!subscribed.has(filter)) {
        if (Date.now() > deadline) throw new Error(`${deviceId} never subscribed to its commands`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const broker = aedes;
      if (!broker) throw new Error('broker is stopped');
      // The platform broker's wire shape (platform/broker/types.ts CommandWire).
      const body: CommandWire = { issuedAt: Date.now(), expiresAt: Date.now() + 60_000, ...command };
      await new Promise<void>((resolve, reject) =>
        broker.publish(
          { cmd: 'publish', topic: commandTopic(tenantId, deviceId, command.id), payload: Buffer.from(JSON.stringify(body)), qos: 1, retain: false, dup: false },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
    },
    waitFor(match, timeoutMs = 5_000, from = 0) {
      return new Promise((resolve, reject) => {
        let index = from;
        const check = () => {
          for (; index < received.length; index++) {
            const m = received[index]!;
            if (match(m)) {
              cleanup();
              resolve(m);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching message within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: stop,
  };
}
