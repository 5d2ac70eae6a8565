// zod schemas of the platform's answers, for the API contract (api/openapi.ts). They mirror the
// public shapes the routes send (publicDevice, publicUser, Alarm, Command, Tenant); the contract
// tests validate real answers against the served document built from them.
import { z } from 'zod';
import { SEVERITIES } from '../services/alarms.ts';
import { COMMAND_STATUSES } from '../services/commands.ts';
import { ROLES } from '../policy/role-names.ts';

const epochMs = z.number().int().meta({ description: 'epoch milliseconds' });

export const deviceResponse = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.string(),
  label: z.string(),
  subject: z.string().nullable(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  status: z.enum(['active', 'revoked']),
  createdAt: epochMs,
  rotatedAt: epochMs,
});

export const mqttHintsResponse = z.object({
  username: z.string(),
  clientId: z.string(),
  telemetryTopic: z.string(),
  commandsTopic: z.string(),
});

/** A new or rotated device secret, shown once. */
export const deviceSecretResponse = z.object({ device: deviceResponse, secret: z.string(), mqtt: mqttHintsResponse });

export const userResponse = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES as [string, ...string[]]),
  tenantId: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: epochMs,
  passwordTemporaryUntil: epochMs.optional(),
});

export const alarmResponse = z.object({
  id: z.string(),
  source: z.string(),
  type: z.string(),
  category: z.string(),
  severity: z.enum(SEVERITIES),
  state: z.enum(['active-unacknowledged', 'active-acknowledged', 'cleared']),
  title: z.string(),
  detail: z.record(z.string(), z.unknown()),
  subject: z.string().nullable(),
  raisedAt: epochMs,
  updatedAt: epochMs,
  acknowledgedBy: z.string().optional(),
  acknowledgedAt: epochMs.optional(),
  note: z.string().optional(),
  clearedAt: epochMs.optional(),
  clearedBy: z.string().optional(),
  resolutionNote: z.string().optional(),
  escalateAt: epochMs.optional(),
  escalatedAt: epochMs.optional(),
});

export const commandResponse = z.object({
  id: z.string(),
  deviceId: z.string(),
  name: z.string(),
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(COMMAND_STATUSES),
  batchId: z.string().nullable(),
  subject: z.string().nullable().optional(),
  createdBy: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  expiresAt: epochMs,
  history: z.array(z.object({ status: z.enum(COMMAND_STATUSES), at: epochMs, detail: z.string().optional() })),
});

export const tenantResponse = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  quotas: z.record(z.string(), z.number()),
  pilots: z.array(z.string()),
  status: z.enum(['active', 'suspended']),
  createdAt: epochMs,
  readingsRetentionDays: z.number().int().optional(),
  devices: z.number().int().optional(),
});

export const tokenResponse = z.object({ token: z.string(), tokenType: z.literal('Bearer'), role: z.string(), expiresAt: epochMs });

export const meResponse = z.object({
  user: userResponse,
  tenant: z.object({ id: z.string(), name: z.string(), region: z.string(), pilots: z.array(z.string()) }).nullable(),
  permissions: z.array(z.string()),
  expiresAt: epochMs,
});

export const loginResponse = z.object({ user: userResponse, permissions: z.array(z.string()), csrfToken: z.string(), expiresAt: epochMs });
