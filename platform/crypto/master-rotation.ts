// Master-key rotation: every key the master key wraps (tenants' data and index keys, the audit
// signing key) is unwrapped with the old master key and wrapped again with the new one. No data
// is re-encrypted: data keys stay the same, only their wrapping changes. Resumable: a key
// already wrapped by the new master key is skipped, so an interrupted run is finished by running
// it again.
import { AUDIT_SIGNING_CONTEXT, AUDIT_SIGNING_SCOPE } from '../audit/signer.ts';
import type { Store } from '../storage/port.ts';
import { INDEX_SCOPE, TENANT_SCOPE, keyWrapContext } from './keyring.ts';
import type { MasterKeyProvider } from './types.ts';

const fingerprint = (keyId: string) => keyId.slice(keyId.indexOf(':') + 1);
const isMasterWrapped = (wrappedBy: string) => /^(file|env|pkcs11):/.test(wrappedBy);

export interface RewrapReport {
  rewrapped: number;
  alreadyNew: number;
  scopes: number;
}

export async function rewrapUnderNewMaster(opts: {
  /** Every store of the deployment: the platform's ("_platform") and each tenant's. */
  stores: { scope: string; store: Pick<Store, 'getKeys' | 'putKey'> }[];
  from: MasterKeyProvider;
  to: MasterKeyProvider;
}): Promise<RewrapReport> {
  const report: RewrapReport = { rewrapped: 0, alreadyNew: 0, scopes: opts.stores.length };
  for (const { scope: owner, store } of opts.stores) {
    const wrapped = [
      ...[TENANT_SCOPE, INDEX_SCOPE].map((s) => ({ keyScope: s, context: (v: number) => keyWrapContext(owner, s, v) })),
      ...(owner === '_platform' ? [{ keyScope: AUDIT_SIGNING_SCOPE, context: () => AUDIT_SIGNING_CONTEXT }] : []),
    ];
    for (const { keyScope, context } of wrapped) {
      for (const key of await store.getKeys(keyScope)) {
        if (!isMasterWrapped(key.wrappedBy)) continue;
        if (fingerprint(key.wrappedBy) === fingerprint(opts.to.keyId)) {
          report.alreadyNew++;
          continue;
        }
        const plain = await opts.from.unwrap(key.wrapped, context(key.version), key.wrappedBy);
        try {
          const rewrapped = await opts.to.wrap(plain, context(key.version));
          // Verified before it replaces the old wrapping: a key the new provider cannot give back
          // is never stored (an HSM mechanism quirk must not cost a tenant its data).
          const back = await opts.to.unwrap(rewrapped, context(key.version), opts.to.keyId);
          const same = back.equals(plain);
          back.fill(0);
          if (!same) throw new Error(`re-wrapped ${keyScope} v${key.version} of ${owner} did not unwrap to the same key; nothing replaced`);
          await store.putKey({ ...key, wrapped: rewrapped, wrappedBy: opts.to.keyId });
          report.rewrapped++;
        } finally {
          plain.fill(0);
        }
      }
    }
  }
  return report;
}
