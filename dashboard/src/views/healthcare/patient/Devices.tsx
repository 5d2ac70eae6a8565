// The patient's devices with online state and battery.
import { BatteryBadge, OnlineBadge } from '../../../components/badges.tsx';
import { Card } from '../../../components/ui.tsx';
import { formatAgo } from '../../../lib/format.ts';
import { DEVICE_LABEL, sortDevices, type PatientSummary } from '../../../lib/healthcare.ts';

export function Devices({ summary, now }: { summary: PatientSummary; now: number }) {
  return (
    <Card title="Devices">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">State</th>
            <th scope="col">Battery</th>
          </tr>
        </thead>
        <tbody>
          {sortDevices(summary.devices).map((d) => (
            <tr key={d.id}>
              <td>
                <div>{DEVICE_LABEL[d.kind] ?? d.kind}</div>
                <div className="mono muted small">{d.id}</div>
              </td>
              <td>
                <OnlineBadge online={d.online} />
              </td>
              <td>{d.battery !== undefined ? <BatteryBadge level={d.battery} /> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.lastVitals.at ? <p className="muted small">Last reading from any device {formatAgo(summary.lastVitals.at, now)}.</p> : null}
    </Card>
  );
}
