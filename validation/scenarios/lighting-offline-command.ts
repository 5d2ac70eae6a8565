// Lighting pilot and docs/architecture.md "Pilots": manual override commands with delivery status and an
// offline queue. A dim command is sent to a lamp whose node is offline: it stays queued; when the
// node reconnects it receives the command, acknowledges it, and the batch reports it done.
import { eventually } from '../support/healthcare.ts';
import { connectLamp, LT, provisionTown, type LampNode } from '../support/lighting.ts';
import type { Scenario } from '../types.ts';

const LIMIT_MS = 2000;

export const lightingOfflineCommand: Scenario = {
  id: 'lighting.offline-command',
  title: 'A command reaches an offline lamp after it reconnects',
  requirement: 'Lighting pilot (docs/architecture.md "Pilots": command delivery status and offline queue); MQTT 3.1.1 QoS 1',
  indicator: 'time from the lamp’s reconnection to the command’s delivery; final status',
  criterion: `queued while offline, delivered ≤ ${LIMIT_MS} ms after reconnect, status done`,
  profile: 'fast',
  needs: ['lighting'],
  async run(ctx) {
    const h = await ctx.boot({ pilots: ['lighting'], pilotOptions: { lighting: { commsLossIntervals: 0 } } });
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const operator = await h.as(h.tenants.a.users.operator);
    const town = await provisionTown(admin, 4);
    const lamp = town.devices.find((d) => d.kind === 'lamp')!;
    const sent = await operator.post(`${LT}/commands`, { target: { lampId: lamp.id }, action: 'dim', level: 35, overrideMinutes: 30 });
    if (sent.status !== 202) throw new Error(`command refused: ${sent.status} ${JSON.stringify(sent.body)}`);
    const batchId = sent.body.batchId as string;
    const status = async () => ((await operator.get(`${LT}/commands/${batchId}`)).body.lamps as { status: string }[])[0]?.status;
    await new Promise((r) => setTimeout(r, 500));
    const whileOffline = await status();

    const reconnectAt = Date.now();
    const node: LampNode = await connectLamp(h.platform.mqttPort, town.tenantId, lamp);
    ctx.defer(() => node.close());
    const got = await eventually(() => node.commands.find((c) => c.name === 'switch'), 'the queued command at the lamp', 5000).catch(() => undefined);
    const deliveredMs = got ? got.at - reconnectAt : null;
    const final = await eventually(async () => ((await status()) === 'done' ? 'done' : undefined), 'status done', 3000).catch(async () => status());
    const statuses = (await operator.get(`/api/v1/commands?deviceId=${lamp.id}`)).body.items as { status: string }[];
    return {
      measured: deliveredMs ?? 'not delivered',
      unit: deliveredMs === null ? '' : 'ms after reconnect',
      pass: whileOffline === 'queued' && deliveredMs !== null && deliveredMs <= LIMIT_MS && final === 'done' && got?.params['level'] === 35,
      evidence: {
        batchId,
        statusWhileOffline: whileOffline,
        deliveredAfterReconnectMs: deliveredMs,
        payloadAtLamp: got?.params ?? null,
        finalStatus: final,
        platformCommandStatuses: statuses.map((c) => c.status),
      },
    };
  },
};
