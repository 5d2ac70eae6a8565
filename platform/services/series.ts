// Time series of readings: the channel key (a device id) and timestamp stay clear for range
// queries; the reading itself is sealed with its subject's key (or the tenant's).
import { ErasedError } from '../errors.ts';
import { SERIES_COLLECTION } from '../crypto/collections.ts';
import type { Keyring } from '../crypto/types.ts';
import type { StoredPoint } from '../storage/port.ts';
import { currentTenant } from '../tenancy/context.ts';
import type { Scopes } from './scopes.ts';

export interface Reading<T = unknown> {
  series: string;
  id: string;
  ts: number;
  subject: string | null;
  data: T;
}

export interface RangeOptions {
  from?: number;
  to?: number;
  limit?: number;
  desc?: boolean;
}


export class SeriesService {
  constructor(
    private readonly scopes: Scopes,
    private readonly keyring: Keyring,
  ) {}

  private async sealIn(tenantId: string, readings: Reading[]): Promise<StoredPoint[]> {
    const bodies = await this.keyring.sealJsonAll(
      readings.map((r) => ({ ref: { tenant: tenantId, collection: SERIES_COLLECTION, id: r.id, subject: r.subject }, value: r.data })),
    );
    return readings.map((r, i) => ({ series: r.series, id: r.id, ts: r.ts, subject: r.subject, body: bodies[i]! }));
  }

  /** Seals and durably commits readings of the tenant in context, as one batch (the ingest group
   *  commit runs it as the tenant's ingest system principal). */
  async append(readings: Reading[]): Promise<void> {
    const { tenantId } = currentTenant('series.append');
    const store = await this.scopes.store(tenantId);
    await store.commit({ points: await this.sealIn(tenantId, readings) });
  }

  /** Seals readings of the tenant in context exactly as `append` does, without committing them:
   *  for a writer that commits them with other sealed writes in one batch of the Store port. */
  async seal(readings: Reading[]): Promise<StoredPoint[]> {
    const { tenantId } = currentTenant('series.seal');
    return this.sealIn(tenantId, readings);
  }

  private async open<T>(tenantId: string, p: StoredPoint): Promise<Reading<T>> {
    const data = await this.keyring.openJson<T>(
      { tenant: tenantId, collection: SERIES_COLLECTION, id: p.id, subject: p.subject },
      p.body,
    );
    return { series: p.series, id: p.id, ts: p.ts, subject: p.subject, data };
  }

  /** Readings of an erased subject are skipped: they can no longer be opened by anyone. */
  async range<T>(series: string, opts: RangeOptions = {}): Promise<Reading<T>[]> {
    const { tenantId } = currentTenant('series.range');
    const store = await this.scopes.store(tenantId);
    const points = await store.range({ series, ...opts });
    const out: Reading<T>[] = [];
    for (const p of points) {
      try {
        out.push(await this.open<T>(tenantId, p));
      } catch (err) {
        if (!(err instanceof ErasedError)) throw err;
      }
    }
    return out;
  }

  async latest<T>(series: string): Promise<Reading<T> | null> {
    const { tenantId } = currentTenant('series.latest');
    const store = await this.scopes.store(tenantId);
    const p = await store.latest(series);
    return p ? this.open<T>(tenantId, p) : null;
  }

  async count(series?: string): Promise<number> {
    const { tenantId } = currentTenant('series.count');
    return (await this.scopes.store(tenantId)).countPoints(series);
  }
}
