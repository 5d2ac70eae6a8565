// Devices of the caller's tenant. A new or rotated secret is returned once and never again.
import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../../errors.ts';
import { commandsFilter, mqttIdentity, telemetryTopic } from '../../broker/topics.ts';
import { publicDevice } from '../../identity/devices.ts';
import { deviceCreateSchema as createSchema, deviceIdSchema, deviceKindSchema } from '../../identity/schemas.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body, params, query } from '../validate.ts';
import { doc, itemsOf, noContent } from '../route-doc.ts';
import { deviceResponse, deviceSecretResponse } from '../response-schemas.ts';

const idParam = z.object({ id: deviceIdSchema });
const listQuery = z.object({ kind: deviceKindSchema.optional() }).strict();

export function deviceRoutes(s: PlatformServices, knownKinds: () => string[]): Router {
  const r = Router();
  r.get('/devices', allow('devices:read'), doc({ summary: 'devices of the tenant', query: listQuery, responses: { 200: itemsOf(deviceResponse) } }), async (req, res) => {
    const q = query(req, listQuery);
    res.json({ items: (await s.devices.list(tenantOf(req), q)).map(publicDevice) });
  });
  r.get('/devices/:id', allow('devices:read'), doc({ summary: 'one device', params: idParam, responses: { 200: deviceResponse } }), async (req, res) => {
    const { id } = params(req, idParam);
    res.json(publicDevice(await s.devices.requireInTenant(tenantOf(req), id)));
  });
  r.post('/devices', allow('devices:manage'), doc({ summary: 'registers a device; its secret is shown once', body: createSchema, responses: { 201: deviceSecretResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const input = body(req, createSchema);
    if (!knownKinds().includes(input.kind)) {
      throw badRequest(`unknown device kind ${input.kind}; known: ${knownKinds().join(', ')}`);
    }
    const tenant = await s.tenants.require(tenantId);
    if ((await s.devices.countFor(tenantId)) >= tenant.quotas.maxDevices) throw badRequest('device quota of this tenant reached');
    const { device, secret } = await s.devices.register({ ...input, tenantId });
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.create', target: `device:${device.id}`, outcome: 'success', details: { kind: device.kind } });
    res.status(201).json({ device: publicDevice(device), secret, mqtt: mqttHints(tenantId, device.id) });
  });
  r.post('/devices/:id/rotate', allow('devices:manage'), doc({ summary: 'new secret for a device, shown once', params: idParam, responses: { 200: deviceSecretResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    const { device, secret } = await s.devices.rotate(tenantId, id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.rotate-secret', target: `device:${id}`, outcome: 'success' });
    res.json({ device: publicDevice(device), secret, mqtt: mqttHints(tenantId, id) });
  });
  r.post('/devices/:id/revoke', allow('devices:manage'), doc({ summary: 'revokes a device (closes its connection)', params: idParam, responses: { 200: deviceResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    const device = await s.devices.revoke(tenantId, id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.revoke', target: `device:${id}`, outcome: 'success' });
    res.json(publicDevice(device));
  });
  r.delete('/devices/:id', allow('devices:manage'), doc({ summary: 'deletes a device', params: idParam, responses: { 204: noContent } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    await s.devices.remove(tenantId, id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.delete', target: `device:${id}`, outcome: 'success' });
    res.status(204).end();
  });
  return r;
}

// How the device connects: `<tenant>/<device>` as username and client id, the only form the
// broker accepts (platform/identity/devices.ts), and its topics from the one topic scheme.
const mqttHints = (tenantId: string, deviceId: string) => ({
  username: mqttIdentity(tenantId, deviceId),
  clientId: mqttIdentity(tenantId, deviceId),
  telemetryTopic: telemetryTopic(tenantId, deviceId),
  commandsTopic: commandsFilter(tenantId, deviceId),
});
