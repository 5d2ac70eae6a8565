// Users live in the platform store: login must find a user before knowing the tenant.
// Usernames are looked up through a blind index; the rest of the user is sealed.
import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '../errors.ts';
import type { SealedRecords } from '../services/records.ts';
import type { Role } from '../tenancy/context.ts';
import type { TenantId } from '../ids.ts';
import { passwordSchema, usernameSchema } from './schemas.ts';
import { hashPassword } from './passwords.ts';
import { canonicalUsername } from './username.ts';
import type { User, PublicUser } from '../contract.ts';
// The wire types live in the pure contract module (the dashboard reads them without Node types).
export type { User, PublicUser } from '../contract.ts';

export { passwordSchema, roleSchema, usernameSchema } from './schemas.ts';

export const publicUser = ({ passwordHash: _omit, ...rest }: User): PublicUser => rest;

const KIND = 'user';
const PLATFORM_TENANT_TAG = '_platform';

export class Users {
  constructor(private readonly records: SealedRecords) {}

  async create(input: {
    username: string;
    password: string;
    role: Role;
    tenantId: TenantId | null;
    displayName?: string;
  }): Promise<User> {
    const username = usernameSchema.parse(input.username);
    passwordSchema.parse(input.password);
    if (input.role === 'platform-admin' ? input.tenantId !== null : input.tenantId === null) {
      throw conflict('platform-admin has no tenant; every other role belongs to exactly one tenant');
    }
    if (await this.findByUsername(username)) throw conflict(`username ${username} is taken`);
    const user: User = {
      id: randomUUID(),
      username,
      displayName: input.displayName ?? username,
      role: input.role,
      tenantId: input.tenantId,
      passwordHash: await hashPassword(input.password),
      disabled: false,
      createdAt: Date.now(),
    };
    await this.save(user);
    return user;
  }

  private save(user: User) {
    return this.records.put(KIND, user.id, user, {
      blind: { username: canonicalUsername(user.username) },
      tags: { tenant: user.tenantId ?? PLATFORM_TENANT_TAG, role: user.role },
    });
  }

  async findByUsername(username: string): Promise<User | null> {
    const found = await this.records.find<User>(KIND, { blind: { username: canonicalUsername(username) }, limit: 1 });
    return found[0]?.data ?? null;
  }

  async get(id: string): Promise<User | null> {
    return (await this.records.get<User>(KIND, id))?.data ?? null;
  }

  /** Users of one tenant (the caller has already checked it may list them). */
  async list(tenantId: TenantId | null): Promise<User[]> {
    const rows = await this.records.find<User>(KIND, { tags: { tenant: tenantId ?? PLATFORM_TENANT_TAG } });
    return rows.map((r) => r.data);
  }

  /** `temporaryUntil`: a number marks the new password as a one-time one valid until then, null
   *  makes it the user's own (a change they made); absent leaves the mark as it is. */
  async update(id: string, patch: Partial<Pick<User, 'displayName' | 'role' | 'disabled'>> & { password?: string; temporaryUntil?: number | null }) {
    const user = await this.get(id);
    if (!user) throw notFound(`no user ${id}`);
    const { password, temporaryUntil, ...rest } = patch;
    const next: User = { ...user, ...rest };
    if (password) next.passwordHash = await hashPassword(passwordSchema.parse(password));
    if (typeof temporaryUntil === 'number') next.passwordTemporaryUntil = temporaryUntil;
    else if (temporaryUntil === null) delete next.passwordTemporaryUntil;
    await this.save(next);
    return next;
  }

  async remove(id: string): Promise<void> {
    await this.records.delete(KIND, id);
  }
}
