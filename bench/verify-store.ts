// "Readings lost" for Custodia, counted in the store: after the server process was killed
// (SIGKILL, so no graceful drain can hide anything), its data directory is reopened here with
// `startPlatform`, and every reading the load generators saw acknowledged is looked up by its
// device and sequence number (the payload's `note`). The readings are sealed, so this also
// opens each one: a reading stored but impossible to decrypt would count as lost (docs/architecture.md
// promises 2 and 3).
import { readFileSync } from 'node:fs';
import { loadConfig } from '../platform/config.ts';
import { startPlatform } from '../platform/server.ts';
import { runInTenant, systemContext } from '../platform/tenancy/context.ts';
import { asTenantId } from '../platform/ids.ts';
import { probePilot } from '../validation/support/probe-pilot.ts';

export interface StoreCheck {
  /** Points in the tenant's store (all series). */
  stored: number;
  /** Readings the clients saw acknowledged (PUBACK received). */
  acked: number;
  /** Acknowledged readings missing from the store, or stored but unreadable. */
  lost: number;
  /** A few lost readings as `device#seq`, to start an investigation from. */
  lostSample: string[];
  /** Devices with lost readings and how many each (at most ten, most first). */
  lostByDevice: Record<string, number>;
  /** Stored readings whose PUBACK the clients never saw (in flight at the end): not a loss. */
  unacknowledgedButStored: number;
  durationMs: number;
}

export async function verifyStore(
  dataDir: string,
  tenantId: string,
  ackedFiles: string[],
  storeUrl?: string,
): Promise<StoreCheck> {
  const started = performance.now();
  const acked = new Map<string, number[]>();
  for (const file of ackedFiles) {
    const part = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number[]>;
    for (const [device, seqs] of Object.entries(part)) acked.set(device, [...(acked.get(device) ?? []), ...seqs]);
  }
  const config = loadConfig({
    CUSTODIA_DATA_DIR: dataDir,
    ...(storeUrl ? { CUSTODIA_STORE_URL: storeUrl } : {}),
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    LOG_LEVEL: 'error',
    CUSTODIA_DEMO: '0',
  });
  const platform = await startPlatform(config, { pilots: [probePilot] });
  try {
    return await runInTenant(systemContext('bench-verify', asTenantId(tenantId)), async () => {
      const series = platform.services.series;
      const stored = await series.count();
      let ackedCount = 0;
      let lost = 0;
      let extra = 0;
      const lostSample: string[] = [];
      const perDevice = new Map<string, number>();
      for (const [device, seqs] of acked) {
        ackedCount += seqs.length;
        const readings = await series.range<{ note?: string }>(device);
        const present = new Set(readings.map((r) => Number(r.data.note)));
        let found = 0;
        for (const seq of seqs) {
          if (present.has(seq)) {
            found++;
            continue;
          }
          lost++;
          perDevice.set(device, (perDevice.get(device) ?? 0) + 1);
          if (lostSample.length < 5) lostSample.push(`${device}#${seq}`);
        }
        extra += present.size - found;
      }
      return {
        stored,
        acked: ackedCount,
        lost,
        lostSample,
        lostByDevice: Object.fromEntries([...perDevice].sort((a, b) => b[1] - a[1]).slice(0, 10)),
        unacknowledgedButStored: extra,
        durationMs: Math.round(performance.now() - started),
      };
    });
  } finally {
    await platform.stop();
  }
}
