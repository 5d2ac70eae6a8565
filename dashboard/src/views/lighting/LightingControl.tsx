// Switching: every group with its schedule, any manual hold, and its lamps' live state, with on,
// off and dim controls whose delivery is followed lamp by lamp until done.
import { useEffect, useMemo, useState } from 'react';
import { DataTable } from '../../components/DataTable.tsx';
import { Field } from '../../components/forms.tsx';
import { CommandProgress, LevelControl } from '../../components/lighting.tsx';
import { CommandHistory } from '../../components/CommandHistory.tsx';
import { Card, ErrorNote, Loading, PageHeader, Pill } from '../../components/ui.tsx';
import { formatTime } from '../../lib/format.ts';
import { queryString } from '../../lib/api.ts';
import { actorLabel, appendPage, commonLevel, type HistoryPage } from '../../lib/command-history.ts';
import { inForceOf, LT, lampState, progressOf, switchLabel, type BatchStatus, type Group, type Installation, type Lamp } from '../../lib/lighting.ts';
import { useLamps, useSwitching } from '../../hooks/lighting.ts';
import { useResource } from '../../hooks/resource.ts';
import { Link } from '../../hooks/router.tsx';
import { useApi } from '../../hooks/session.tsx';
import { known, useT, type T } from '../../i18n/index.tsx';

const HOLDS = ['60', '240', '720', '0'] as const;

function stateLine(lamps: Lamp[], t: T): string {
  const c = { lit: 0, off: 0, fault: 0, silent: 0 };
  for (const l of lamps) {
    const s = lampState(l);
    if (s === 'on' || s === 'dimmed') c.lit++;
    else if (s === 'off') c.off++;
    else if (s === 'fault') c.fault++;
    else c.silent++;
  }
  const levels = [...new Set(lamps.filter((l) => (l.dimLevel ?? 0) > 0).map((l) => l.dimLevel))];
  const lit = c.lit && levels.length === 1 ? t('groupControl.litAt', { count: c.lit, level: levels[0]! }) : t('groupControl.lit', { count: c.lit });
  return [lit, t('groupControl.off', { count: c.off }), c.fault ? t('groupControl.fault', { count: c.fault }) : '', c.silent ? t('groupControl.silent', { count: c.silent }) : ''].filter(Boolean).join(' · ');
}

/** A group's earlier commands, read from the server when opened (newest first, paged). */
function GroupHistory({ groupId, name }: { groupId: string; name: string }) {
  const { t } = useT();
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<HistoryPage<BatchStatus> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const load = async (offset: number) => {
    setBusy(true);
    setError('');
    try {
      const page = await api.get<HistoryPage<BatchStatus>>(`${LT}/commands${queryString({ groupId, limit: 5, offset })}`);
      setShown((s) => ({ items: appendPage(offset && s ? s.items : [], page.items, (b) => b.batchId), next: page.next }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details
      className="group-history"
      onToggle={(e) => {
        const now = (e.target as HTMLDetailsElement).open;
        setOpen(now);
        if (now) void load(0);
      }}
    >
      <summary>{t('groupControl.history', { name })}</summary>
      {open ? (
        <>
          {error ? <p className="small bad">{error}</p> : null}
          <CommandHistory
            loaded={shown !== null}
            rows={(shown?.items ?? []).map((b) => {
              const p = progressOf(b.lamps.map((l) => l.status));
              return { key: b.batchId, at: b.createdAt, label: switchLabel(b.payload, t), by: actorLabel(b.createdBy, t), status: t('groupControl.historyStatus', { state: t(`groupProgress.${p.state}`), done: p.done, total: p.total }), tone: p.state === 'done' ? 'ok' : p.state === 'pending' ? 'info' : 'bad' };
            })}
            onMore={shown?.next != null ? () => void load(shown.next!) : undefined}
            busy={busy}
            testId="group-history"
          />
        </>
      ) : null}
    </details>
  );
}

export function LightingControl() {
  const { t } = useT();
  const inst = useResource<Installation>(`${LT}/installation`);
  const groups = useResource<{ items: Group[] }>(`${LT}/groups`);
  const lamps = useLamps();
  const { tracked, errors, send, restore } = useSwitching();
  const [hold, setHold] = useState('240');
  const byGroup = useMemo(() => {
    const m = new Map<string, Lamp[]>();
    for (const l of lamps.data?.items ?? []) m.set(l.groupId, [...(m.get(l.groupId) ?? []), l]);
    return m;
  }, [lamps.data]);
  const tz = inst.data?.timeZone;
  // Each group's last command from the server, until this page sends one of its own.
  useEffect(() => {
    for (const g of groups.data?.items ?? []) void restore(g.id).catch(() => undefined);
  }, [groups.data, restore]);

  return (
    <div className="page">
      <PageHeader
        title={t('groupControl.title')}
        subtitle={t('groupControl.subtitle')}
        actions={
          <Field id="hold" label={t('groupControl.holdFor')} inline>
            <select id="hold" value={hold} onChange={(e) => setHold(e.target.value)}>
              {HOLDS.map((h) => (
                <option key={h} value={h}>
                  {t(`groupControl.holds.${h}`)}
                </option>
              ))}
            </select>
          </Field>
        }
      />
      <ErrorNote error={groups.error ?? lamps.error} onRetry={() => (groups.reload(), lamps.reload())} />
      <Card>
        {groups.data && lamps.data ? (
          <DataTable columns={[t('groupControl.group'), t('groupControl.now'), t('groupControl.control'), t('groupControl.lastCommand')]} className="table-control" testId="groups-table">
            {groups.data.items.map((g) => {
              const ls = byGroup.get(g.id) ?? [];
              const key = `group:${g.id}`;
              return (
                <tr key={g.id} data-group-id={g.id} data-testid="group-row">
                  <td>
                    <div className="strong">{g.name}</div>
                    <div className="muted small">
                      {t('groupControl.lamps', { count: g.lamps, kind: known(t, `groupControl.kind.${g.kind}`, g.kind) })}
                      {g.schedule ? (
                        <>
                          {' · '}
                          <Link to={`/lighting/schedules?id=${encodeURIComponent(g.schedule.id)}`}>{g.schedule.name.replace(/\s*\(.*\)$/, '')}</Link>
                        </>
                      ) : (
                        t('groupControl.noSchedule')
                      )}
                    </div>
                    {g.override ? (
                      <Pill tone="info">
                        {g.override.until ? t('groupControl.heldUntil', { level: g.override.level, time: formatTime(g.override.until, { timeZone: tz }) }) : t('groupControl.heldAt', { level: g.override.level })}
                      </Pill>
                    ) : null}
                  </td>
                  <td className="small">{stateLine(ls, t)}</td>
                  <td>
                    <LevelControl
                      name={g.name}
                      inForce={commonLevel(ls.map(inForceOf))}
                      pending={tracked[key]?.progress.state === 'pending' ? tracked[key].level : undefined}
                      onSend={(action, level) => void send({ groupId: g.id }, action, level, Number(hold)).then(groups.reload)}
                    />
                  </td>
                  <td className="cmd-cell">
                    <CommandProgress tracked={tracked[key]} error={errors[key]} />
                    <GroupHistory groupId={g.id} name={g.name} />
                  </td>
                </tr>
              );
            })}
          </DataTable>
        ) : (
          <Loading />
        )}
      </Card>
    </div>
  );
}
