// A TCP relay to a real server that a test can cut and restore, standing in for a network
// failure between the platform and its database (the server itself keeps running).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** Closes the listener and every relayed connection. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  readonly listening: boolean;
}

export async function startTcpRelay(targetHost: string, targetPort: number): Promise<TcpRelay> {
  let server: Server;
  let sockets = new Set<Socket>();
  let port = 0;

  const listen = async (onPort: number): Promise<void> => {
    sockets = new Set();
    server = createServer((inbound) => {
      const outbound = connect(targetPort, targetHost);
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(onPort, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  };
  await listen(0);

  return {
    get port() {
      return port;
    },
    get listening() {
      return server.listening;
    },
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    restore: () => listen(port),
  };
}

/** The same URL pointing at the relay instead of the server. */
export function viaRelay(url: string, relay: TcpRelay): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(relay.port);
  return u.toString();
}
