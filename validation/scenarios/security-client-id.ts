// Client-id squatting (docs/security.md "Client ids"): an operator of tenant A holding a valid
// MQTT tool token tries tenant B's device id as client id — while the device is connected, and
// while it is away. Tools have their own client-id namespace, so both are refused and the real
// device keeps (or gets back) its connection and its readings are stored.
import { connectDevice, connect, deviceCreds, tryConnect, tryPublish } from '../support/mqtt-probe.ts';
import { provisionProbes, storedValues } from '../support/fleet.ts';
import type { Scenario } from '../types.ts';

export const securityClientId: Scenario = {
  id: 'security.client-id-squatting',
  title: "Client-id squatting: another tenant's tool cannot take or hold a device's client id",
  requirement: 'ASVS 4.0.3 4.1.3 (least privilege), 2.2.1; ETSI EN 303 645 5.1-1; docs/security.md "Client ids"',
  indicator: 'squatting attempts accepted',
  criterion: "0 attempts accepted (CONNACK 2); the device stays connected, its reading is stored, it reconnects after being away; a tool with its own client id connects (control)",
  profile: 'fast',
  async run(ctx) {
    const h = await ctx.boot({ probe: true });
    const port = h.platform.mqttPort;
    const [victim] = await provisionProbes(h, 'b', 'squat', 1);
    const v = victim!;
    const op = await h.as(h.tenants.a.users.operator);
    const tok = await op.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 });
    const asTool = (clientId: string) => ({ clientId, username: 'token', password: tok.body.password as string });

    // The device's client id is `<tenant>/<device>`; the bare id is reserved for devices too.
    const squatted = deviceCreds(v).clientId as string;
    const c = await connectDevice(port, v);
    ctx.defer(() => c.end(true));
    const whileOnline = await tryConnect(port, asTool(squatted));
    await new Promise((r) => setTimeout(r, 100));
    const stayed = c.connected;
    const published = await tryPublish(c, `tenants/tenant-b/devices/${v.id}/telemetry`, JSON.stringify({ ts: Date.now(), value: 7 }));
    await c.endAsync();
    const whileAway = await tryConnect(port, asTool(squatted));
    const bare = await tryConnect(port, asTool(v.id));
    const deviceBack = await tryConnect(port, deviceCreds(v));
    const control = await connect(port, asTool('ops_console-1')).then(
      async (t) => (await t.endAsync(), 0),
      (err: { code?: number }) => err.code ?? -1,
    );
    const stored = (await storedValues(h, 'tenant-b', [v.id])).get(v.id)?.size ?? 0;

    const accepted = [whileOnline, whileAway, bare].filter((code) => code === 0).length;
    return {
      measured: accepted,
      pass: accepted === 0 && whileOnline === 2 && whileAway === 2 && bare === 2 && stayed && published === 'acked' && stored === 1 && deviceBack === 0 && control === 0,
      evidence: {
        tokenStatus: tok.status,
        squatWhileDeviceOnline: whileOnline,
        squatWhileDeviceAway: whileAway,
        squatBareDeviceId: bare,
        deviceStayedConnected: stayed,
        devicePublishAfterAttempt: published,
        storedReadings: stored,
        deviceReconnect: deviceBack,
        toolWithOwnClientId: control,
      },
    };
  },
};
