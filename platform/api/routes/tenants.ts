// Tenant management: platform-admin only. Answers carry tenant metadata, never tenant data.
import { Router } from 'express';
import { z } from 'zod';
import { labelSchema } from '../../safe-text.ts';
import { conflict, notFound } from '../../errors.ts';
import { passwordSchema, usernameSchema } from '../../identity/schemas.ts';
import type { PlatformServices } from '../../services/index.ts';
import { placementOf } from '../../storage/regions.ts';
import { moveTenantRegion } from '../../tenancy/region-move.ts';
import { quotasSchema, retentionDaysSchema, tenantInputSchema } from '../../tenancy/tenants.ts';
import { allow } from '../auth.ts';
import { body, params } from '../validate.ts';
import { anyObject, doc, itemsOf } from '../route-doc.ts';
import { tenantResponse } from '../response-schemas.ts';
import { asTenantId, tenantIdSchema } from '../../ids.ts';

const idParam = z.object({ id: tenantIdSchema });
const patchSchema = z
  .object({
    name: labelSchema(2, 120).optional(),
    status: z.enum(['active', 'suspended']).optional(),
    quotas: quotasSchema.partial().optional(),
    /** Days readings are kept (the retention job deletes older ones); null: kept. */
    readingsRetentionDays: retentionDaysSchema.nullable().optional(),
  })
  .strict();
const createSchema = tenantInputSchema.extend({
  /** The tenant's first administrator; the platform operator never gets a tenant account. */
  admin: z.object({ username: usernameSchema, password: passwordSchema }).strict().optional(),
});

export function tenantRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/tenants', allow('tenants:manage'), doc({ summary: 'every tenant (metadata only)', responses: { 200: itemsOf(tenantResponse) } }), async (_req, res) => {
    const list = await s.tenants.list();
    res.json({ items: await Promise.all(list.map(async (t) => ({ ...t, devices: await s.devices.countForTenant(asTenantId(t.id)) }))) });
  });
  r.post('/tenants', allow('tenants:manage'), doc({ summary: 'creates a tenant, optionally with its first tenant-admin', body: createSchema, responses: { 201: tenantResponse } }), async (req, res) => {
    const { admin, ...input } = body(req, createSchema);
    const tenant = await s.tenants.create(input);
    if (admin) await s.users.create({ ...admin, role: 'tenant-admin', tenantId: asTenantId(tenant.id) });
    await s.audit.record('_platform', {
      actor: req.principal!.label,
      action: 'tenant.create',
      target: `tenant:${tenant.id}`,
      outcome: 'success',
      details: { region: tenant.region, withAdmin: Boolean(admin) },
    });
    res.status(201).json(tenant);
  });
  r.get('/tenants/:id', allow('tenants:manage'), doc({ summary: 'one tenant', params: idParam, responses: { 200: tenantResponse } }), async (req, res) => {
    const { id } = params(req, idParam);
    const t = await s.tenants.get(id);
    if (!t) throw notFound(`no tenant ${id}`);
    res.json({ ...t, devices: await s.devices.countForTenant(id) });
  });
  r.patch('/tenants/:id', allow('tenants:manage'), doc({ summary: 'changes a tenant (name, status, quotas, retention)', params: idParam, body: patchSchema, responses: { 200: tenantResponse } }), async (req, res) => {
    const { id } = params(req, idParam);
    const patch = body(req, patchSchema);
    const current = await s.tenants.require(id);
    const next = await s.tenants.update(id, {
      ...(patch.name ? { name: patch.name } : {}),
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.quotas ? { quotas: { ...current.quotas, ...patch.quotas } } : {}),
      ...(patch.readingsRetentionDays !== undefined ? { readingsRetentionDays: patch.readingsRetentionDays } : {}),
    });
    await s.audit.record('_platform', {
      actor: req.principal!.label,
      action: 'tenant.update',
      target: `tenant:${id}`,
      outcome: 'success',
      details: { fields: Object.keys(patch), ...(patch.readingsRetentionDays !== undefined ? { readingsRetentionDays: patch.readingsRetentionDays } : {}) },
    });
    res.json(next);
  });
  // Residency: an explicit, audited move of a suspended tenant's data to another region.
  r.post('/tenants/:id/region', allow('tenants:manage'), doc({ summary: "moves a suspended tenant's data to another region", params: idParam, body: moveSchema, responses: { 200: anyObject } }), async (req, res) => {
    const { id } = params(req, idParam);
    const { region } = body(req, moveSchema);
    const placement = placementOf(s.storage);
    if (!placement) throw conflict('residency is not configured (CUSTODIA_REGIONS): every tenant lives in the one location');
    const result = await moveTenantRegion(
      { tenants: s.tenants, placement, audit: s.audit, forget: (t) => s.scopes.forget(t) },
      id,
      region,
      req.principal!.label,
    );
    res.json(result);
  });
  return r;
}

const moveSchema = z.object({ region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/) }).strict();
