// First-start demo provisioning: two tenants (a home-care provider and a city lighting operator)
// with one user per role, and a platform-admin. Passwords are generated, never defaulted
// (ETSI EN 303 645 5.1-1, ASVS 2.1), printed once and written to a 0600 file in the data directory.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generatePassword } from './identity/passwords.ts';
import type { PlatformServices } from './services/index.ts';
import type { Role } from './tenancy/context.ts';
import { asTenantId, type TenantId } from './ids.ts';

export const CREDENTIALS_FILE = 'demo-credentials.txt';

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  tenantId: string | null;
}

export const DEMO_TENANTS = [
  { id: 'care-demo', name: 'Home Care Demo Provider', region: 'eu-west' as const, pilots: ['healthcare'], prefix: 'care' },
  { id: 'city-demo', name: 'City Lighting Demo Operator', region: 'eu-south' as const, pilots: ['lighting'], prefix: 'city' },
];

const TENANT_ROLES: Role[] = ['tenant-admin', 'operator', 'auditor', 'evaluator', 'dpo'];

/** Creates the demo tenants and accounts when missing. Returns the accounts created now (empty on restart). */
export async function ensureDemoAccounts(s: PlatformServices): Promise<{ created: DemoAccount[]; file: string }> {
  const file = join(s.config.dataDir, CREDENTIALS_FILE);
  const created: DemoAccount[] = [];
  const add = async (username: string, role: Role, tenantId: TenantId | null) => {
    if (await s.users.findByUsername(username)) return;
    const password = generatePassword();
    await s.users.create({ username, password, role, tenantId });
    created.push({ username, password, role, tenantId });
  };
  await add('platform-admin', 'platform-admin', null);
  for (const t of DEMO_TENANTS) {
    if (!(await s.tenants.get(t.id))) {
      await s.tenants.create({ id: t.id, name: t.name, region: t.region, pilots: t.pilots });
      await s.audit.record('_platform', { actor: 'system:demo', action: 'tenant.create', target: `tenant:${t.id}`, outcome: 'success' });
    }
    for (const role of TENANT_ROLES) await add(`${t.prefix}-${role}`, role, asTenantId(t.id));
  }
  if (created.length) {
    const lines = created.map((a) => `${a.username.padEnd(22)} ${a.password}  ${a.role}${a.tenantId ? ` @ ${a.tenantId}` : ''}`);
    const previous = existsSync(file) ? await readFile(file, 'utf8') : '# Custodia demo accounts (generated; keep this file private)\n';
    await writeFile(file, previous + lines.join('\n') + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return { created, file };
}

/** The start banner's account lines. Passwords go only to an interactive terminal: piped or
 *  redirected output ends up in log collectors (ASVS 7.1.1, ETSI 5.1-1), so there it names the
 *  0600 credentials file instead. */
export function demoAccountLines(created: DemoAccount[], file: string, interactive: boolean): string[] {
  if (!created.length) return [];
  const who = (a: DemoAccount) => `${a.role}${a.tenantId ? ` @ ${a.tenantId}` : ''}`;
  if (!interactive) {
    return [
      `  Demo accounts created now; their passwords are in ${file} (mode 0600), not printed because`,
      '  this output is not a terminal:',
      ...created.map((a) => `    ${a.username.padEnd(22)} ${who(a)}`),
      '',
    ];
  }
  return [
    '  Demo accounts created now (shown once; also in the file above, mode 0600):',
    ...created.map((a) => `    ${a.username.padEnd(22)} ${a.password}   ${who(a)}`),
    '',
  ];
}
