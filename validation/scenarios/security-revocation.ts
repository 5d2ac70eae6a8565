// Revocation reaches live connections (docs/security.md): revoking a device closes its MQTT
// connection at once and refuses it back, and nothing it sends afterwards is stored; logging out
// disconnects the socket.io connection opened with that session, while another session's socket
// stays. Closing times are measured from the moment the REST call was answered.
import { io, type Socket } from 'socket.io-client';
import type { MqttClient } from 'mqtt';
import { connectDevice, deviceCreds, tryConnect, tryPublish } from '../support/mqtt-probe.ts';
import { provisionProbes, storedValues } from '../support/fleet.ts';
import type { Scenario } from '../types.ts';

const LIMIT_MS = 1_000;

/** Milliseconds from now until the connection closes, or null when it is open after `ms`. */
function closesWithin(closed: Promise<number>, ms: number): Promise<number | null> {
  const t0 = Date.now();
  return Promise.race([closed.then((at) => Math.max(0, at - t0)), new Promise<null>((r) => setTimeout(() => r(null), ms))]);
}
const whenClosed = (c: MqttClient | Socket): Promise<number> =>
  new Promise((resolve) => {
    if ('connected' in c && !c.connected) return resolve(Date.now());
    if ('io' in c) c.once('disconnect', () => resolve(Date.now()));
    else c.once('close', () => resolve(Date.now()));
  });

export const securityRevocation: Scenario = {
  id: 'security.revocation',
  title: 'Revocation reaches live connections: a revoked device and a logged-out socket are cut off at once',
  requirement: 'ASVS 4.0.3 3.3.1 (logout invalidates the session), 3.3.3; ETSI EN 303 645 5.1-1; docs/security.md "Revocation reaches live connections"',
  indicator: 'slowest close after the revoking call was answered (ms); readings stored after revocation; reconnects accepted',
  criterion: `device connection and logged-out socket closed ≤ ${LIMIT_MS} ms after the call is answered; reconnect refused (CONNACK 5, socket "unauthorized"); 0 readings stored after revocation; the other session's socket stays connected`,
  profile: 'fast',
  async run(ctx) {
    const h = await ctx.boot({ probe: true });
    const port = h.platform.mqttPort;
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const [dev] = await provisionProbes(h, 'a', 'revoke', 1);
    const d = dev!;
    const topic = `tenants/tenant-a/devices/${d.id}/telemetry`;
    const c = await connectDevice(port, d);
    ctx.defer(() => c.end(true));
    const before = await tryPublish(c, topic, JSON.stringify({ ts: Date.now(), value: 1 }));

    const deviceClosed = whenClosed(c);
    const revoke = await admin.post(`/api/v1/devices/${d.id}/revoke`);
    const deviceCloseMs = await closesWithin(deviceClosed, LIMIT_MS);
    const after = c.connected ? await tryPublish(c, topic, JSON.stringify({ ts: Date.now(), value: 2 })) : 'closed';
    const reconnect = await tryConnect(port, deviceCreds(d));
    await new Promise((r) => setTimeout(r, 200));
    const values = [...((await storedValues(h, 'tenant-a', [d.id])).get(d.id) ?? [])];

    // Two sessions of one user, one socket each; the first logs out.
    const user = h.tenants.a.users.operator;
    const [one, two] = [await h.as(user), await h.as(user)];
    const open = async (token: string) => {
      const s = io(h.url, { auth: { token }, transports: ['websocket'], reconnection: false });
      ctx.defer(() => s.close());
      return new Promise<{ socket: Socket; verdict: string }>((resolve) => {
        s.once('hello', () => resolve({ socket: s, verdict: 'connected' }));
        s.once('connect_error', (err) => resolve({ socket: s, verdict: err.message }));
      });
    };
    const s1 = await open(one.token!);
    const s2 = await open(two.token!);
    const socketClosed = whenClosed(s1.socket);
    const logout = await one.post('/api/v1/auth/logout');
    const socketCloseMs = await closesWithin(socketClosed, LIMIT_MS);
    const reopened = await open(one.token!);
    const otherStays = s2.socket.connected;

    const closes = [deviceCloseMs, socketCloseMs];
    const slowest = closes.includes(null) ? null : Math.max(...(closes as number[]));
    const pass =
      before === 'acked' &&
      revoke.status === 200 &&
      deviceCloseMs !== null &&
      after !== 'acked' &&
      reconnect === 5 &&
      values.length === 1 &&
      logout.status === 204 &&
      socketCloseMs !== null &&
      reopened.verdict === 'unauthorized' &&
      otherStays;
    return {
      measured: slowest === null ? `still open after ${LIMIT_MS} ms` : slowest,
      ...(slowest === null ? {} : { unit: 'ms' }),
      pass,
      evidence: {
        device: { id: d.id, publishBeforeRevoke: before, closeMs: deviceCloseMs, publishAfterRevoke: after, reconnectConnack: reconnect, storedValues: values },
        socket: { logoutStatus: logout.status, closeMs: socketCloseMs, reconnect: reopened.verdict, otherSessionStillConnected: otherStays },
      },
    };
  },
};
