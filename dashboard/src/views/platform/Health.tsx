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
import { useT, type MessageKey } from '../../i18n/index.tsx';

interface Health {
  at: number;
  ready: boolean;
  parts: Record<string, boolean>;
  store: { kind: string };
  mqtt: { connected: number; accepted: number; rejected: number; authFailures: number };
  ingest: { refused: number; commitFailures: number; commit: { count: number; meanMs: number | null; p50Ms: number | null; p95Ms: number | null } };
}

const STORE_LABEL: Record<string, MessageKey> = { sqlite: 'health.storeSqlite', postgres: 'health.storePostgres', mongo: 'health.storeMongo', memory: 'health.storeMemory' };
const ms = (v: number | null) => (v === null ? '—' : `${formatNumber(v, v < 10 ? 1 : 0)} ms`);

export function PlatformHealth() {
  const { t } = useT();
  const res = useResource<Health>('/platform/health');
  const { reload } = res;
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  const h = res.data;
  return (
    <div className="page">
      <PageHeader title={t('health.title')} subtitle={t('health.subtitle')} />
      <ErrorNote error={res.error} onRetry={res.reload} />
      {h ? (
        <>
          <Card title={t('health.readiness')} actions={<span className="muted small">{t('health.asOf', { time: formatTime(h.at) })}</span>}>
            <div className="stats" data-testid="health-readiness">
              <Stat label={t('health.overall')} value={h.ready ? <Pill tone="ok">{t('health.ready')}</Pill> : <Pill tone="bad">{t('health.notReady')}</Pill>} tone={h.ready ? 'ok' : 'bad'} />
              {Object.entries(h.parts).map(([part, ok]) => (
                <Stat key={part} label={part[0]!.toUpperCase() + part.slice(1)} value={ok ? <Pill tone="ok">{t('health.up')}</Pill> : <Pill tone="bad">{t('health.down')}</Pill>} tone={ok ? 'ok' : 'bad'} />
              ))}
              <Stat label={t('health.store')} value={STORE_LABEL[h.store.kind] ? t(STORE_LABEL[h.store.kind]!) : h.store.kind} />
            </div>
          </Card>
          <Card title={t('health.broker')}>
            <div className="stats" data-testid="health-ingest">
              <Stat label={t('health.connections')} value={formatNumber(h.mqtt.connected)} />
              <Stat label={t('health.accepted')} value={formatNumber(h.mqtt.accepted)} />
              <Stat label={t('health.rejected')} value={formatNumber(h.mqtt.rejected)} hint={t('health.rejectedHint')} tone={h.mqtt.rejected ? 'warn' : undefined} />
              <Stat label={t('health.authFailures')} value={formatNumber(h.mqtt.authFailures)} tone={h.mqtt.authFailures ? 'warn' : undefined} />
              <Stat label={t('health.commitMean')} value={ms(h.ingest.commit.meanMs)} hint={t('health.commits', { count: h.ingest.commit.count })} />
              <Stat label={t('health.commitPercentiles')} value={`${ms(h.ingest.commit.p50Ms)} / ${ms(h.ingest.commit.p95Ms)}`} hint={t('health.bucketHint')} />
              <Stat label={t('health.commitFailures')} value={formatNumber(h.ingest.commitFailures)} tone={h.ingest.commitFailures ? 'bad' : 'ok'} />
              <Stat label={t('health.refused')} value={formatNumber(h.ingest.refused)} hint={t('health.refusedHint')} />
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
