// Platform health, for the platform operator: readiness of each part and the store in use, this
// node's broker and ingest figures with group commit times (GET /platform/health), every node with
// its connections and ingest rate (NodeStatus), and the last backup (BackupStatus). Refreshed every
// 10 s. No tenant data: the figures are summed over tenants.
import { useEffect } from 'react';
import { BackupStatus } from '../../components/BackupStatus.tsx';
import { NodeStatus } from '../../components/NodeStatus.tsx';
import { Card, ErrorNote, Loading, PageHeader, Pill, Stat } from '../../components/ui.tsx';
import { formatNumber, formatTime } from '../../lib/format.ts';
import { useResource } from '../../hooks/resource.ts';

interface Health {
  at: number;
  ready: boolean;
  parts: Record<string, boolean>;
  store: { kind: string };
  mqtt: { connected: number; accepted: number; rejected: number; authFailures: number };
  ingest: { refused: number; commitFailures: number; commit: { count: number; meanMs: number | null; p50Ms: number | null; p95Ms: number | null } };
}

const STORE_LABEL: Record<string, string> = { sqlite: 'SQLite files', postgres: 'PostgreSQL', mongo: 'MongoDB', memory: 'In memory (tests only)' };
const ms = (v: number | null) => (v === null ? '—' : `${formatNumber(v, v < 10 ? 1 : 0)} ms`);

export function PlatformHealth() {
  const res = useResource<Health>('/platform/health');
  const { reload } = res;
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  const h = res.data;
  return (
    <div className="page">
      <PageHeader title="Platform health" subtitle="Readiness, broker, ingest and backups of this platform. Figures are summed over all tenants." />
      <ErrorNote error={res.error} onRetry={res.reload} />
      {h ? (
        <>
          <Card title="Readiness" actions={<span className="muted small">as of {formatTime(h.at)}</span>}>
            <div className="stats" data-testid="health-readiness">
              <Stat label="Overall" value={h.ready ? <Pill tone="ok">Ready</Pill> : <Pill tone="bad">Not ready</Pill>} tone={h.ready ? 'ok' : 'bad'} />
              {Object.entries(h.parts).map(([part, ok]) => (
                <Stat key={part} label={part[0]!.toUpperCase() + part.slice(1)} value={ok ? <Pill tone="ok">up</Pill> : <Pill tone="bad">down</Pill>} tone={ok ? 'ok' : 'bad'} />
              ))}
              <Stat label="Store" value={STORE_LABEL[h.store.kind] ?? h.store.kind} />
            </div>
          </Card>
          <Card title="Broker and ingest (this node, since start)">
            <div className="stats" data-testid="health-ingest">
              <Stat label="MQTT connections" value={formatNumber(h.mqtt.connected)} />
              <Stat label="Messages accepted" value={formatNumber(h.mqtt.accepted)} />
              <Stat label="Messages rejected" value={formatNumber(h.mqtt.rejected)} hint="invalid payloads, reported to the device" tone={h.mqtt.rejected ? 'warn' : undefined} />
              <Stat label="Authentication failures" value={formatNumber(h.mqtt.authFailures)} tone={h.mqtt.authFailures ? 'warn' : undefined} />
              <Stat label="Commit time (mean)" value={ms(h.ingest.commit.meanMs)} hint={`${formatNumber(h.ingest.commit.count)} group commits`} />
              <Stat label="Commit time p50 / p95" value={`${ms(h.ingest.commit.p50Ms)} / ${ms(h.ingest.commit.p95Ms)}`} hint="upper bound of the histogram bucket" />
              <Stat label="Commit failures" value={formatNumber(h.ingest.commitFailures)} tone={h.ingest.commitFailures ? 'bad' : 'ok'} />
              <Stat label="Readings refused" value={formatNumber(h.ingest.refused)} hint="by a pilot's gate (e.g. no consent)" />
            </div>
          </Card>
        </>
      ) : !res.error ? (
        <Loading />
      ) : null}
      <NodeStatus />
      <BackupStatus />
    </div>
  );
}
