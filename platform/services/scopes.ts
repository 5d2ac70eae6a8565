// Resolves the sealed-record store of a scope. Tenant-scoped services call `current()`, which
// takes the tenant from the authenticated context and fails loudly when there is none.
import type { Keyring } from '../crypto/types.ts';
import { PLATFORM_SCOPE, type StorageProvider, type Store } from '../storage/port.ts';
import { currentTenant } from '../tenancy/context.ts';
import { SealedRecords } from './records.ts';

export class Scopes {
  private cache = new Map<string, Promise<SealedRecords>>();
  constructor(
    readonly storage: StorageProvider,
    readonly keyring: Keyring,
  ) {}

  store(scope: string): Promise<Store> {
    return scope === PLATFORM_SCOPE ? this.storage.platform() : this.storage.tenant(scope);
  }

  records(scope: string): Promise<SealedRecords> {
    let p = this.cache.get(scope);
    if (!p) {
      p = this.store(scope).then((s) => new SealedRecords(s, this.keyring, scope));
      this.cache.set(scope, p);
      p.catch(() => this.cache.delete(scope));
    }
    return p;
  }

  /** The records of the tenant in the current context. */
  current(what = 'data access'): Promise<SealedRecords> {
    return this.records(currentTenant(what).tenantId);
  }

  forget(scope: string): void {
    this.cache.delete(scope);
  }
}
