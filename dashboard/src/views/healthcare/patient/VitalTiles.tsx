// The latest value of each vital sign as tiles, with the time of the last reading.
import { formatAgo, formatNumber } from '../../../lib/format.ts';
import type { PatientSummary } from '../../../lib/healthcare.ts';
import { known, useT } from '../../../i18n/index.tsx';
import { translate } from '../../../i18n/translate.ts';

type TileKey = 'heartRate' | 'respiratoryRate' | 'spo2' | 'temperature' | 'bloodPressure' | 'consciousness' | 'oxygen' | 'weight' | 'glucose';

export function VitalTiles({ summary, raw, day, now }: { summary: PatientSummary; raw: Record<string, [number, unknown][]>; day: Record<string, [number, unknown][]> | undefined; now: number }) {
  const { t } = useT();
  const last = summary.lastVitals;
  const latest = (k: string) => raw[k]?.at(-1)?.[1] ?? day?.[k]?.at(-1)?.[1];
  const acvpu = latest('consciousness');
  const oxygen = latest('onOxygen');
  // [label key, value, unit]; the test id keeps the English label so tests find a tile in any language.
  const tiles: [TileKey, string, string][] = [
    ['heartRate', formatNumber(last.heartRate), '/min'],
    ['respiratoryRate', formatNumber(last.respiratoryRate), '/min'],
    ['spo2', formatNumber(last.spo2), '%'],
    ['temperature', formatNumber(last.temperature, 1), '°C'],
    ['bloodPressure', last.systolic !== undefined ? `${formatNumber(last.systolic)}/${formatNumber(last.diastolic)}` : '—', 'mmHg'],
    ['consciousness', typeof acvpu === 'string' ? known(t, `acvpu.${acvpu}`, acvpu) : '—', ''],
    ['oxygen', oxygen === true ? t('tiles.onOxygen') : oxygen === false ? t('tiles.air') : '—', ''],
  ];
  if (last.weight !== undefined) tiles.push(['weight', formatNumber(last.weight, 1), 'kg']);
  if (last.glucose !== undefined) tiles.push(['glucose', formatNumber(last.glucose, 1), 'mmol/L']);
  return (
    <div className="tiles" aria-label={t('tiles.label')}>
      {tiles.map(([key, value, unit]) => (
        <div className="tile" key={key}>
          <div className="tile-label">{t(`tiles.${key}`)}</div>
          <div className="tile-value" data-testid={`vital-${translate('en', `tiles.${key}`)}`}>
            {value}
            {value !== '—' && unit ? <span className="tile-unit">{unit}</span> : null}
          </div>
        </div>
      ))}
      <div className="tile tile-time">
        <div className="tile-label">{t('tiles.lastReading')}</div>
        <div className="tile-value tile-small">{last.at ? formatAgo(last.at, now) : t('tiles.noneYet')}</div>
      </div>
    </div>
  );
}
