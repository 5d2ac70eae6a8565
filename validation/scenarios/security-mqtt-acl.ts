// docs/architecture.md "Topics": a device may publish and subscribe only under its own prefix; wildcards
// above it, `$SYS` and other tenants' topics are denied and audited. An operator tool's token is
// read-only and confined to presence topics of its tenant. Each forbidden attempt is made on its
// own and must be refused; the allowed ones are the control.
import { connectDevice, connect, deviceCreds, tryPublish, trySubscribe } from '../support/mqtt-probe.ts';
import { provisionProbes, storedValues } from '../support/fleet.ts';
import type { Scenario } from '../types.ts';

export const securityMqttAcl: Scenario = {
  id: 'security.mqtt-acl',
  title: 'MQTT topic ACL: every forbidden subscribe and publish is denied and audited',
  requirement: 'docs/architecture.md "Topics" and promise 1; ASVS 4.0.3 4.1.3 (least privilege), 7.1.3 (security events logged)',
  indicator: 'forbidden subscriptions granted + forbidden publishes accepted',
  criterion: '0 forbidden attempts allowed (denials counted and in the audit log); every allowed attempt succeeds',
  profile: 'fast',
  async run(ctx) {
    const h = await ctx.boot({ probe: true });
    const port = h.platform.mqttPort;
    const [dev, other] = await provisionProbes(h, 'a', 'acl', 2);
    const [bDev] = await provisionProbes(h, 'b', 'acl-b', 1);
    const own = `tenants/tenant-a/devices/${dev!.id}`;
    const before = h.platform.ingest.broker.stats();

    const forbiddenSubs = [
      `tenants/tenant-b/devices/${bDev!.id}/commands/+`,
      `tenants/tenant-b/devices/${bDev!.id}/errors`,
      'tenants/tenant-b/#',
      'tenants/+/devices/+/telemetry',
      '#',
      '+/+/+/+/+',
      '$SYS/#',
      `tenants/tenant-a/devices/${other!.id}/commands/+`,
      'tenants/tenant-a/devices/+/telemetry',
      `${own}/telemetry`,
      `${own}/#`,
    ];
    const allowedSubs = [`${own}/commands/+`, `${own}/errors`];
    const forbiddenPubs = [
      `tenants/tenant-b/devices/${bDev!.id}/telemetry`,
      `tenants/tenant-b/devices/${dev!.id}/telemetry`,
      `tenants/tenant-a/devices/${other!.id}/telemetry`,
      `${own}/commands/00000000-0000-4000-8000-000000000000`,
      `${own}/errors`,
      '$SYS/broker/clients',
      'elsewhere/telemetry',
    ];

    const subs: { filter: string; granted: boolean; expected: boolean }[] = [];
    const c = await connectDevice(port, dev!);
    ctx.defer(() => c.endAsync(true));
    for (const filter of forbiddenSubs) subs.push({ filter, granted: await trySubscribe(c, filter), expected: false });
    for (const filter of allowedSubs) subs.push({ filter, granted: await trySubscribe(c, filter), expected: true });

    const pubs: { topic: string; outcome: string; expected: string }[] = [];
    const payload = JSON.stringify({ ts: Date.now(), value: 4242 });
    for (const topic of forbiddenPubs) {
      const client = await connectDevice(port, dev!);
      ctx.defer(() => client.endAsync(true));
      pubs.push({ topic, outcome: await tryPublish(client, topic, payload), expected: 'closed' });
    }
    // The device's own secret under another tenant's name for the same id: refused at CONNECT.
    const foreignTopic = `tenants/tenant-b/devices/${dev!.id}/telemetry`;
    const asForeign = await connect(port, deviceCreds({ ...dev!, tenantId: 'tenant-b' })).then(
      async (client) => {
        ctx.defer(() => client.endAsync(true));
        return tryPublish(client, foreignTopic, payload);
      },
      () => 'refused',
    );
    pubs.push({ topic: `as tenant-b/${dev!.id}: ${foreignTopic}`, outcome: asForeign, expected: 'refused' });
    const okClient = await connectDevice(port, dev!);
    ctx.defer(() => okClient.endAsync(true));
    pubs.push({ topic: `${own}/telemetry`, outcome: await tryPublish(okClient, `${own}/telemetry`, payload), expected: 'acked' });

    // An operator tool: read-only, presence of its own tenant only.
    const operator = await h.as(h.tenants.a.users.operator);
    const token = (await operator.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 })).body.password as string;
    const tool = await connect(port, { clientId: 'acl_tool-1', username: 'token', password: token });
    ctx.defer(() => tool.endAsync(true));
    for (const filter of ['tenants/tenant-b/devices/+/status', `${own}/telemetry`, 'tenants/tenant-a/#', '#']) {
      subs.push({ filter: `tool: ${filter}`, granted: await trySubscribe(tool, filter, 0), expected: false });
    }
    subs.push({ filter: 'tool: tenants/tenant-a/devices/+/status', granted: await trySubscribe(tool, 'tenants/tenant-a/devices/+/status', 0), expected: true });
    pubs.push({ topic: `tool: ${own}/telemetry`, outcome: await tryPublish(tool, `${own}/telemetry`, payload), expected: 'closed' });

    await new Promise((r) => setTimeout(r, 300)); // rate-limited audit entries are written asynchronously
    const after = h.platform.ingest.broker.stats();
    const storedA = await storedValues(h, 'tenant-a', [dev!.id, other!.id]);
    const storedB = await storedValues(h, 'tenant-b', [bDev!.id, dev!.id]);
    const strayStored = (storedA.get(other!.id)?.size ?? 0) + [...storedB.values()].reduce((n, s) => n + s.size, 0);
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = (await auditor.get('/api/v1/audit?outcome=denied&limit=1000')).body.items as { seq: number; action: string; target: string }[];
    const mqttDenials = log.filter((e) => e.action === 'mqtt.subscribe' || e.action === 'mqtt.publish');

    const wrong = [...subs.filter((s) => s.granted !== s.expected), ...pubs.filter((p) => p.outcome !== p.expected)];
    const forbiddenAllowed = subs.filter((s) => !s.expected && s.granted).length + pubs.filter((p) => p.expected !== 'acked' && p.outcome === 'acked').length;
    const attempts = subs.filter((s) => !s.expected).length + pubs.filter((p) => p.expected !== 'acked').length;
    return {
      measured: forbiddenAllowed,
      unit: `of ${attempts} forbidden allowed`,
      pass: forbiddenAllowed === 0 && wrong.length === 0 && strayStored === 0 && mqttDenials.length > 0,
      evidence: {
        forbiddenAttempts: attempts,
        deniedByBroker: after.denied - before.denied,
        readingsStoredUnderForeignTopics: strayStored,
        auditedDenials: { entries: mqttDenials.length, firstSeqs: mqttDenials.slice(0, 10).map((e) => e.seq) },
        mismatches: wrong,
        subscriptions: subs,
        publishes: pubs,
      },
    };
  },
};
