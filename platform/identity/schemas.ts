// Input schemas of users and devices, in a module with no server dependencies: the REST routes
// validate with them, and the dashboard's forms check what they send with the same rules.
import { z } from 'zod';
import { ROLES, type Role } from '../policy/role-names.ts';
import { labelSchema } from '../safe-text.ts';

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[a-zA-Z0-9._@-]+$/, 'letters, digits and . _ @ - only');

/** ASVS 2.1.1/2.1.2: at least 12 characters, at most 128, any character allowed. */
export const passwordSchema = z.string().min(12, 'at least 12 characters').max(128);

export const roleSchema = z.enum(ROLES as [Role, ...Role[]]);
/** Roles a tenant-admin may give: every role but the platform operator's. */
export const tenantRoleSchema = roleSchema.exclude(['platform-admin']);

const displayName = labelSchema(1, 80);

/** POST /api/v1/users */
export const userCreateSchema = z
  .object({ username: usernameSchema, password: passwordSchema, role: tenantRoleSchema, displayName: displayName.optional() })
  .strict();

/** PATCH /api/v1/users/:id */
export const userPatchSchema = z
  .object({ displayName: displayName.optional(), role: tenantRoleSchema.optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict();

export const deviceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'lowercase letters, digits and dashes, 3–64 characters');
export const deviceKindSchema = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'a registered device kind');

const attributes = z.record(labelSchema(1, 40), z.union([labelSchema(0, 200), z.number(), z.boolean()]));

/** POST /api/v1/devices */
export const deviceCreateSchema = z
  .object({ id: deviceIdSchema, kind: deviceKindSchema, label: labelSchema(1, 80).optional(), attributes: attributes.optional() })
  .strict();
