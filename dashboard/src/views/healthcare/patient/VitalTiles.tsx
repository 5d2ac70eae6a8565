// The latest value of each vital sign as tiles, with the time of the last reading.
import { ACVPU_LABEL, formatAgo, formatNumber } from '../../../lib/format.ts';
import type { PatientSummary } from '../../../lib/healthcare.ts';

export function VitalTiles({ summary, raw, day, now }: { summary: PatientSummary; raw: Record<string, [number, unknown][]>; day: Record<string, [number, unknown][]> | undefined; now: number }) {
  const last = summary.lastVitals;
  const latest = (k: string) => raw[k]?.at(-1)?.[1] ?? day?.[k]?.at(-1)?.[1];
  const acvpu = latest('consciousness');
  const oxygen = latest('onOxygen');
  const tiles: [string, string, string][] = [
    ['Heart rate', formatNumber(last.heartRate), '/min'],
    ['Respiratory rate', formatNumber(last.respiratoryRate), '/min'],
    ['SpO₂', formatNumber(last.spo2), '%'],
    ['Temperature', formatNumber(last.temperature, 1), '°C'],
    ['Blood pressure', last.systolic !== undefined ? `${formatNumber(last.systolic)}/${formatNumber(last.diastolic)}` : '—', 'mmHg'],
    ['Consciousness', typeof acvpu === 'string' ? (ACVPU_LABEL[acvpu] ?? acvpu) : '—', ''],
    ['Oxygen', oxygen === true ? 'On oxygen' : oxygen === false ? 'Air' : '—', ''],
  ];
  if (last.weight !== undefined) tiles.push(['Weight', formatNumber(last.weight, 1), 'kg']);
  if (last.glucose !== undefined) tiles.push(['Glucose', formatNumber(last.glucose, 1), 'mmol/L']);
  return (
    <div className="tiles" aria-label="Latest vital signs">
      {tiles.map(([label, value, unit]) => (
        <div className="tile" key={label}>
          <div className="tile-label">{label}</div>
          <div className="tile-value" data-testid={`vital-${label}`}>
            {value}
            {value !== '—' && unit ? <span className="tile-unit">{unit}</span> : null}
          </div>
        </div>
      ))}
      <div className="tile tile-time">
        <div className="tile-label">Last reading</div>
        <div className="tile-value tile-small">{last.at ? formatAgo(last.at, now) : 'none yet'}</div>
      </div>
    </div>
  );
}
