// The range bar above a card's charts: presets 1 h … 7 d or a custom from/to (typed on a 24-hour
// clock in the installation's zone), zoom buttons as the keyboard's way to what a drag does, a
// reset, and the zone the times are in.
import { useState, type FormEvent } from 'react';
import type { ChartWindow } from '../hooks/chart-window.ts';
import { customProblem, type CustomProblem, formatCursorTime, fromInputs, PRESETS, toInputs, type RangeKey } from '../lib/time-range.ts';
import { useT } from '../i18n/index.tsx';
import { Button, Segmented } from './ui.tsx';
import './charts.css';


export function TimeRangeBar({ win, timeZone, label }: { win: ChartWindow; timeZone: string; label?: string }) {
  const { t } = useT();
  const options: { value: RangeKey; label: string }[] = [...PRESETS.map((p) => ({ value: p.value, label: t(`range.preset.${p.value}`) })), { value: 'custom', label: t('range.custom') }];
  const [editing, setEditing] = useState(false);
  const showCustom = editing || win.key === 'custom';
  return (
    <div className="range-bar" data-testid="range-bar">
      <Segmented<RangeKey>
        label={label ?? t('range.period')}
        value={showCustom ? 'custom' : win.key}
        options={options}
        onChange={(v) => {
          if (v === 'custom') setEditing(true);
          else {
            setEditing(false);
            win.choose(v);
          }
        }}
      />
      {showCustom ? <CustomRange win={win} timeZone={timeZone} onDone={() => setEditing(false)} /> : null}
      <div className="range-bar-zoom" role="group" aria-label={t('range.zoom')}>
        <Button variant="ghost" onClick={win.zoomIn}>
          {t('range.zoomIn')}
        </Button>
        <Button variant="ghost" onClick={win.zoomOut} disabled={!win.zoomed}>
          {t('range.zoomOut')}
        </Button>
        <Button variant="ghost" onClick={win.reset} disabled={!win.zoomed}>
          {t('range.resetZoom')}
        </Button>
      </div>
      <span className="range-bar-note" data-testid="range-note">
        {win.zoomed ? t('range.zoomedTo', { from: formatCursorTime(win.shown.from, timeZone), to: formatCursorTime(win.shown.to, timeZone) }) : t('range.dragToZoom')}
        {t('range.zone', { zone: timeZone })}
      </span>
    </div>
  );
}

function CustomRange({ win, timeZone, onDone }: { win: ChartWindow; timeZone: string; onDone: () => void }) {
  const [from, setFrom] = useState(() => toInputs(win.base.from, timeZone));
  const [to, setTo] = useState(() => toInputs(win.base.to, timeZone));
  const { t } = useT();
  const [problem, setProblem] = useState<CustomProblem | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const w = { from: fromInputs(from.date, from.time, timeZone), to: fromInputs(to.date, to.time, timeZone) };
    const p = customProblem(w, Date.now());
    setProblem(p);
    if (p === null) {
      win.chooseCustom({ from: w.from!, to: w.to! });
      onDone();
    }
  };
  // Times are typed as HH:MM text: a time input shows a 12-hour clock in some browsers' locales.
  return (
    <form className="range-bar-custom" onSubmit={submit} aria-label={t('range.customPeriod')}>
      <DateTimeInputs name={t('range.from')} value={from} onChange={setFrom} />
      <DateTimeInputs name={t('range.to')} value={to} onChange={setTo} />
      <Button type="submit">{t('range.show')}</Button>
      {problem ? (
        <span className="range-bar-note" role="alert">
          {t(`range.problem.${problem}`)}
        </span>
      ) : null}
    </form>
  );
}

type DateTime = ReturnType<typeof toInputs>;

/** One end of a custom period: a date, and a time typed as HH:MM text. */
function DateTimeInputs({ name, value, onChange }: { name: string; value: DateTime; onChange: (v: DateTime) => void }) {
  const { t } = useT();
  return (
    <>
      <label>
        {t('range.date', { end: name })}
        <input type="date" value={value.date} onChange={(e) => onChange({ ...value, date: e.target.value })} required />
      </label>
      <label>
        {t('range.time', { end: name })}
        <input type="text" inputMode="numeric" pattern="([01][0-9]|2[0-3]):[0-5][0-9]" placeholder="HH:MM" size={5} value={value.time} onChange={(e) => onChange({ ...value, time: e.target.value })} required />
      </label>
    </>
  );
}
