// The transports MQTT arrives on: TCP, TLS when configured, and WebSocket on the platform's HTTP
// server. Every connection is tracked so that a stop can end the ones aedes leaves open.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { pem } from '../pem.ts';
import type { BrokerState } from './state.ts';

export interface Listeners {
  port: number;
  tlsPort: number | null;
  /** Serves MQTT over WebSocket on `path` of an HTTP server; returns a detach function. */
  attachWebSocket(server: HttpServer, path?: string): () => void;
  /** Stops accepting connections; the promise settles once the servers have closed. */
  stopAccepting(): Promise<void>;
  /** Ends every connection still open. */
  destroyConnections(): void;
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startListeners(state: BrokerState, aedes: Aedes): Promise<Listeners> {
  const { cfg, log } = state;
  const connections = new Set<Duplex>();
  // One listener for every connection (an emitter calls it with itself as `this`), and `on`
  // since 'close' comes once: no closure, no once-wrapper kept per connected device.
  function untrack(this: Duplex) {
    connections.delete(this);
  }
  const track = (conn: Duplex) => {
    connections.add(conn);
    conn.on('close', untrack);
  };
  const servers: NetServer[] = [];

  const tcp = createNetServer((socket) => {
    track(socket);
    aedes.handle(socket);
  });
  tcp.on('error', (err) => log.error({ err }, 'mqtt tcp server error'));
  servers.push(tcp);
  const port = await listen(tcp, cfg.port, cfg.host);

  let tlsPort: number | null = null;
  if (cfg.tls) {
    // A device may present a client certificate instead of a secret. It is asked for but not
    // verified here: each tenant has its own CA, known only once CONNECT names the tenant, so
    // ./authenticate.ts checks it against that CA (docs/security.md "Device certificates").
    const options = { cert: pem(cfg.tls.cert), key: pem(cfg.tls.key), minVersion: 'TLSv1.2' as const, requestCert: true, rejectUnauthorized: false };
    const tls = createTlsServer(options, (socket) => {
      track(socket);
      aedes.handle(socket);
    });
    tls.on('error', (err) => log.error({ err }, 'mqtt tls server error'));
    servers.push(tls);
    tlsPort = await listen(tls, cfg.tls.port, cfg.host);
  }

  type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  const webSockets: { server: HttpServer; wss: WebSocketServer; onUpgrade: UpgradeListener }[] = [];

  const attachWebSocket = (server: HttpServer, path = '/mqtt'): (() => void) => {
    // A WebSocket message carries one or more MQTT packets; cap frames near the payload limit.
    const wss = new WebSocketServer({ noServer: true, maxPayload: cfg.maxPayload + 64 * 1024 });
    const onUpgrade: UpgradeListener = (req, socket, head) => {
      let pathname: string;
      try {
        pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      } catch {
        return;
      }
      if (pathname !== path) {
        // Someone else's upgrade (socket.io) — unless nobody else listens, then it is refused
        // here rather than left hanging.
        if (server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      if (state.stopping) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = createWebSocketStream(ws);
        track(stream);
        aedes.handle(stream, req);
      });
    };
    server.on('upgrade', onUpgrade);
    const entry = { server, wss, onUpgrade };
    webSockets.push(entry);
    return () => {
      server.off('upgrade', onUpgrade);
      wss.close();
      webSockets.splice(webSockets.indexOf(entry), 1);
    };
  };

  const stopAccepting = (): Promise<void> => {
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const { server, wss, onUpgrade } of [...webSockets]) {
      server.off('upgrade', onUpgrade);
      wss.close();
    }
    return Promise.all(closed).then(() => {});
  };

  const destroyConnections = () => {
    for (const c of connections) c.destroy();
  };

  return { port, tlsPort, attachWebSocket, stopAccepting, destroyConnections };
}
