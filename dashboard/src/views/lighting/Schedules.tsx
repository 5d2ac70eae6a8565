// Switching schedules: each programme's steps (fixed times and sunset/sunrise with offsets), the
// groups it drives, its next 48 hours drawn as a timeline, and an editor. A group follows one
// schedule at most; the editor shows which groups another schedule already drives.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { astroEvents, MAX_OFFSET_MINUTES } from '../../../../pilots/lighting/domain/schedule.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ActionDialog, Field, FormError } from '../../components/forms.tsx';
import { DraftPreview } from './DraftPreview.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { Button, Card, EmptyState, ErrorNote, Loading, PageHeader, Pill } from '../../components/ui.tsx';
import { parseClockTime } from '../../lib/clock-time.ts';
import { formatNumber } from '../../lib/format.ts';
import { litSummary, LT, stepTimeLabel, timelineSegments, type AstroEvent, type Group, type Schedule, type SchedulePreview, type ScheduleStep } from '../../lib/lighting.ts';
import { checkBody, scheduleInput } from '../../lib/validate.ts';
import { useRealtimeEvent } from '../../hooks/realtime.tsx';
import { useAction, useResource } from '../../hooks/resource.ts';
import { setSearch, useLocation } from '../../hooks/router.tsx';
import { useApi, useSession } from '../../hooks/session.tsx';
import { useT } from '../../i18n/index.tsx';

type Draft = Omit<Schedule, 'id'> & { id?: string };

const EMPTY: Draft = {
  name: '',
  steps: [
    { at: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, level: 100 },
    { at: { kind: 'astro', event: 'sunrise', offsetMinutes: 0 }, level: 0 },
  ],
  exceptions: [],
  assignedGroups: [],
  dayStart: '12:00',
};

function Preview({ id, version }: { id: string; version: number }) {
  const { t } = useT();
  const res = useResource<SchedulePreview>(`${LT}/schedules/${encodeURIComponent(id)}/preview?hours=48`);
  const { reload } = res;
  // A saved edit changes the preview: fetch it again.
  useEffect(() => {
    if (version) reload();
  }, [version, reload]);
  if (res.error) return <ErrorNote error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading />;
  const lit = litSummary(timelineSegments(res.data));
  return (
    <>
      <Timeline preview={res.data} />
      <p className="muted small">
        {t('schedules.previewNote', { zone: res.data.timeZone, lit: formatNumber(lit.litHours, 1), full: formatNumber(lit.fullEquivalentHours, 1) })}
        {lit.litHours ? t('schedules.previewSaved', { percent: formatNumber(100 - (lit.fullEquivalentHours / lit.litHours) * 100, 0) }) : ''}.
      </p>
    </>
  );
}

/** A time of day as 24-hour text (HH:MM): never AM/PM, whatever the browser's locale. What is typed
 *  stays as typed; a valid time reaches the draft at once, an invalid one is flagged and reported
 *  (`onValidity`) so the form is not saved with a time nobody meant. */
function TimeField({ id, value, onChange, onValidity }: { id: string; value: string; onChange: (hhmm: string) => void; onValidity: (id: string, ok: boolean) => void }) {
  const { t } = useT();
  const [text, setText] = useState(value);
  const ok = parseClockTime(text) !== null;
  // A value set from outside (another kind chosen, a step removed) replaces the text.
  useEffect(() => {
    setText((t) => (parseClockTime(t) === value ? t : value));
  }, [value]);
  useEffect(() => onValidity(id, ok), [id, ok, onValidity]);
  useEffect(() => () => onValidity(id, true), [id, onValidity]);
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder="HH:MM"
        maxLength={5}
        size={5}
        className="input-time"
        value={text}
        aria-invalid={!ok || undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          setText(e.target.value);
          const t = parseClockTime(e.target.value);
          if (t) onChange(t);
        }}
        onBlur={() => {
          const t = parseClockTime(text);
          if (t) setText(t);
        }}
        required
      />
      <span id={`${id}-hint`} className={ok ? 'visually-hidden' : 'field-error small'}>
        {ok ? t('scheduleEditor.timeHint') : t('scheduleEditor.notTime')}
      </span>
    </>
  );
}

function StepEditor({ step, onChange, onRemove, index, onValidity }: { step: ScheduleStep; onChange: (s: ScheduleStep) => void; onRemove: () => void; index: number; onValidity: (id: string, ok: boolean) => void }) {
  const { t } = useT();
  const n = index + 1;
  return (
    <tr>
      <td>
        <label className="visually-hidden" htmlFor={`kind-${n}`}>
          {t('scheduleEditor.kindLabel', { n })}
        </label>
        <select id={`kind-${n}`} value={step.at.kind} onChange={(e) => onChange({ ...step, at: e.target.value === 'fixed' ? { kind: 'fixed', time: '23:00' } : { kind: 'astro', event: 'sunset', offsetMinutes: 0 } })}>
          <option value="fixed">{t('scheduleEditor.kindFixed')}</option>
          <option value="astro">{t('scheduleEditor.kindAstro')}</option>
        </select>
      </td>
      <td>
        {step.at.kind === 'fixed' ? (
          <>
            <label className="visually-hidden" htmlFor={`time-${n}`}>
              {t('scheduleEditor.timeLabel', { n })}
            </label>
            <TimeField id={`time-${n}`} value={step.at.time} onChange={(time) => onChange({ ...step, at: { kind: 'fixed', time } })} onValidity={onValidity} />
          </>
        ) : (
          <span className="inline-fields">
            <label className="visually-hidden" htmlFor={`event-${n}`}>
              {t('scheduleEditor.eventLabel', { n })}
            </label>
            <select id={`event-${n}`} value={step.at.event} onChange={(e) => step.at.kind === 'astro' && onChange({ ...step, at: { ...step.at, event: e.target.value as AstroEvent } })}>
              {astroEvents.map((ev) => (
                <option key={ev} value={ev}>
                  {t(`astro.${ev}`)}
                </option>
              ))}
            </select>
            <label className="visually-hidden" htmlFor={`offset-${n}`}>
              {t('scheduleEditor.offsetLabel', { n })}
            </label>
            <input id={`offset-${n}`} type="number" min={-MAX_OFFSET_MINUTES} max={MAX_OFFSET_MINUTES} step={5} value={step.at.offsetMinutes} onChange={(e) => step.at.kind === 'astro' && onChange({ ...step, at: { ...step.at, offsetMinutes: Number(e.target.value) } })} className="input-narrow" />
            <span className="muted small">{t('scheduleEditor.minutes')}</span>
          </span>
        )}
      </td>
      <td>
        <label className="visually-hidden" htmlFor={`level-${n}`}>
          {t('scheduleEditor.levelLabel', { n })}
        </label>
        <input id={`level-${n}`} type="number" min={0} max={100} step={5} value={step.level} onChange={(e) => onChange({ ...step, level: Number(e.target.value) })} className="input-narrow" /> %
      </td>
      <td className="actions">
        <Button variant="ghost" onClick={onRemove} aria-label={t('scheduleEditor.removeLabel', { n })}>
          {t('scheduleEditor.remove')}
        </Button>
      </td>
    </tr>
  );
}

function Editor({ draft, groups, owners, onCancel, onSaved }: { draft: Draft; groups: Group[]; owners: Map<string, string>; onCancel: () => void; onSaved: (s: Schedule) => void }) {
  const { t } = useT();
  const api = useApi();
  const [d, setD] = useState<Draft>(draft);
  const save = useAction(async () => {
    const { id, ...input } = d;
    checkBody(scheduleInput, input);
    const saved = id ? await api.put<Schedule>(`${LT}/schedules/${encodeURIComponent(id)}`, input) : await api.post<Schedule>(`${LT}/schedules`, input);
    onSaved(saved);
  });
  const setStep = (i: number, s: ScheduleStep) => setD({ ...d, steps: d.steps.map((x, j) => (j === i ? s : x)) });
  // Time fields whose text is not a time (TimeField): saving waits until they are corrected.
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const onValidity = useCallback((id: string, ok: boolean) => {
    setInvalid((prev) => {
      if (ok !== prev.has(id)) return prev;
      const next = new Set(prev);
      if (ok) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  return (
    <>
    <Card title={d.id ? t('scheduleEditor.editTitle', { name: draft.name }) : t('scheduleEditor.newTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <div className="form-grid">
          <Field id="s-name" label={t('scheduleEditor.name')}>
            <input id="s-name" value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required maxLength={200} />
          </Field>
          <Field id="s-daystart" label={t('scheduleEditor.dayStart')} hint={t('scheduleEditor.dayStartHint')}>
            <TimeField id="s-daystart" value={d.dayStart} onChange={(dayStart) => setD({ ...d, dayStart })} onValidity={onValidity} />
          </Field>
        </div>
        <DataTable columns={[t('scheduleEditor.when'), t('scheduleEditor.time'), t('scheduleEditor.level')]} actions caption={t('scheduleEditor.caption')}>
          {d.steps.map((s, i) => (
            <StepEditor key={i} index={i} step={s} onValidity={onValidity} onChange={(x) => setStep(i, x)} onRemove={() => setD({ ...d, steps: d.steps.filter((_, j) => j !== i) })} />
          ))}
        </DataTable>
        <div className="inline-form">
          <Button onClick={() => setD({ ...d, steps: [...d.steps, { at: { kind: 'fixed', time: '00:00' }, level: 50 }] })} disabled={d.steps.length >= 48}>
            {t('scheduleEditor.addStep')}
          </Button>
        </div>
        <fieldset className="field groups-field">
          <legend>{t('scheduleEditor.groups')}</legend>
          <div className="check-grid">
            {groups.map((g) => {
              const owner = owners.get(g.id);
              const taken = owner !== undefined && owner !== d.id;
              return (
                <label key={g.id} className={`check ${taken ? 'is-taken' : ''}`}>
                  <input
                    type="checkbox"
                    checked={d.assignedGroups.includes(g.id)}
                    disabled={taken}
                    onChange={(e) => setD({ ...d, assignedGroups: e.target.checked ? [...d.assignedGroups, g.id] : d.assignedGroups.filter((x) => x !== g.id) })}
                  />
                  {g.name}
                  {taken ? <span className="muted small">{t('scheduleEditor.taken')}</span> : null}
                </label>
              );
            })}
          </div>
        </fieldset>
        {d.exceptions.length ? <p className="muted small">{t('scheduleEditor.exceptionsKept', { count: d.exceptions.length })}</p> : null}
        <FormError error={save.error} />
        <div className="form-actions">
          <Button onClick={onCancel}>{t('scheduleEditor.cancel')}</Button>
          <Button type="submit" variant="primary" busy={save.busy} disabled={!d.name.trim() || !d.steps.length || invalid.size > 0}>
            {t('scheduleEditor.save')}
          </Button>
        </div>
      </form>
    </Card>
    <DraftPreview draft={d} />
    </>
  );
}

export function Schedules() {
  const { t } = useT();
  const api = useApi();
  const { can } = useSession();
  const { search } = useLocation();
  const res = useResource<{ items: Schedule[] }>(`${LT}/schedules`);
  const groups = useResource<{ items: Group[] }>(`${LT}/groups`);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [version, setVersion] = useState(0);
  const items = res.data?.items ?? [];
  const selected = items.find((s) => s.id === search.get('id')) ?? items[0];
  const groupName = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const owners = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of items) for (const g of s.assignedGroups) m.set(g, s.id);
    return m;
  }, [items]);
  useRealtimeEvent('lt.schedule', (e) => {
    if (e.event === 'created' || e.event === 'updated' || e.event === 'deleted') res.reload();
  });
  const remove = useAction(async () => {
    if (!selected) return;
    await api.del(`${LT}/schedules/${encodeURIComponent(selected.id)}`);
    setDeleting(false);
    setSearch({ id: undefined });
    res.reload();
  });
  const mayEdit = can('commands:send');

  return (
    <div className="page">
      <PageHeader
        title={t('schedules.title')}
        subtitle={t('schedules.subtitle')}
        actions={
          mayEdit ? (
            <Button variant="primary" onClick={() => setEditing({ ...EMPTY, name: t('schedules.newName') })}>
              {t('schedules.new')}
            </Button>
          ) : null
        }
      />
      <ErrorNote error={res.error ?? groups.error} onRetry={() => (res.reload(), groups.reload())} />
      {res.loading && !res.data ? <Loading /> : null}
      {res.data && !items.length && !editing ? (
        <Card>
          <EmptyState title={t('schedules.noneTitle')}>{mayEdit ? <p>{t('schedules.noneBody')}</p> : null}</EmptyState>
        </Card>
      ) : null}
      {items.length ? (
        <div className="schedule-layout">
          <nav className="schedule-list" aria-label={t('schedules.list')}>
            {items.map((s) => (
              <button type="button" key={s.id} className={`schedule-item ${selected?.id === s.id ? 'active' : ''}`} aria-current={selected?.id === s.id ? 'true' : undefined} onClick={() => (setEditing(null), setSearch({ id: s.id }))}>
                <span className="strong">{s.name}</span>
                <span className="muted small">
                  {t('schedules.itemSteps', { count: s.steps.length })} · {t('schedules.itemGroups', { count: s.assignedGroups.length })}
                </span>
              </button>
            ))}
          </nav>
          <div className="stack">
            {editing ? (
              <Editor
                key={editing.id ?? 'new'}
                draft={editing}
                groups={groups.data?.items ?? []}
                owners={owners}
                onCancel={() => setEditing(null)}
                onSaved={(s) => {
                  setEditing(null);
                  res.reload();
                  setVersion((v) => v + 1);
                  setSearch({ id: s.id });
                }}
              />
            ) : selected ? (
              <>
                <Card
                  title={selected.name}
                  actions={
                    mayEdit ? (
                      <>
                        <Button onClick={() => setEditing({ ...selected })}>{t('schedules.edit')}</Button>
                        <Button variant="ghost" onClick={() => setDeleting(true)}>
                          {t('schedules.delete')}
                        </Button>
                      </>
                    ) : null
                  }
                >
                  <div className="grid-2 grid-tight">
                    <DataTable columns={[t('schedules.when'), { label: t('schedules.level'), className: 'num' }]} className="table-compact" caption={t('schedules.programme', { time: selected.dayStart })}>
                      {selected.steps.map((st, i) => (
                        <tr key={i}>
                          <td>{stepTimeLabel(st.at, t)}</td>
                          <td className="num">{st.level === 0 ? t('schedules.off') : t('schedules.percent', { level: st.level })}</td>
                        </tr>
                      ))}
                    </DataTable>
                    <div>
                      <div className="table-caption">{t('schedules.drives')}</div>
                      <div className="pill-wrap">
                        {selected.assignedGroups.length ? selected.assignedGroups.map((g) => <Pill key={g}>{groupName.get(g) ?? g}</Pill>) : <span className="muted">{t('schedules.noGroups')}</span>}
                      </div>
                      {selected.exceptions.length ? <p className="muted small">{t('schedules.exceptions', { count: selected.exceptions.length })}</p> : null}
                    </div>
                  </div>
                </Card>
                <Card title={t('schedules.next48')}>
                  <Preview key={selected.id} id={selected.id} version={version} />
                </Card>
              </>
            ) : null}
          </div>
        </div>
      ) : editing ? (
        <Editor draft={editing} groups={groups.data?.items ?? []} owners={owners} onCancel={() => setEditing(null)} onSaved={(s) => (setEditing(null), res.reload(), setSearch({ id: s.id }))} />
      ) : null}
      <ActionDialog open={deleting} title={t('schedules.deleteTitle')} onClose={() => setDeleting(false)} actionLabel={t('schedules.deleteAction')} onAction={() => void remove.run()} busy={remove.busy}>
        <p>{t('schedules.deleteBody')}</p>
        {remove.error ? <p className="form-error">{remove.error}</p> : null}
      </ActionDialog>
    </div>
  );
}
