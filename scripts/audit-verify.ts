// `npm run audit:verify`: verifies every audit chain of the platform — the platform's and each
// tenant's, each read from its region's location under CUSTODIA_REGIONS — against the published
// Ed25519 public key (audit-signing.pub.pem), so the check needs no signing secret. Prints one
// line per chain; exits 1 when any chain is broken.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PUBLIC_KEY_FILE } from '../platform/audit/signer.ts';
import { verifyChain } from '../platform/audit/verify.ts';
import { loadConfig } from '../platform/config.ts';
import { createKeyring } from '../platform/crypto/keyring.ts';
import { createMasterKeyProvider } from '../platform/crypto/master-key.ts';
import { Scopes } from '../platform/services/scopes.ts';
import { createStorage } from '../platform/storage/index.ts';
import { PLATFORM_SCOPE, type Store, type StoredAuditEntry } from '../platform/storage/port.ts';
import { TenantRegistry } from '../platform/tenancy/tenants.ts';

const flagsSchema = z.object({ tenant: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/).optional(), region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/).optional(), json: z.boolean().default(false), help: z.boolean().default(false) }).strict();

async function readAll(store: Store): Promise<StoredAuditEntry[]> {
  const out: StoredAuditEntry[] = [];
  for (let from = 1; ; ) {
    const page = await store.readAudit(from, 5000);
    out.push(...page);
    if (page.length < 5000) return out;
    from = page[page.length - 1]!.seq + 1;
  }
}

/** Chains to verify: all, one tenant's, or those of one region's tenants (with the platform's). */
export interface VerifySelection {
  tenant?: string;
  region?: string;
}

export async function verifyAll(dataDir: string, only: string | VerifySelection = {}, env: NodeJS.ProcessEnv = process.env) {
  const select: VerifySelection = typeof only === 'string' ? { tenant: only } : only;
  const config = { ...loadConfig(env), dataDir };
  if (select.region && !config.regions?.[select.region]) {
    throw new Error(`--region ${select.region}: CUSTODIA_REGIONS names ${config.regions ? Object.keys(config.regions).sort().join(', ') : 'no regions'}`);
  }
  const storage = await createStorage(config);
  try {
    const publicKey = await readFile(join(dataDir, PUBLIC_KEY_FILE), 'utf8');
    const scopes: Scopes = new Scopes(storage, createKeyring({ master: await createMasterKeyProvider(config), storeFor: (s) => scopes.store(s) }));
    const tenants = new TenantRegistry(await scopes.records(PLATFORM_SCOPE), storage, scopes.keyring);
    // Residency: each tenant's chain is read in its region's location, as the platform does.
    await tenants.placeAll();
    const all = await tenants.list();
    const chains = select.tenant
      ? [select.tenant]
      : [PLATFORM_SCOPE, ...all.filter((t) => !select.region || t.region === select.region).map((t) => t.id)];
    const results = [];
    for (const scope of chains) {
      const store = await scopes.store(scope);
      const checkpoints = await store.listCheckpoints();
      const entries = await readAll(store);
      results.push({ scope, ...verifyChain({ scope, entries, checkpoints, publicKey }) });
    }
    return results;
  } finally {
    await storage.close();
  }
}

async function main() {
  let flags: z.infer<typeof flagsSchema>;
  try {
    const { values } = parseArgs({ options: { tenant: { type: 'string' }, region: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    flags = flagsSchema.parse(values);
  } catch (err) {
    console.error(`audit:verify: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(
      'npm run audit:verify [-- --tenant ID | --region NAME] [--json]\n  Verifies the audit hash chains and signed checkpoints in CUSTODIA_DATA_DIR (default ./data),\n  each tenant\'s read from its region\'s location when CUSTODIA_REGIONS is set.\n  --tenant ID     only this tenant\'s chain (found in its region)\n  --region NAME   the platform\'s chain and those of this region\'s tenants\n  --json          machine-readable output',
    );
    return;
  }
  const results = await verifyAll(loadConfig().dataDir, { ...(flags.tenant ? { tenant: flags.tenant } : {}), ...(flags.region ? { region: flags.region } : {}) });
  if (flags.json) console.log(JSON.stringify(results, null, 2));
  else
    for (const r of results) {
      console.log(
        r.ok
          ? `OK      ${r.scope.padEnd(24)} ${r.entries} entries, ${r.checkpoints} signed checkpoints, head ${r.headHash.slice(0, 16)}…`
          : `BROKEN  ${r.scope.padEnd(24)} first broken entry ${r.firstBrokenSeq}: ${r.reason} — ${r.detail}`,
      );
    }
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

if (process.argv[1]?.endsWith('audit-verify.ts')) {
  main().catch((err: unknown) => {
    console.error(`audit:verify failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
