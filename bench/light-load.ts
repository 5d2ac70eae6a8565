// The light-load figure: publish → PUBACK p50 when the platform is nearly idle (--light-rate,
// 200 readings/s by default). There a reading has no sibling to share its commit with, so any
// batching delay shows up whole in this figure. Pure: results in, figure and line out.
import type { TargetResult } from './report.ts';

export interface LightLoad {
  offeredPerS: number | null;
  custodiaP50Ms: number;
  aedesP50Ms: number | null;
}

export function lightLoad(results: TargetResult[]): LightLoad | null {
  const light = (t: string) => results.find((r) => r.target === t && r.status === 'ok')?.phases.find((p) => p.phase === 'light');
  const c = light('custodia');
  if (!c || c.latencyMs.count === 0) return null;
  const a = light('aedes');
  return { offeredPerS: c.offeredPerS, custodiaP50Ms: c.latencyMs.p50, aedesP50Ms: a && a.latencyMs.count > 0 ? a.latencyMs.p50 : null };
}

export function renderLightLoad(l: LightLoad | null): string[] {
  if (!l) return [];
  const aedes = l.aedesP50Ms === null ? '' : ` (bare aedes ${l.aedesP50Ms} ms)`;
  return [`light load (${l.offeredPerS ?? '?'}/s offered): custodia publish → PUBACK p50 ${l.custodiaP50Ms} ms${aedes}`];
}
