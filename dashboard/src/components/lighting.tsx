// Lighting building blocks: the installation map (SVG drawn from the layout positions — no map
// tiles, no internet), the level control with its live command status, and the legend.
import { useState } from 'react';
import { Link } from '../hooks/router.tsx';
import type { TrackedCommand } from '../hooks/lighting.ts';
import { levelView } from '../lib/command-history.ts';
import { formatNumber, formatTime } from '../lib/format.ts';
import { lampFill, lampState, streetPath, switchLabel, type Cabinet, type Group, type Installation, type Lamp, type LampState } from '../lib/lighting.ts';
import { useT, type T } from '../i18n/index.tsx';
import { alarmCodeText } from '../lib/alarms.ts';
import { Button } from './ui.tsx';

const LEGEND: LampState[] = ['on', 'dimmed', 'off', 'fault', 'offline', 'unknown'];

export function LampSwatch({ state, level = 50 }: { state: LampState; level?: number }) {
  return (
    <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true" className="swatch">
      <circle r="6" fill={lampFill(state, level)} stroke={state === 'fault' ? '#7f1009' : state === 'offline' || state === 'unknown' ? '#6b7685' : '#3a2a00'} strokeWidth="1.3" strokeDasharray={state === 'offline' ? '2 1.6' : undefined} />
      {state === 'fault' ? <path d="M0 -3.4 V0.8 M0 2.6 V3" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" /> : null}
    </svg>
  );
}

export function MapLegend({ counts }: { counts?: Record<LampState, number> }) {
  const { t } = useT();
  return (
    <ul className="map-legend" aria-label={t('mapLegend.label')}>
      {LEGEND.map((s) => (
        <li key={s}>
          <LampSwatch state={s} level={s === 'dimmed' ? 50 : 100} />
          <span>{t(`lampState.${s}`)}</span>
          {counts ? <span className="legend-count">{counts[s]}</span> : null}
        </li>
      ))}
      <li>
        <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true" className="swatch">
          <rect x="-6" y="-6" width="12" height="12" rx="2" fill="#e8edf3" stroke="#1f2f40" strokeWidth="1.3" />
        </svg>
        <span>{t('mapLegend.cabinet')}</span>
      </li>
    </ul>
  );
}

function lampTitle(l: Lamp, groupName: string | undefined, t: T): string {
  const s = lampState(l);
  const parts = [l.name ?? l.id, groupName ? `(${groupName})` : '', '—', t(`lampState.${s}`)];
  if (s === 'dimmed' || s === 'on') parts.push(`${l.dimLevel} %`);
  if (typeof l.activePower === 'number') parts.push(t('mapLabels.lampPower', { watts: formatNumber(l.activePower, 1) }));
  if (l.activeAlarm) parts.push(t('mapLabels.lampAlarm', { type: alarmCodeText(t, l.activeAlarm.type) }));
  return parts.filter(Boolean).join(' ');
}

export function InstallationMap({ installation, lamps, cabinets, groups, highlight }: { installation: Installation; lamps: Lamp[]; cabinets: Cabinet[]; groups: Group[]; highlight?: string | null }) {
  const b = installation.bounds;
  const w = b.maxX - b.minX;
  const h = b.maxY - b.minY;
  const fs = Math.max(10, Math.min(16, w / 55));
  const r = Math.max(5, Math.min(8, w / 110));
  const byGroup = new Map<string, Lamp[]>();
  for (const l of lamps) byGroup.set(l.groupId, [...(byGroup.get(l.groupId) ?? []), l]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const { t } = useT();
  return (
    <svg className="map" viewBox={`${b.minX - 10} ${b.minY - 10} ${w + 20} ${h + 20}`} role="group" aria-label={t('mapLabels.map', { name: installation.name, count: lamps.length, cabinets: cabinets.length })} data-testid="installation-map">
      <rect x={b.minX - 10} y={b.minY - 10} width={w + 20} height={h + 20} className="map-ground" />
      {groups.map((g) => {
        const ls = byGroup.get(g.id) ?? [];
        if (!ls.length) return null;
        const xs = ls.map((l) => l.position.x);
        const ys = ls.map((l) => l.position.y);
        const minX = Math.min(...xs);
        const minY = Math.min(...ys);
        return (
          <g key={g.id} className={`map-group map-${g.kind}`}>
            {g.kind === 'park' ? <rect x={minX - 24} y={minY - 22} width={Math.max(...xs) - minX + 48} height={Math.max(...ys) - minY + 44} rx="14" className="map-park" /> : null}
            <path d={streetPath(ls.map((l) => l.position))} className={g.kind === 'park' ? 'map-path' : 'map-street'} />
            <text x={minX - 4} y={minY - (g.kind === 'park' ? 26 : 14)} fontSize={fs} className="map-label">
              {g.name}
            </text>
          </g>
        );
      })}
      {cabinets.map((c) => {
        const bad = c.alarms.length > 0 || !c.mainsPresent;
        return (
          <g key={c.id} className={`map-cabinet ${bad ? 'is-bad' : ''} ${c.online ? '' : 'is-offline'}`}>
            <title>{`${t('mapLabels.cabinet', { name: c.name, count: c.lamps })}${typeof c.activePower === 'number' ? t('mapLabels.cabinetPower', { kw: formatNumber(c.activePower / 1000, 2) }) : ''}${bad ? t('mapLabels.cabinetAlarm') : ''}${c.online ? '' : t('mapLabels.cabinetOffline')}`}</title>
            <rect x={c.position.x - r * 1.2} y={c.position.y - r * 1.2} width={r * 2.4} height={r * 2.4} rx="2" />
          </g>
        );
      })}
      {lamps.map((l) => {
        const s = lampState(l);
        return (
          <Link key={l.id} to={`/lighting/lamps/${encodeURIComponent(l.id)}`} className={`map-lamp lamp-${s} ${highlight === l.id ? 'is-highlight' : ''}`} aria-label={lampTitle(l, groupName.get(l.groupId), t)} data-lamp-id={l.id} data-state={s}>
            <title>{lampTitle(l, groupName.get(l.groupId), t)}</title>
            {s === 'on' || s === 'dimmed' ? <circle cx={l.position.x} cy={l.position.y} r={r * 2.1} className="lamp-glow" opacity={((l.dimLevel ?? 100) / 100) * 0.45} /> : null}
            <circle cx={l.position.x} cy={l.position.y} r={r} fill={lampFill(s, l.dimLevel)} className="lamp-dot" />
            {s === 'fault' ? <path d={`M${l.position.x} ${l.position.y - r * 0.55} V${l.position.y + r * 0.15} M${l.position.x} ${l.position.y + r * 0.45} V${l.position.y + r * 0.5}`} className="lamp-mark" /> : null}
          </Link>
        );
      })}
    </svg>
  );
}

export function CommandProgress({ tracked, error }: { tracked: TrackedCommand | undefined; error?: string | undefined }) {
  const { t } = useT();
  if (error) {
    return (
      <div className="cmd cmd-failed" role="alert" data-testid="command-status" data-state="error">
        {error}
      </div>
    );
  }
  if (!tracked) return <div className="cmd cmd-idle muted small">{t('commandProgress.none')}</div>;
  const p = tracked.progress;
  const what = switchLabel(tracked.payload, t);
  const pct = p.total ? Math.round((p.done / p.total) * 100) : 100;
  return (
    <div className={`cmd cmd-${p.state}`} role="status" aria-live="polite" data-testid="command-status" data-state={p.state}>
      <div className="cmd-line">
        <span className="cmd-label">{tracked.restored ? t('switchCommand.at', { what, time: formatTime(tracked.startedAt) }) : what}</span>
        <span className="cmd-state">
          {t('commandProgress.counts', { state: t(`groupProgress.${p.state}`), done: p.done, total: p.total })}
          {p.failed ? t('commandProgress.failed', { count: p.failed }) : ''}
        </span>
      </div>
      <div className="cmd-bar" aria-hidden="true">
        <span className="cmd-bar-done" style={{ width: `${pct}%` }} />
        {p.failed ? <span className="cmd-bar-failed" style={{ width: `${p.total ? (p.failed / p.total) * 100 : 0}%` }} /> : null}
      </div>
    </div>
  );
}

/** On, off and dim for a lamp or a group. The slider rests at the level in force (`inForce`, as the
 *  lamps report it, null when unknown); a value dragged but not sent, or a command still on its way
 *  (`pending`, its level), is said next to it. */
export function LevelControl({ name, onSend, disabled, inForce, pending }: { name: string; onSend: (action: 'on' | 'off' | 'dim', level?: number) => void; disabled?: boolean; inForce: number | null; pending?: number | undefined }) {
  const { t } = useT();
  const [draft, setDraft] = useState<number | undefined>(undefined);
  const view = levelView(inForce, pending, draft, t);
  const id = `dim-${name.replace(/\W+/g, '-')}`;
  const send = (action: 'on' | 'off' | 'dim', level?: number) => {
    setDraft(undefined);
    onSend(action, level);
  };
  return (
    <div className="level-control" data-testid="level-control" data-in-force={inForce ?? ''} data-state={view.state}>
      <Button onClick={() => send('on')} disabled={disabled} aria-label={t('levelControl.switchOn', { name })}>
        {t('levelControl.on')}
      </Button>
      <Button onClick={() => send('off')} disabled={disabled} aria-label={t('levelControl.switchOff', { name })}>
        {t('levelControl.off')}
      </Button>
      <span className="dim-group">
        <label htmlFor={id} className="visually-hidden">
          {t('levelControl.dimLevel', { name })}
        </label>
        <input id={id} type="range" min={10} max={100} step={5} value={view.value} onChange={(e) => setDraft(Number(e.target.value))} disabled={disabled} aria-describedby={`${id}-note`} />
        <output htmlFor={id} className="dim-value">
          {view.value} %
        </output>
        <Button variant="primary" onClick={() => send('dim', view.value)} disabled={disabled} aria-label={t('levelControl.dimTo', { name, level: view.value })}>
          {t('levelControl.dim')}
        </Button>
      </span>
      <span id={`${id}-note`} className={`level-note level-${view.state}`} data-testid="level-note">
        {view.note || t('lampLevel.inForce', { level: view.inForce })}
      </span>
    </div>
  );
}
