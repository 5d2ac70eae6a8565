// fast-check arbitraries for hostile MQTT traffic: packets built with mqtt-packet (`generate`) in
// every type and protocol version, with awkward fields (huge and invalid topics, odd client ids,
// wrong protocol names and versions, QoS 2 flows out of order), then damaged on the wire
// (truncated, remaining length forged up to 256 MB or over-long, bytes flipped) or replaced by
// raw garbage; sequences start with a valid CONNECT or not.
import fc, { type Arbitrary } from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { mqttIdentity } from '../../platform/broker/topics.ts';

export interface Credentials {
  id: string;
  secret: string;
  tenantId: string;
}

/** One wire step: bytes to write. */
export type Step = Buffer;

const awkwardText = fc.oneof(
  fc.constantFrom('', '#', '+', '/', '//', '$SYS/#', '$share/g/#', 'a/+/b/#', '\u0000', '\ud800', '\u202etxt', '😀/😀', 'tenants/tenant-a/devices/+/telemetry', 'tenants/#'),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.nat({ max: 65_535 }).map((n) => 'x'.repeat(n)),
);

const messageId = fc.oneof(fc.constantFrom(0, 1, 65_535), fc.integer({ min: 1, max: 65_535 }));
const version = fc.constantFrom(3, 4, 5);
const qos = fc.constantFrom(0, 1, 2) as Arbitrary<0 | 1 | 2>;

/** A device's MQTT identity, `<tenant>/<device>` (the bare id is generated too, and refused). */
const mqttName = (c: Credentials) => mqttIdentity(c.tenantId, c.id);

function topicFor(c: Credentials, family: string) {
  return `tenants/${c.tenantId}/devices/${c.id}/${family}`;
}

/** A packet object mqtt-packet can generate (some combinations it refuses: then raw bytes). */
function packetArb(claims: Credentials[], targets: Credentials[]): Arbitrary<Record<string, unknown>> {
  const own = fc.constantFrom(...claims);
  const topic = fc.oneof(awkwardText, fc.constantFrom(...targets).chain((c) => fc.constantFrom(topicFor(c, 'telemetry'), topicFor(c, 'events'), topicFor(c, 'errors'), topicFor(c, 'commands/x'))));
  const payload = fc.oneof(
    fc.constantFrom('', '{', 'null', '{"ts":1,"value":1}', `{"ts":${Date.now()},"value":1e309}`, '{"__proto__":{"x":1}}', '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]'),
    fc.json({ maxDepth: 3 }),
    fc.nat({ max: 400_000 }).map((n) => 'A'.repeat(n)),
  );
  return fc.oneof(
    fc.record({
      cmd: fc.constant('connect'),
      protocolId: fc.constantFrom('MQTT', 'MQIsdp', 'MQTX', ''),
      protocolVersion: version,
      clean: fc.boolean(),
      keepalive: fc.constantFrom(0, 1, 60, 65_535),
      clientId: fc.oneof(awkwardText, own.map(mqttName), own.map((c) => c.id)),
      username: fc.option(fc.oneof(awkwardText, own.map(mqttName), own.map((c) => c.id)), { nil: undefined }),
      password: fc.option(fc.oneof(awkwardText, own.map((c) => c.secret)).map((s) => Buffer.from(s)), { nil: undefined }),
      will: fc.option(fc.record({ topic, payload: payload.map((p) => Buffer.from(p)), qos, retain: fc.boolean() }), { nil: undefined }),
    }),
    fc.record({ cmd: fc.constant('publish'), topic, payload, qos, retain: fc.boolean(), dup: fc.boolean(), messageId }),
    fc.record({
      cmd: fc.constant('subscribe'),
      messageId,
      subscriptions: fc.array(fc.record({ topic, qos }), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ cmd: fc.constant('unsubscribe'), messageId, unsubscriptions: fc.array(topic, { minLength: 1, maxLength: 3 }) }),
    fc.record({ cmd: fc.constantFrom('puback', 'pubrec', 'pubrel', 'pubcomp'), messageId }),
    fc.record({ cmd: fc.constantFrom('pingreq', 'pingresp', 'disconnect', 'connack', 'suback', 'unsuback', 'auth') }),
  ) as Arbitrary<Record<string, unknown>>;
}

function generate(packet: Record<string, unknown>, protocolVersion: number): Buffer {
  try {
    return mqttPacket.generate(packet as unknown as mqttPacket.Packet, { protocolVersion });
  } catch {
    // mqtt-packet refuses some combinations; the broker gets the bytes of a plain PINGREQ then.
    return Buffer.from([0xc0, 0x00]);
  }
}

/** Remaining length as MQTT's variable byte integer (up to 4 bytes; `overlong` forges a 5th). */
function varint(n: number, overlong = false): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0 || overlong) b |= 0x80;
    out.push(b);
  } while (n > 0);
  if (overlong) out.push(0x80, 0x80, 0x01);
  return Buffer.from(out);
}

/** PUBLISH with a topic of raw bytes (invalid UTF-8, NUL, surrogates encoded as CESU). */
const invalidUtf8Publish: Arbitrary<Buffer> = fc
  .tuple(fc.constantFrom([0xc3, 0x28], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0x00], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28]), fc.uint8Array({ maxLength: 20 }))
  .map(([bad, rest]) => {
    const topic = Buffer.concat([Buffer.from('tenants/'), Buffer.from(bad), Buffer.from(rest)]);
    const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), topic, Buffer.from('{}')]);
    return Buffer.concat([Buffer.from([0x30]), varint(body.length), body]);
  });

/** CONNECT with a client id of raw bytes. */
const invalidUtf8Connect: Arbitrary<Buffer> = fc.uint8Array({ minLength: 1, maxLength: 30 }).map((id) => {
  const vh = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c]);
  const body = Buffer.concat([vh, Buffer.from([id.length >> 8, id.length & 0xff]), Buffer.from(id)]);
  return Buffer.concat([Buffer.from([0x10]), varint(body.length), body]);
});

/** A generated packet damaged on the wire, or garbage. */
function damaged(bytes: Arbitrary<Buffer>): Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: bytes },
    { weight: 2, arbitrary: fc.tuple(bytes, fc.nat()).map(([b, n]) => b.subarray(0, n % Math.max(1, b.length))) },
    {
      weight: 2,
      arbitrary: fc.tuple(bytes, fc.constantFrom(268_435_455, 2_097_152, 0, 1), fc.boolean()).map(([b, len, overlong]) => {
        // Replace the remaining length with a forged one, keeping the rest of the packet.
        let i = 1;
        while (i < b.length && b[i]! & 0x80) i++;
        return Buffer.concat([b.subarray(0, 1), varint(len, overlong), b.subarray(i + 1)]);
      }),
    },
    { weight: 1, arbitrary: fc.tuple(bytes, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, n, v]) => Buffer.from(b).fill(v, n % Math.max(1, b.length), (n % Math.max(1, b.length)) + 1)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((u) => Buffer.from(u)) },
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x00]), Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f])) },
  );
}

/** A valid CONNECT of one of the given devices (so the rest of the sequence meets the session code). */
function validConnect(creds: Credentials[]): Arbitrary<Buffer> {
  // 3.1.1 and 3.1: the versions the broker speaks (a v5 CONNECT is among the generated packets).
  return fc.tuple(fc.constantFrom(...creds), fc.constantFrom(3, 4)).map(([c, v]) =>
    generate({ cmd: 'connect', protocolId: v === 3 ? 'MQIsdp' : 'MQTT', protocolVersion: v, clean: true, keepalive: 60, clientId: mqttName(c), username: mqttName(c), password: Buffer.from(c.secret) }, v),
  );
}

/**
 * `sessions` open valid sessions; `claims` are the ids the generated CONNECTs claim with awkward
 * secrets. Kept apart: the broker throttles an id after a few failures, which would otherwise soon
 * refuse the valid sessions too.
 */
export function sequenceArb(sessions: Credentials[], claims: Credentials[]): Arbitrary<Step[]> {
  const creds = sessions;
  const packet = fc.tuple(packetArb(claims, [...sessions, ...claims]), version).map(([p, v]) => generate(p, v));
  const step = damaged(fc.oneof({ weight: 8, arbitrary: packet }, { weight: 1, arbitrary: invalidUtf8Publish }, { weight: 1, arbitrary: invalidUtf8Connect }));
  return fc.oneof(
    // Authenticated: a real device's CONNECT, then anything (double CONNECT, PUBREL without PUBLISH, …).
    { weight: 3, arbitrary: fc.tuple(validConnect(creds), fc.array(step, { minLength: 1, maxLength: 6 })).map(([c, rest]) => [c, ...rest]) },
    // Unauthenticated: whatever comes first (PUBLISH before CONNECT, garbage, bad CONNECT variants).
    { weight: 2, arbitrary: fc.array(step, { minLength: 1, maxLength: 5 }) },
  );
}
