// Command delivery and presence over real sockets: pending commands reach a device when it
// subscribes, its PUBACK marks them delivered, its ack message reports the outcome.
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, stopBroker, type Broker } from './broker.ts';
import { commandAckTopic, commandsFilter, errorsTopic, mqttIdentity, statusTopic } from './topics.ts';
import { createFakeWorld, waitFor, type FakeDevice, type FakeWorld } from './testing.ts';
import type { CommandWire } from './types.ts';

const dev = (deviceId: string): FakeDevice => ({
  tenantId: 'city-a',
  deviceId,
  kind: 'lamp',
  secret: randomBytes(16).toString('hex'),
});
const base: IClientOptions = { reconnectPeriod: 0, connectTimeout: 3_000, protocolVersion: 4 };
const creds = (d: FakeDevice): IClientOptions => {
  const name = mqttIdentity(d.tenantId, d.deviceId);
  return { ...base, clientId: name, username: name, password: d.secret };
};
const command = (id: string, dimLevel: number): CommandWire => ({
  id,
  name: 'dim',
  params: { dimLevel },
  issuedAt: 1_700_000_000_000,
});

describe('command delivery and presence', () => {
  let world: FakeWorld;
  let broker: Broker;
  let url: string;
  const open: MqttClient[] = [];
  const devices = ['lamp-001', 'lamp-002', 'lamp-003', 'lamp-004', 'lamp-005', 'lamp-006', 'lamp-007', 'lamp-008', 'lamp-009'].map(dev);
  const [offlineLamp, onlineLamp, unsubscribedLamp, droppedLamp, twiceLamp, chattyLamp, persistentLamp, racedLamp, restoringLamp] = devices as [
    FakeDevice,
    FakeDevice,
    FakeDevice,
    FakeDevice,
    FakeDevice,
    FakeDevice,
    FakeDevice,
    FakeDevice,
    FakeDevice,
  ];
  const connectDevice = async (d: FakeDevice, extra: IClientOptions = {}) => {
    const c = await mqtt.connectAsync(url, { ...creds(d), ...extra });
    open.push(c);
    return c;
  };
  const events = (commandId: string) => world.commandEvents.filter((e) => e.commandId === commandId).map((e) => e.step);

  beforeAll(async () => {
    world = createFakeWorld({
      devices,
      tokens: { 'tok-ops': { tenantId: 'city-a', label: 'tool:ops', topics: ['tenants/city-a/devices/+/status'] } },
    });
    broker = await startBroker(world.deps);
    url = `mqtt://127.0.0.1:${broker.port}`;
  });

  afterAll(async () => {
    for (const c of open) c.end(true);
    await stopBroker(broker);
  });

  it('queues nothing for an offline device, then delivers its pending command when it subscribes', async () => {
    expect(broker.isOnline('city-a', 'lamp-001')).toBe(false);
    expect(await broker.deliver('city-a', 'lamp-001', command('cmd-1', 30))).toBe(false);
    expect(events('cmd-1')).toEqual([]);

    world.pending.set('city-a/lamp-001', [command('cmd-1', 30)]);
    const c = await connectDevice(offlineLamp);
    expect(broker.isOnline('city-a', 'lamp-001')).toBe(true);
    const received: { topic: string; body: CommandWire }[] = [];
    c.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(payload.toString()) }));
    await c.subscribeAsync(commandsFilter('city-a', 'lamp-001'), { qos: 1 });

    await waitFor(() => received.length === 1, 'the pending command');
    expect(received[0]).toEqual({ topic: 'tenants/city-a/devices/lamp-001/commands/cmd-1', body: command('cmd-1', 30) });
    await waitFor(() => events('cmd-1').includes('delivered'), 'the PUBACK');
    expect(events('cmd-1')).toEqual(['sent', 'delivered']);

    await c.publishAsync(commandAckTopic('city-a', 'lamp-001', 'cmd-1'), JSON.stringify({ status: 'done' }), { qos: 1 });
    expect(world.commandEvents.at(-1)).toEqual({ step: 'acked', commandId: 'cmd-1', status: 'done' });
    expect(world.pending.get('city-a/lamp-001')).toEqual([]);
    await c.endAsync();
  });

  it('publishes straight to an online, subscribed device and tracks each command by its own PUBACK', async () => {
    const c = await connectDevice(onlineLamp);
    const received: string[] = [];
    c.on('message', (topic) => received.push(topic));
    await c.subscribeAsync(commandsFilter('city-a', 'lamp-002'), { qos: 1 });
    const ids = Array.from({ length: 20 }, (_, i) => `cmd-2-${i}`);
    const results = await Promise.all(ids.map((id, i) => broker.deliver('city-a', 'lamp-002', command(id, i))));
    expect(results.every(Boolean)).toBe(true);
    await waitFor(() => ids.every((id) => events(id).includes('delivered')), 'every PUBACK');
    expect(received.sort()).toEqual(ids.map((id) => `tenants/city-a/devices/lamp-002/commands/${id}`).sort());
    for (const id of ids) expect(events(id)).toEqual(['sent', 'delivered']);

    await c.publishAsync(
      commandAckTopic('city-a', 'lamp-002', 'cmd-2-3'),
      JSON.stringify({ status: 'failed', detail: 'driver fault' }),
      { qos: 1 },
    );
    expect(world.commandEvents.at(-1)).toEqual({ step: 'acked', commandId: 'cmd-2-3', status: 'failed', detail: 'driver fault' });
    await c.endAsync();
  });

  it('delivers pending commands on reconnect of a persistent session, which restores the subscription', async () => {
    const lamp = persistentLamp;
    const first = await connectDevice(lamp, { clean: false });
    await first.subscribeAsync(commandsFilter('city-a', 'lamp-007'), { qos: 1 });
    await first.endAsync();
    world.pending.set('city-a/lamp-007', [command('cmd-7', 70)]);

    const received: string[] = [];
    const again = mqtt.connect(url, { ...creds(lamp), clean: false });
    open.push(again);
    again.on('message', (topic) => received.push(topic));
    await waitFor(() => received.length === 1, 'the pending command without a new SUBSCRIBE');
    expect(received).toEqual(['tenants/city-a/devices/lamp-007/commands/cmd-7']);
    await waitFor(() => events('cmd-7').includes('delivered'), 'the PUBACK');
    await again.endAsync();
  });

  // In cluster mode a command routed from another node reaches the restored session's
  // subscription at once, while aedes is still between restoring it and writing CONNACK. The
  // publish is made from inside that window (the will step), so it always lands there.
  it('writes CONNACK before a command that arrives while a persistent session is restored (MQTT-3.2.0-1)', async () => {
    const lamp = restoringLamp;
    const first = await connectDevice(lamp, { clean: false });
    await first.subscribeAsync(commandsFilter('city-a', 'lamp-009'), { qos: 1 });
    await first.endAsync();
    const persistence = (broker.aedes as unknown as { persistence: { delWill(client: { id: string }): Promise<unknown> } }).persistence;
    const delWill = persistence.delWill.bind(persistence);
    persistence.delWill = async (client) => {
      if (client.id === mqttIdentity('city-a', 'lamp-009')) {
        const wire = Buffer.from(JSON.stringify(command('cmd-9', 90)));
        broker.aedes.publish({ cmd: 'publish', topic: 'tenants/city-a/devices/lamp-009/commands/cmd-9', payload: wire, qos: 1, retain: false, dup: false }, () => {});
        await new Promise((r) => setTimeout(r, 100));
      }
      return delWill(client);
    };
    try {
      const again = mqtt.connect(url, { ...creds(lamp), clean: false, resubscribe: false });
      open.push(again);
      const order: string[] = [];
      again.on('packetreceive', (packet) => order.push(packet.cmd));
      await waitFor(() => again.connected && order.includes('publish'), 'an open connection with the command on it', 3_000);
      expect(order.slice(0, 2)).toEqual(['connack', 'publish']);
      await again.endAsync();
    } finally {
      persistence.delWill = delWill;
    }
  });

  // A command is stored before it is handed to the broker (on its own node, or routed from
  // another): a device that subscribes in between has it pushed as pending, then the hand-over
  // arrives for the same command on the same connection.
  it('sends a command pushed as pending on subscribe only once when its delivery arrives after', async () => {
    world.pending.set('city-a/lamp-008', [command('cmd-8', 80)]);
    const c = await connectDevice(racedLamp);
    const received: string[] = [];
    c.on('message', (topic) => received.push(topic));
    await c.subscribeAsync(commandsFilter('city-a', 'lamp-008'), { qos: 1 });
    await waitFor(() => events('cmd-8').includes('delivered'), 'the pending command and its PUBACK');

    expect(await broker.deliver('city-a', 'lamp-008', command('cmd-8', 80))).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual(['tenants/city-a/devices/lamp-008/commands/cmd-8']);
    expect(events('cmd-8')).toEqual(['sent', 'delivered']);
    await c.endAsync();
  });

  it('does not push commands to a device that has not subscribed to them', async () => {
    const c = await connectDevice(unsubscribedLamp);
    const received: string[] = [];
    c.on('message', (topic) => received.push(topic));
    expect(broker.isOnline('city-a', 'lamp-003')).toBe(true);
    expect(await broker.deliver('city-a', 'lamp-003', command('cmd-3', 10))).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([]);
    expect(events('cmd-3')).toEqual([]);
    await c.endAsync();
  });

  it('refuses a command id that would escape its topic level', async () => {
    await expect(broker.deliver('city-a', 'lamp-002', command('a/b', 1))).rejects.toThrow(/invalid command id/);
    await expect(broker.deliver('city-a', 'lamp-002', command('#', 1))).rejects.toThrow(/invalid command id/);
  });

  it('tells the device why an ack was refused, and reports nothing', async () => {
    const c = await connectDevice(chattyLamp);
    const notices: { reason: string }[] = [];
    c.on('message', (_t, p) => notices.push(JSON.parse(p.toString())));
    await c.subscribeAsync(errorsTopic('city-a', 'lamp-006'), { qos: 1 });
    const before = world.commandEvents.length;
    await c.publishAsync(commandAckTopic('city-a', 'lamp-006', 'cmd-6'), JSON.stringify({ status: 'maybe' }), { qos: 1 });
    await c.publishAsync(commandAckTopic('city-a', 'lamp-006', 'cmd-6'), 'done', { qos: 1 });
    await waitFor(() => notices.length === 2, 'two error notices');
    expect(notices.map((n) => n.reason)).toEqual(['schema', 'malformed-json']);
    expect(world.commandEvents.length).toBe(before);
    await c.endAsync();
  });

  it('lets the platform tell a device why a reading was refused after validation', async () => {
    const c = await connectDevice(chattyLamp);
    const notices: { topic: string; reason: string; detail: string; at: number }[] = [];
    c.on('message', (_t, p) => notices.push(JSON.parse(p.toString())));
    await c.subscribeAsync(errorsTopic('city-a', 'lamp-006'), { qos: 0 });
    broker.tellDevice('city-a', 'lamp-006', { topic: 'telemetry', reason: 'refused', detail: 'no consent recorded' });
    broker.tellDevice('city-a', 'lamp-002', { topic: 'telemetry', reason: 'refused', detail: 'for someone else' });
    await waitFor(() => notices.length === 1, 'the notice');
    await new Promise((r) => setTimeout(r, 50));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ topic: 'telemetry', reason: 'refused', detail: 'no consent recorded' });
    await c.endAsync();
  });

  describe('presence', () => {
    const seen = (deviceId: string) =>
      world.presence.filter((p) => p.deviceId === deviceId).map((p) => (p.kind === 'online' ? 'online' : `offline:${p.reason}`));

    it('reports online on connect and offline with the reason on a clean disconnect', async () => {
      const c = await connectDevice(twiceLamp);
      await c.endAsync();
      await waitFor(() => seen('lamp-005').length === 2, 'offline');
      expect(seen('lamp-005')).toEqual(['online', 'offline:disconnect']);
      expect(broker.isOnline('city-a', 'lamp-005')).toBe(false);
    });

    it('publishes the last will and reports a lost connection when a device vanishes', async () => {
      const tool = await mqtt.connectAsync(url, { ...base, clientId: 'ops_presence', username: 'token', password: 'tok-ops' });
      open.push(tool);
      const statuses: string[] = [];
      tool.on('message', (topic, payload) => statuses.push(`${topic}=${payload.toString()}`));
      await tool.subscribeAsync('tenants/city-a/devices/+/status', { qos: 1 });

      const c = await connectDevice(droppedLamp, {
        will: { topic: statusTopic('city-a', 'lamp-004'), payload: Buffer.from('offline'), qos: 1, retain: true },
      });
      await c.publishAsync(statusTopic('city-a', 'lamp-004'), 'online', { qos: 1, retain: true });
      c.stream.destroy();
      await waitFor(() => seen('lamp-004').length === 2, 'offline');
      expect(seen('lamp-004')).toEqual(['online', 'offline:connection-lost']);
      await waitFor(() => statuses.length === 2, 'the last will');
      expect(statuses).toEqual([
        'tenants/city-a/devices/lamp-004/status=online',
        'tenants/city-a/devices/lamp-004/status=offline',
      ]);
      c.end(true);
    });

    it('reports a takeover when the same device connects again', async () => {
      const first = await connectDevice(twiceLamp);
      const firstClosed = new Promise<void>((r) => first.once('close', () => r()));
      const second = await connectDevice(twiceLamp);
      await firstClosed;
      await waitFor(() => seen('lamp-005').length === 5, 'takeover and online');
      expect(seen('lamp-005').slice(2)).toEqual(['online', 'offline:takeover', 'online']);
      expect(broker.isOnline('city-a', 'lamp-005')).toBe(true);
      await second.endAsync();
    });

    it('reports everyone offline with reason shutdown when the broker stops', async () => {
      const lamp = dev('lamp-900');
      const w = createFakeWorld({ devices: [lamp] });
      const b = await startBroker(w.deps);
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, {
        ...base,
        clientId: mqttIdentity(lamp.tenantId, lamp.deviceId),
        username: mqttIdentity(lamp.tenantId, lamp.deviceId),
        password: lamp.secret,
      });
      await stopBroker(b);
      expect(w.presence.map((p) => `${p.kind}:${p.reason ?? ''}`)).toEqual(['online:', 'offline:shutdown']);
      c.end(true);
    });
  });
});
