// Custodia's own view of the run, from its Prometheus endpoint (platform/broker/metrics.ts,
// platform/ingest.ts): readings accepted, readings acknowledged but refused (invalid payload,
// tenant quota, pilot gate — none of which the benchmark's readings should meet), ACL denials,
// and the group commit's batch sizes and commit times.

export interface IngestMetrics {
  accepted: number;
  /** Acknowledged but not stored, by reason: must stay empty for the benchmark's readings. */
  rejected: Record<string, number>;
  denied: number;
  authFailures: number;
  commits: number;
  commitFailures: number;
  meanBatchSize: number | null;
  meanCommitMs: number | null;
  /** Raw sums behind the means, so that windows can be subtracted exactly. */
  batchSizeSum: number;
  commitSecondsSum: number;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition format, the subset prom-client writes (no escaped quotes). */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export function ingestMetrics(text: string): IngestMetrics {
  const samples = parsePrometheus(text);
  const total = (name: string) => samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
  const rejected: Record<string, number> = {};
  for (const s of samples) {
    // Both are acknowledged and not stored: the broker's payload checks, and the ingest
    // pipeline's refusals (tenant quota, pilot gates such as consent).
    if (s.name !== 'custodia_mqtt_rejected_total' && s.name !== 'custodia_ingest_refused_total') continue;
    if (s.value === 0) continue;
    const reason = s.labels['reason'] ?? 'unknown';
    rejected[reason] = (rejected[reason] ?? 0) + s.value;
  }
  const commits = total('custodia_ingest_batch_size_count');
  const commitSeconds = total('custodia_ingest_commit_seconds_sum');
  return {
    accepted: total('custodia_mqtt_accepted_total'),
    rejected,
    denied: total('custodia_mqtt_denied_total'),
    authFailures: total('custodia_mqtt_auth_failures_total'),
    commits,
    commitFailures: total('custodia_ingest_commit_failures_total'),
    meanBatchSize: commits ? Math.round((total('custodia_ingest_batch_size_sum') / commits) * 10) / 10 : null,
    meanCommitMs: commits ? Math.round((commitSeconds / commits) * 1e5) / 100 : null,
    batchSizeSum: total('custodia_ingest_batch_size_sum'),
    commitSecondsSum: commitSeconds,
  };
}

export async function fetchIngestMetrics(httpPort: number, token: string): Promise<IngestMetrics | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    return res.ok ? ingestMetrics(await res.text()) : null;
  } catch {
    return null;
  }
}

/** What happened between two scrapes (one measured window). */
export function metricsBetween(a: IngestMetrics, b: IngestMetrics): IngestMetrics {
  const commits = b.commits - a.commits;
  const rejected: Record<string, number> = {};
  for (const [reason, n] of Object.entries(b.rejected)) {
    const d = n - (a.rejected[reason] ?? 0);
    if (d > 0) rejected[reason] = d;
  }
  const batchSizeSum = b.batchSizeSum - a.batchSizeSum;
  const commitSecondsSum = b.commitSecondsSum - a.commitSecondsSum;
  return {
    accepted: b.accepted - a.accepted,
    rejected,
    denied: b.denied - a.denied,
    authFailures: b.authFailures - a.authFailures,
    commits,
    commitFailures: b.commitFailures - a.commitFailures,
    meanBatchSize: commits ? Math.round((batchSizeSum / commits) * 10) / 10 : null,
    meanCommitMs: commits ? Math.round((commitSecondsSum / commits) * 1e5) / 100 : null,
    batchSizeSum,
    commitSecondsSum,
  };
}
