// Boots the real platform on free ports with a temporary data directory, creates two tenants
// with one user per role, and hands out logged-in API clients. The validation runner boots one
// per scenario, and every integration test uses it.
import { rm } from 'node:fs/promises';
import { testConfig, type Config } from '../../platform/config.ts';
import type { Pilot } from '../../platform/pilot.ts';
import { startPlatform, type Platform, type PlatformOptions } from '../../platform/server.ts';
import type { Role } from '../../platform/tenancy/context.ts';
import { ApiClient } from './api-client.ts';
import { keptDatabases, ownedDatabases } from './harness-databases.ts';
import { PG_SKIP_NOTICE, createTestDatabase, findPostgres, type TestDatabase } from './postgres.ts';
import { asTenantId } from '../../platform/ids.ts';

export const TEST_PASSWORD = 'correct-horse-battery-staple-1';

export interface TestTenant {
  id: string;
  users: Record<Exclude<Role, 'platform-admin'>, string>;
}

export interface Harness {
  platform: Platform;
  config: Config;
  url: string;
  tenants: { a: TestTenant; b: TestTenant };
  /** A bearer-token client logged in as the given user. */
  as(username: string): Promise<ApiClient>;
  anonymous(): ApiClient;
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export interface HarnessOptions extends PlatformOptions {
  pilots?: Pilot[];
  config?: Partial<Config>;
  /** Pilots enabled on the two test tenants. */
  tenantPilots?: string[];
  /** Reuse a data directory (restart tests). */
  dataDir?: string;
  /** Skip creating tenants and users (restart tests). */
  provision?: boolean;
  /** Which store: default CUSTODIA_TEST_STORE, else sqlite. With postgres and no
   *  `config.storeUrl`, the harness creates a database of its own and drops it on close. */
  store?: TestStore;
}

export type TestStore = 'sqlite' | 'postgres';

/** The stores an integration test should run against: sqlite always, postgres when a server is
 *  reachable (otherwise the skip notice is printed and `skipped` names the reason). */
export async function testStores(): Promise<{ run: TestStore[]; skipped: { store: TestStore; reason: string }[] }> {
  if (await findPostgres()) return { run: ['sqlite', 'postgres'], skipped: [] };
  console.warn(PG_SKIP_NOTICE);
  return { run: ['sqlite'], skipped: [{ store: 'postgres', reason: PG_SKIP_NOTICE }] };
}

/** A database of its own for a test that runs the platform on PostgreSQL. */
export async function testPostgresDatabase(): Promise<TestDatabase> {
  const adminUrl = await findPostgres();
  if (!adminUrl) throw new Error(PG_SKIP_NOTICE);
  return createTestDatabase(adminUrl);
}

const TENANT_ROLES = ['tenant-admin', 'operator', 'auditor', 'evaluator', 'dpo'] as const;

export async function bootHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const store = opts.store ?? (process.env.CUSTODIA_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite');
  // A restart (same dataDir, kept data) reopens the database the first boot created.
  const kept = opts.dataDir ? keptDatabases.get(opts.dataDir) : undefined;
  const ownDb = store === 'postgres' && !opts.config?.storeUrl ? (kept ?? (await testPostgresDatabase())) : undefined;
  if (ownDb) ownedDatabases.add(ownDb);
  const config = testConfig({
    ...(opts.config ?? {}),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(ownDb ? { storeUrl: ownDb.url } : {}),
  });
  let platform: Platform;
  try {
    platform = await startPlatform(config, { realtimeBatchMs: 50, tickMs: 100, ...opts });
  } catch (err) {
    await ownDb?.drop();
    throw err;
  }
  const s = platform.services;
  const mk = (id: string): TestTenant => ({
    id,
    users: Object.fromEntries(TENANT_ROLES.map((r) => [r, `${id}-${r}`])) as TestTenant['users'],
  });
  const tenants = { a: mk('tenant-a'), b: mk('tenant-b') };
  if (opts.provision !== false) {
    if (!(await s.users.findByUsername('root-admin'))) {
      await s.users.create({ username: 'root-admin', password: TEST_PASSWORD, role: 'platform-admin', tenantId: null });
    }
    for (const t of [tenants.a, tenants.b]) {
      if (await s.tenants.get(t.id)) continue;
      await s.tenants.create({ id: t.id, name: `Test ${t.id}`, pilots: opts.tenantPilots ?? [] });
      for (const role of TENANT_ROLES) {
        await s.users.create({ username: t.users[role], password: TEST_PASSWORD, role, tenantId: asTenantId(t.id) });
      }
    }
  }
  return {
    platform,
    config,
    url: platform.url,
    tenants,
    as: (username) => new ApiClient(platform.url).login(username, TEST_PASSWORD),
    anonymous: () => new ApiClient(platform.url),
    async close({ keepData = false } = {}) {
      await platform.stop();
      if (!keepData) {
        await rm(config.dataDir, { recursive: true, force: true });
        keptDatabases.delete(config.dataDir);
        await ownDb?.drop();
      } else if (ownDb) {
        keptDatabases.set(config.dataDir, ownDb);
      }
    },
  };
}
