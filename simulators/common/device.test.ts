import { afterEach, describe, expect, it } from 'vitest';
import { commandAckTopic, statusTopic, telemetryTopic } from '../../platform/broker/topics.ts';
import { createDevice, DroppedError, type SimDevice } from './device.ts';
import { startTestBroker, type TestBroker } from './testing.ts';

const T = 'tenant-sim';
const FAST = { minMs: 20, maxMs: 100 };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(devices = [{ tenantId: T, id: 'dev-1', secret: 's3cret-1' }]): Promise<TestBroker> {
  const broker = await startTestBroker({ devices });
  cleanup.push(() => broker.close());
  return broker;
}

function device(broker: TestBroker, extra: Partial<Parameters<typeof createDevice>[0]> = {}): SimDevice {
  const d = createDevice({ url: broker.url, tenantId: T, deviceId: 'dev-1', secret: 's3cret-1', reconnect: FAST, drainTimeoutMs: 200, ...extra });
  cleanup.push(() => d.close());
  return d;
}

const until = async (cond: () => boolean, timeoutMs = 3_000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('simulated device over MQTT', () => {
  it('connects with its own credentials, says online, and its QoS 1 telemetry arrives', async () => {
    const broker = await setup();
    const d = device(broker);
    expect(await d.waitConnected(3_000)).toBe(true);
    await d.publishTelemetry({ ts: 1, value: 42 });
    const status = await broker.waitFor((m) => m.topic === statusTopic(T, 'dev-1'));
    expect(status).toMatchObject({ payload: 'online', retain: true, clientId: `${T}/dev-1` });
    const reading = await broker.waitFor((m) => m.topic === telemetryTopic(T, 'dev-1'));
    expect(JSON.parse(reading.payload)).toEqual({ ts: 1, value: 42 });
    expect(reading.qos).toBe(1);
    expect(d.counters).toMatchObject({ sent: 1, acked: 1, buffered: 0, inFlight: 0, dropped: 0 });
  });

  it('a wrong secret is refused and nothing is published', async () => {
    const broker = await setup();
    const d = device(broker, { secret: 'wrong' });
    expect(await d.waitConnected(300)).toBe(false);
    expect(broker.refused).toContain(`${T}/dev-1`);
    expect(broker.received.filter((m) => m.clientId === `${T}/dev-1`)).toEqual([]);
  });

  it('buffers while the broker is down and delivers everything in order after it restarts', async () => {
    const broker = await setup();
    const d = device(broker);
    await d.waitConnected(3_000);
    await broker.stop();
    await until(() => !d.online);
    const sent = Array.from({ length: 50 }, (_, i) => d.publishTelemetry({ ts: i, seq: i }));
    expect(d.counters.buffered).toBe(50);
    await broker.restart();
    await Promise.all(sent);
    const seqs = broker.received.filter((m) => m.topic === telemetryTopic(T, 'dev-1')).map((m) => JSON.parse(m.payload).seq);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(d.counters).toMatchObject({ acked: 50, buffered: 0, dropped: 0, reconnects: 1 });
  });

  it('messages in flight when the broker dies are resent after it restarts, ahead of newer ones', async () => {
    const broker = await setup();
    const d = device(broker, { maxInFlight: 20 });
    await d.waitConnected(3_000);
    const sent = Array.from({ length: 300 }, (_, i) => d.publishTelemetry({ seq: i }));
    await broker.stop();
    sent.push(...Array.from({ length: 20 }, (_, i) => d.publishTelemetry({ seq: 300 + i })));
    await broker.restart();
    await Promise.all(sent);
    // QoS 1 is at-least-once: a message whose PUBACK was lost comes again; first sightings are in order.
    const firsts: number[] = [];
    for (const m of broker.received.filter((x) => x.topic === telemetryTopic(T, 'dev-1'))) {
      const seq = JSON.parse(m.payload).seq as number;
      if (!firsts.includes(seq)) firsts.push(seq);
    }
    expect(firsts).toEqual(Array.from({ length: 320 }, (_, i) => i));
  });

  it('a full offline buffer drops the oldest messages and counts them', async () => {
    const broker = await setup();
    const d = device(broker, { autoConnect: false, bufferLimit: 5 });
    const results = Array.from({ length: 8 }, (_, i) => d.publishTelemetry({ seq: i }).then(() => 'sent', (e: unknown) => e));
    expect(d.counters).toMatchObject({ buffered: 5, dropped: 3 });
    d.goOnline();
    const outcome = await Promise.all(results);
    expect(outcome.slice(0, 3).every((e) => e instanceof DroppedError)).toBe(true);
    expect(outcome.slice(3)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    const seqs = broker.received.filter((m) => m.topic === telemetryTopic(T, 'dev-1')).map((m) => JSON.parse(m.payload).seq);
    expect(seqs).toEqual([3, 4, 5, 6, 7]);
  });

  it('receives a command, acknowledges it, and applies a redelivered copy only once', async () => {
    const broker = await setup();
    const seen: string[] = [];
    const d = device(broker, {
      onCommand: async (cmd, dev) => {
        seen.push(`${cmd.name}:${JSON.stringify(cmd.payload)}`);
        await dev.ack(cmd.id, 'accepted');
        await dev.ack(cmd.id, 'done', 'ok');
      },
    });
    await d.waitConnected(3_000);
    await until(() => broker.received.some((m) => m.topic === statusTopic(T, 'dev-1')));
    await broker.sendCommand(T, 'dev-1', { id: 'cmd-1', name: 'blink', params: { times: 2 } });
    await broker.sendCommand(T, 'dev-1', { id: 'cmd-1', name: 'blink', params: { times: 2 } });
    const done = await broker.waitFor((m) => m.topic === commandAckTopic(T, 'dev-1', 'cmd-1') && m.payload.includes('done'));
    expect(JSON.parse(done.payload)).toEqual({ status: 'done', detail: 'ok' });
    expect(seen).toEqual(['blink:{"times":2}']);
    expect(d.counters.commandsReceived).toBe(1);
  });

  it('refuses an expired command with a failed ack', async () => {
    const broker = await setup();
    const d = device(broker, { onCommand: () => void 0 });
    await d.waitConnected(3_000);
    await broker.sendCommand(T, 'dev-1', { id: 'cmd-old', name: 'blink', params: {}, expiresAt: Date.now() - 1 });
    const ack = await broker.waitFor((m) => m.topic === commandAckTopic(T, 'dev-1', 'cmd-old'));
    expect(JSON.parse(ack.payload)).toMatchObject({ status: 'failed' });
  });

  it('goOffline cuts the link so the broker publishes the will, and goOnline resumes sending', async () => {
    const broker = await setup();
    const d = device(broker);
    await d.waitConnected(3_000);
    await d.goOffline();
    const will = await broker.waitFor((m) => m.topic === statusTopic(T, 'dev-1') && m.payload === 'offline');
    expect(will.retain).toBe(true);
    const pending = d.publishTelemetry({ seq: 'while-away' });
    expect(d.counters.buffered).toBe(1);
    d.goOnline();
    await pending;
    expect(broker.received.some((m) => m.payload.includes('while-away'))).toBe(true);
  });

  it('close says offline before a clean disconnect and refuses later publishes', async () => {
    const broker = await setup();
    const d = device(broker);
    await d.waitConnected(3_000);
    await d.close();
    const last = broker.received.filter((m) => m.topic === statusTopic(T, 'dev-1')).at(-1);
    expect(last?.payload).toBe('offline');
    await expect(d.publishTelemetry({ x: 1 })).rejects.toBeInstanceOf(DroppedError);
  });
});
