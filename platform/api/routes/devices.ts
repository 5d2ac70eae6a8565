// Devices of the caller's tenant. A new or rotated secret is returned once and never again.
import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../../errors.ts';
import { commandsFilter, mqttIdentity, telemetryTopic } from '../../broker/topics.ts';
import { publicDevice } from '../../identity/devices.ts';
import { deviceCreateSchema as createSchema, deviceIdSchema } from '../../identity/schemas.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body, params, query } from '../validate.ts';
import { doc, noContent } from '../route-doc.ts';
import { deviceResponse, deviceSecretResponse } from '../response-schemas.ts';
import { attributesOf, bulkUploadSchema, parseBulk, secretsCsv, type LineError } from '../../identity/bulk.ts';
import { randomUUID } from 'node:crypto';
import { deviceListQuery, listDevices } from '../device-list.ts';

const idParam = z.object({ id: deviceIdSchema });

/** Whether a device is connected now and when it was last heard from (the broker's presence). */
export interface DevicePresence {
  isOnline(tenantId: string, deviceId: string): boolean;
  lastSeen(tenantId: string, deviceId: string): number | null;
}

const listedDevice = deviceResponse.extend({ online: z.boolean(), lastSeen: z.number().nullable() });

export function deviceRoutes(s: PlatformServices, knownKinds: () => string[], presence?: DevicePresence): Router {
  const r = Router();
  r.get('/devices', allow('devices:read'), doc({ summary: 'devices of the tenant: search, filters and paging, with online state and last seen', query: deviceListQuery, responses: { 200: z.object({ items: z.array(listedDevice), total: z.number().int() }) } }), async (req, res) => {
    const { kind, ...q } = query(req, deviceListQuery);
    const tenantId = tenantOf(req);
    const all = (await s.devices.list(kind ? { kind } : {})).map(publicDevice);
    res.json(listDevices(all, q, (id) => ({ online: presence?.isOnline(tenantId, id) ?? false, lastSeen: presence?.lastSeen(tenantId, id) ?? null })));
  });
  r.get('/devices/:id', allow('devices:read'), doc({ summary: 'one device', params: idParam, responses: { 200: deviceResponse } }), async (req, res) => {
    const { id } = params(req, idParam);
    res.json(publicDevice(await s.devices.require(id)));
  });
  r.post('/devices', allow('devices:manage'), doc({ summary: 'registers a device; its secret is shown once', body: createSchema, responses: { 201: deviceSecretResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const input = body(req, createSchema);
    if (!knownKinds().includes(input.kind)) {
      throw badRequest(`unknown device kind ${input.kind}; known: ${knownKinds().join(', ')}`);
    }
    const tenant = await s.tenants.require(tenantId);
    if ((await s.devices.count()) >= tenant.quotas.maxDevices) throw badRequest('device quota of this tenant reached');
    const { device, secret } = await s.devices.register({ ...input, tenantId });
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.create', target: `device:${device.id}`, outcome: 'success', details: { kind: device.kind } });
    res.status(201).json({ device: publicDevice(device), secret, mqtt: mqttHints(tenantId, device.id) });
  });
  // Bulk provisioning (docs/integration.md): every row checked first, errors by line and nothing
  // created, or all created in one commit; the secrets come back once, as a CSV file.
  r.post('/devices/bulk', allow('devices:manage'), doc({ summary: 'registers devices from a CSV or JSON file: all or none; the secrets once as a CSV file', body: bulkUploadSchema, responses: { 201: { description: 'CSV of the new devices and their secrets (JSON when asked for)', contentType: 'text/csv' } } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const parsed = parseBulk(body(req, bulkUploadSchema));
    const refuse = (errors: LineError[]) => {
      throw badRequest(`${errors.length} error(s) in the file; no device was created`, { errors: errors.slice(0, 200) });
    };
    if (!parsed.ok) refuse(parsed.errors);
    const rows = parsed.ok ? parsed.rows : [];
    const kinds = knownKinds();
    const taken = await s.devices.taken(rows.map((r) => r.row.id));
    const errors: LineError[] = [];
    for (const { line, row } of rows) {
      if (!kinds.includes(row.kind)) errors.push({ line, message: `kind: unknown device kind ${row.kind}; known: ${kinds.join(', ')}` });
      if (taken.has(row.id)) errors.push({ line, message: `id: device ${row.id} already exists` });
    }
    const tenant = await s.tenants.require(tenantId);
    const count = await s.devices.count();
    if (count + rows.length > tenant.quotas.maxDevices) errors.push({ line: rows.at(-1)!.line, message: `the file would exceed the tenant's device quota (${count} of ${tenant.quotas.maxDevices} used)` });
    if (errors.length) refuse(errors);
    const made = await s.devices.registerMany(
      rows.map(({ row }) => ({ id: row.id, kind: row.kind, ...(row.label ? { label: row.label } : {}), subject: row.patient ?? null, attributes: attributesOf(row) })),
    );
    const batch = randomUUID();
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.bulk-create', target: `batch:${batch}`, outcome: 'success', details: { count: made.length } });
    for (const { device } of made) {
      await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.create', target: `device:${device.id}`, outcome: 'success', details: { kind: device.kind, batch } });
    }
    const secrets = made.map(({ device, secret }) => ({ id: device.id, username: mqttIdentity(tenantId, device.id), secret }));
    res.status(201).set('cache-control', 'no-store');
    if (req.accepts(['text/csv', 'application/json']) === 'application/json') {
      res.json({ created: made.length, batch, devices: made.map(({ device }) => publicDevice(device)), secrets });
      return;
    }
    res.type('text/csv').attachment(`device-secrets-${batch}.csv`).send(secretsCsv(secrets));
  });
  r.post('/devices/:id/rotate', allow('devices:manage'), doc({ summary: 'new secret for a device, shown once', params: idParam, responses: { 200: deviceSecretResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    const { device, secret } = await s.devices.rotate(id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.rotate-secret', target: `device:${id}`, outcome: 'success' });
    res.json({ device: publicDevice(device), secret, mqtt: mqttHints(tenantId, id) });
  });
  r.post('/devices/:id/revoke', allow('devices:manage'), doc({ summary: 'revokes a device (closes its connection)', params: idParam, responses: { 200: deviceResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    const device = await s.devices.revoke(id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.revoke', target: `device:${id}`, outcome: 'success' });
    res.json(publicDevice(device));
  });
  r.delete('/devices/:id', allow('devices:manage'), doc({ summary: 'deletes a device', params: idParam, responses: { 204: noContent } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    await s.devices.remove(id);
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
