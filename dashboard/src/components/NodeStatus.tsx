// The platform's nodes (GET /api/v1/platform/nodes) for the platform operator: each live node with
// its MQTT connections, devices online and readings per second from its last heartbeat (one
// "local" node when the platform runs as a single process).
import { useEffect } from 'react';
import { useNow } from '../hooks/now.ts';
import { useResource } from '../hooks/resource.ts';
import { formatAgo } from '../lib/format.ts';
import { DataTable } from './DataTable.tsx';
import { Card, ErrorNote } from './ui.tsx';
import { useT } from '../i18n/index.tsx';

interface NodeView {
  id: string;
  startedAt: number | null;
  heartbeatAt: number;
  mqttConnections: number;
  devicesOnline: number;
  readingsPerSecond: number;
}

export function NodeStatus() {
  const now = useNow();
  const { t } = useT();
  const res = useResource<{ nodes: NodeView[] }>('/platform/nodes');
  const { reload } = res;
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <Card title={t('nodes.title')}>
      <ErrorNote error={res.error} onRetry={res.reload} />
      {res.data ? (
        <DataTable
          columns={[
            t('nodes.node'),
            { label: t('nodes.connections'), className: 'num' },
            { label: t('nodes.devicesOnline'), className: 'num' },
            { label: t('nodes.readings'), className: 'num' },
            t('nodes.heartbeat'),
          ]}
          className="table-compact"
          testId="nodes-table"
        >
          {res.data.nodes.map((n) => (
            <tr key={n.id}>
              <td className="mono">{n.id}</td>
              <td className="num">{n.mqttConnections}</td>
              <td className="num">{n.devicesOnline}</td>
              <td className="num">{n.readingsPerSecond}</td>
              {/* Never "in 5 s": the page's clock ticks behind the server's and may differ from it. */}
              <td>{formatAgo(Math.min(n.heartbeatAt, now), now)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </Card>
  );
}
