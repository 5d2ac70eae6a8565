// The range bar above a card's charts: presets 1 h … 7 d or a custom from/to (typed on a 24-hour
// clock in the installation's zone), zoom buttons as the keyboard's way to what a drag does, a
// reset, and the zone the times are in.
import { useState, type FormEvent } from 'react';
import type { ChartWindow } from '../hooks/chart-window.ts';
import { customProblem, formatCursorTime, fromInputs, PRESETS, toInputs, zoneNote, type RangeKey } from '../lib/time-range.ts';
import { Button, Segmented } from './ui.tsx';
import './charts.css';

const OPTIONS: { value: RangeKey; label: string }[] = [...PRESETS.map((p) => ({ value: p.value, label: p.label })), { value: 'custom', label: 'Custom' }];

export function TimeRangeBar({ win, timeZone, label = 'Period' }: { win: ChartWindow; timeZone: string; label?: string }) {
  const [editing, setEditing] = useState(false);
  const showCustom = editing || win.key === 'custom';
  return (
    <div className="range-bar" data-testid="range-bar">
      <Segmented<RangeKey>
        label={label}
        value={showCustom ? 'custom' : win.key}
        options={OPTIONS}
        onChange={(v) => {
          if (v === 'custom') setEditing(true);
          else {
            setEditing(false);
            win.choose(v);
          }
        }}
      />
      {showCustom ? <CustomRange win={win} timeZone={timeZone} onDone={() => setEditing(false)} /> : null}
      <div className="range-bar-zoom" role="group" aria-label="Zoom">
        <Button variant="ghost" onClick={win.zoomIn}>
          Zoom in
        </Button>
        <Button variant="ghost" onClick={win.zoomOut} disabled={!win.zoomed}>
          Zoom out
        </Button>
        <Button variant="ghost" onClick={win.reset} disabled={!win.zoomed}>
          Reset zoom
        </Button>
      </div>
      <span className="range-bar-note" data-testid="range-note">
        {win.zoomed ? `Zoomed to ${formatCursorTime(win.shown.from, timeZone)} – ${formatCursorTime(win.shown.to, timeZone)} · ` : 'Drag across a chart to zoom · '}
        {zoneNote(timeZone)}
      </span>
    </div>
  );
}

function CustomRange({ win, timeZone, onDone }: { win: ChartWindow; timeZone: string; onDone: () => void }) {
  const [from, setFrom] = useState(() => toInputs(win.base.from, timeZone));
  const [to, setTo] = useState(() => toInputs(win.base.to, timeZone));
  const [problem, setProblem] = useState<string | null>(null);
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
    <form className="range-bar-custom" onSubmit={submit} aria-label="Custom period">
      <DateTimeInputs name="From" value={from} onChange={setFrom} />
      <DateTimeInputs name="To" value={to} onChange={setTo} />
      <Button type="submit">Show</Button>
      {problem ? (
        <span className="range-bar-note" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}

type DateTime = ReturnType<typeof toInputs>;

/** One end of a custom period: a date, and a time typed as HH:MM text. */
function DateTimeInputs({ name, value, onChange }: { name: string; value: DateTime; onChange: (v: DateTime) => void }) {
  return (
    <>
      <label>
        {name} date
        <input type="date" value={value.date} onChange={(e) => onChange({ ...value, date: e.target.value })} required />
      </label>
      <label>
        {name} time (24 h)
        <input type="text" inputMode="numeric" pattern="([01][0-9]|2[0-3]):[0-5][0-9]" placeholder="HH:MM" size={5} value={value.time} onChange={(e) => onChange({ ...value, time: e.target.value })} required />
      </label>
    </>
  );
}
