// One patient: live NEWS2 and vitals, charts over 24 hours or 7 days, alarms with
// acknowledgement, devices with battery and online state, consent, messages to the home hub with
// their delivery, the FHIR export, and (demo patients only) scenario injection.
import { useMemo, useState } from 'react';
import { AlarmList } from '../../components/AlarmList.tsx';
import { BatteryBadge, News2Badge, OnlineBadge } from '../../components/badges.tsx';
import { Chart, type ChartSeries } from '../../components/Chart.tsx';
import { ActionDialog, Field, FormError } from '../../components/forms.tsx';
import { Button, Card, EmptyState, ErrorNote, KeyValues, Loading, Note, PageHeader, Pill, Segmented } from '../../components/ui.tsx';
import { ApiError, queryString } from '../../lib/api.ts';
import { filterAlarms } from '../../lib/alarms.ts';
import { ACVPU_LABEL, formatAgo, formatDate, formatDateTime, formatNumber, formatTime, handleName, VITALS } from '../../lib/format.ts';
import {
  applyPresence,
  CONDITION_LABEL,
  DELIVERY_LABEL,
  DEVICE_LABEL,
  HC,
  numericPoints,
  SCENARIOS,
  sortDevices,
  type ConsentAnswer,
  type Message,
  type News2Item,
  type PatientRecord,
  type PatientSummary,
} from '../../lib/healthcare.ts';
import { bandInfo, type News2Band } from '../../lib/news2.ts';
import { alignSeries, appendWindow, bucketMean, type Point } from '../../lib/series.ts';
import type { CommandStatus } from '../../lib/types.ts';
import { useAlarms } from '../../hooks/alarms.ts';
import { useCommandStatuses } from '../../hooks/commands.ts';
import { useNow } from '../../hooks/now.ts';
import { useOnReconnect, useRealtimeEvent } from '../../hooks/realtime.tsx';
import { useAction, useResource, type Resource } from '../../hooks/resource.ts';
import { Link } from '../../hooks/router.tsx';
import { useApi, useMe, useSession } from '../../hooks/session.tsx';

type Range = '24h' | '7d';
const RANGE_MS: Record<Range, number> = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };
const BUCKET_MS: Record<Range, number> = { '24h': 2 * 60_000, '7d': 30 * 60_000 };

type VitalSeries = Record<string, Point[]>;

const CHARTS: { id: string; title: string; keys: string[]; series: ChartSeries[]; range: [number, number] }[] = [
  { id: 'hr', title: 'Heart rate', keys: ['heartRate'], series: [{ label: 'Heart rate', unit: '/min', color: '#c2410c' }], range: [30, 160] },
  { id: 'rr', title: 'Respiratory rate', keys: ['respiratoryRate'], series: [{ label: 'Respiratory rate', unit: '/min', color: '#0f766e' }], range: [5, 40] },
  { id: 'spo2', title: 'Oxygen saturation', keys: ['spo2'], series: [{ label: 'SpO₂', unit: '%', color: '#1d4ed8' }], range: [80, 100] },
  { id: 'temp', title: 'Temperature', keys: ['temperature'], series: [{ label: 'Temperature', unit: '°C', color: '#9333ea', decimals: 1 }], range: [34, 41] },
  {
    id: 'bp',
    title: 'Blood pressure',
    keys: ['systolic', 'diastolic'],
    series: [
      { label: 'Systolic', unit: 'mmHg', color: '#be123c', kind: 'points' },
      { label: 'Diastolic', unit: 'mmHg', color: '#f472b6', kind: 'points' },
    ],
    range: [40, 200],
  },
];

function useVitals(id: string, range: Range | null) {
  // The path carries the start time: computed once per range choice, not on every render.
  const path = useMemo(() => (range ? `${HC}/patients/${encodeURIComponent(id)}/vitals${queryString({ from: Date.now() - RANGE_MS[range] })}` : null), [id, range]);
  return useResource<{ from: number; to: number; series: Record<string, [number, unknown][]> }>(path);
}

function useNews2(id: string, range: Range) {
  const stable = useMemo(() => `${HC}/patients/${encodeURIComponent(id)}/news2${queryString({ from: Date.now() - RANGE_MS[range] })}`, [id, range]);
  return useResource<{ items: News2Item[] }>(stable);
}

function VitalTiles({ summary, raw, day, now }: { summary: PatientSummary; raw: Record<string, [number, unknown][]>; day: Record<string, [number, unknown][]> | undefined; now: number }) {
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

type VitalsAnswer = { from: number; to: number; series: Record<string, [number, unknown][]> };

function Charts({ id, range, live, day }: { id: string; range: Range; live: { vitals: VitalSeries; news2: News2Item[] }; day: Resource<VitalsAnswer> }) {
  const week = useVitals(id, range === '7d' ? '7d' : null);
  const vitals = range === '24h' ? day : week;
  const news2 = useNews2(id, range);
  const to = Date.now();
  const from = to - RANGE_MS[range];

  const series = useMemo(() => {
    const out: VitalSeries = {};
    for (const [k, pts] of Object.entries(vitals.data?.series ?? {})) {
      const loaded = bucketMean(numericPoints(pts), BUCKET_MS[range]);
      out[k] = range === '24h' ? appendWindow(loaded, live.vitals[k] ?? [], RANGE_MS[range], Date.now(), 20_000) : loaded;
    }
    if (range === '24h') for (const [k, pts] of Object.entries(live.vitals)) out[k] ??= pts;
    return out;
  }, [vitals.data, live.vitals, range]);

  const news2Points = useMemo(() => {
    const byTime = new Map<number, News2Item>();
    for (const n of news2.data?.items ?? []) byTime.set(n.at, n);
    if (range === '24h') for (const n of live.news2) byTime.set(n.at, n);
    return [...byTime.values()].sort((a, b) => a.at - b.at).map((n) => [n.at, n.total] as Point);
  }, [news2.data, live.news2, range]);

  const xRange: [number, number] = [from / 1000, to / 1000];
  if ((vitals.loading && !vitals.data) || (news2.loading && !news2.data)) return <Loading label="Loading charts…" />;
  return (
    <>
      <ErrorNote error={vitals.error ?? news2.error} onRetry={() => (vitals.reload(), news2.reload())} />
      <div className="charts">
        <figure className="chart-box chart-wide">
          <figcaption>NEWS2 aggregate score</figcaption>
          <Chart
            key={`news2-${range}`}
            data={alignSeries({ news2: news2Points }, ['news2'])}
            series={[{ label: 'NEWS2', color: '#1e293b', kind: 'step', width: 2.5, fill: 'rgba(30,41,59,0.06)', showPoints: news2Points.length <= 300 }]}
            // A little below 0, so a run of zero scores shows as a line above the axis.
            ranges={{ y: [-0.6, 15.5] }}
            xRange={xRange}
            height={170}
            guides={[
              { scale: 'y', value: 5, color: '#b45309', label: '5 — urgent review', labelBelow: true },
              { scale: 'y', value: 7, color: '#dc2626', label: '7 — emergency response' },
            ]}
            label={`NEWS2 over the last ${range === '24h' ? '24 hours' : '7 days'}: ${news2Points.length} results, latest ${news2Points.at(-1)?.[1] ?? 'none'}`}
          />
        </figure>
        {CHARTS.map((c) => {
          const n = c.keys.reduce((s, k) => s + (series[k]?.length ?? 0), 0);
          return (
            <figure className="chart-box" key={c.id}>
              <figcaption>{c.title}</figcaption>
              {n ? (
                <Chart
                  key={`${c.id}-${range}`}
                  data={alignSeries(series, c.keys)}
                  series={c.series}
                  ranges={{ y: c.range }}
                  xRange={xRange}
                  height={170}
                  label={`${c.title}: ${n} readings; latest ${c.keys.map((k) => formatNumber(series[k]?.at(-1)?.[1], VITALS[k]?.decimals ?? 0)).join('/')}`}
                />
              ) : (
                <div className="chart-empty">No {c.title.toLowerCase()} readings in this period</div>
              )}
            </figure>
          );
        })}
      </div>
    </>
  );
}

function SendMessage({ id, onSent }: { id: string; onSent: (m: Message) => void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<'message' | 'reminder'>('message');
  const [text, setText] = useState('');
  const send = useAction(async () => {
    const m = await api.post<Message>(`${HC}/patients/${encodeURIComponent(id)}/messages`, { kind, text: text.trim() });
    onSent(m);
    setText('');
    setOpen(false);
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>Send message…</Button>
      <ActionDialog
        open={open}
        title="Message to the patient's hub"
        onClose={() => setOpen(false)}
        actionLabel="Send"
        onAction={() => void send.run()}
        busy={send.busy}
        disabled={!text.trim()}
        variant="primary"
      >
        <Segmented
          label="Kind"
          value={kind}
          options={[
            { value: 'message', label: 'Message' },
            { value: 'reminder', label: 'Reminder' },
          ]}
          onChange={setKind}
        />
        <Field id="msg-text" label="Text shown on the hub" hint={<>{500 - text.length} characters left. Avoid clinical detail: the hub screen may be seen by others.</>}>
          <textarea id="msg-text" rows={3} maxLength={500} value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. Please take a blood pressure reading now." />
        </Field>
        <FormError error={send.error} />
      </ActionDialog>
    </>
  );
}

function deliveryTone(s: CommandStatus): 'ok' | 'warn' | 'bad' | 'info' | 'neutral' {
  if (s === 'done' || s === 'accepted' || s === 'delivered') return 'ok';
  if (s === 'failed' || s === 'expired') return 'bad';
  if (s === 'queued') return 'warn';
  return 'info';
}

function Messages({ id, hubDeviceId }: { id: string; hubDeviceId: string }) {
  const { can } = useSession();
  const now = useNow();
  const res = useResource<{ items: Message[] }>(`${HC}/patients/${encodeURIComponent(id)}/messages`);
  const { mutate } = res;
  const statusOf = useCommandStatuses((c) => c.deviceId === hubDeviceId && c.name === 'message');
  const items = [...(res.data?.items ?? [])]
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 8)
    .map((m) => ({ ...m, status: statusOf(m.id, m.status) }));
  return (
    <Card title="Messages to the home hub" actions={can('commands:send') ? <SendMessage id={id} onSent={(m) => mutate((prev) => ({ items: [m, ...(prev?.items ?? []).filter((x) => x.id !== m.id)] }))} /> : null}>
      <ErrorNote error={res.error} onRetry={res.reload} />
      {items.length ? (
        <ul className="messages">
          {items.map((m) => (
            <li key={m.id} data-testid="message" data-status={m.status}>
              <div className="message-text">
                {m.kind === 'reminder' ? <Pill tone="info">Reminder</Pill> : null} {m.text}
              </div>
              <div className="message-meta">
                <span title={formatDateTime(m.createdAt)}>
                  {handleName(m.createdBy)} · {formatAgo(m.createdAt, now)}
                </span>
                <Pill tone={deliveryTone(m.status)}>{DELIVERY_LABEL[m.status]}</Pill>
              </div>
            </li>
          ))}
        </ul>
      ) : res.loading ? (
        <Loading />
      ) : (
        <p className="muted">No messages sent yet.</p>
      )}
    </Card>
  );
}

function Consent({ id }: { id: string }) {
  const api = useApi();
  const { can } = useSession();
  const res = useResource<ConsentAnswer>(`${HC}/patients/${encodeURIComponent(id)}/consent`);
  const [changing, setChanging] = useState(false);
  const [note, setNote] = useState('');
  const next = res.data?.status === 'given' ? 'withdrawn' : 'given';
  const record = useAction(async () => {
    const a = await api.post<ConsentAnswer>(`${HC}/patients/${encodeURIComponent(id)}/consent`, { status: next, note: note.trim() });
    res.mutate(() => a);
    setChanging(false);
    setNote('');
  });
  const status = res.data?.status;
  return (
    <Card
      title="Consent"
      actions={
        can('consent:manage') && res.data ? (
          <Button onClick={() => setChanging(true)} variant={next === 'withdrawn' ? 'ghost' : 'primary'}>
            {next === 'withdrawn' ? 'Record withdrawal…' : 'Record consent…'}
          </Button>
        ) : null
      }
    >
      <ErrorNote error={res.error} onRetry={res.reload} />
      {res.data ? (
        <>
          <p className="consent-status">
            {status === 'given' ? <Pill tone="ok">Consent given</Pill> : status === 'withdrawn' ? <Pill tone="bad">Consent withdrawn</Pill> : <Pill tone="warn">Not recorded</Pill>}
            {res.data.current ? (
              <span className="muted">
                {' '}
                since {formatDate(res.data.current.at)} · recorded by {handleName(res.data.current.recordedBy)}
              </span>
            ) : null}
          </p>
          {status !== 'given' ? <p className="muted">Without consent, readings from this patient's devices are refused and not stored.</p> : null}
          {res.data.history.length > 1 ? (
            <details>
              <summary>History ({res.data.history.length})</summary>
              <ul className="plain">
                {[...res.data.history].reverse().map((h, i) => (
                  <li key={i}>
                    {formatDateTime(h.at)} — {h.status} {h.note ? `(${h.note})` : ''}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      ) : (
        <Loading />
      )}
      <ActionDialog
        open={changing}
        title={next === 'withdrawn' ? 'Record withdrawal of consent' : 'Record consent'}
        onClose={() => setChanging(false)}
        actionLabel={next === 'withdrawn' ? 'Record withdrawal' : 'Record consent'}
        onAction={() => void record.run()}
        busy={record.busy}
        variant={next === 'withdrawn' ? 'danger' : 'primary'}
      >
        <p>{next === 'withdrawn' ? 'From now on, readings from this patient’s devices will be refused.' : 'Readings from this patient’s devices will be accepted and stored.'}</p>
        <Field id="consent-note" label="Note">
          <textarea id="consent-note" rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="How and when the patient told you" />
        </Field>
        <FormError error={record.error} />
      </ActionDialog>
    </Card>
  );
}

function Devices({ summary, now }: { summary: PatientSummary; now: number }) {
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

function Scenario({ id }: { id: string }) {
  const api = useApi();
  const [scenario, setScenario] = useState<string>('deterioration');
  const [sent, setSent] = useState<string | undefined>();
  const run = useAction(async () => {
    await api.post(`${HC}/patients/${encodeURIComponent(id)}/simulate`, { scenario });
    setSent(SCENARIOS.find((s) => s.value === scenario)?.label ?? scenario);
  });
  return (
    <Card title="Demo scenario" className="card-demo">
      <p className="muted small">Synthetic patient: ask the device simulator to act out a scenario.</p>
      <div className="inline-form">
        <Field id="scenario" label="Scenario" inline>
          <select id="scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {SCENARIOS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </Field>
        <Button busy={run.busy} onClick={() => void run.run()}>
          Run scenario
        </Button>
      </div>
      {run.error ? <Note tone="error">{run.error}</Note> : sent ? <Note tone="success">Sent “{sent}” to the simulator. Watch the score and alarms.</Note> : null}
    </Card>
  );
}

function FhirDownload({ id, identifier }: { id: string; identifier: string }) {
  const api = useApi();
  const dl = useAction(async () => {
    const res = await api.download(`${HC}/patients/${encodeURIComponent(id)}/fhir`);
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${identifier}-fhir-bundle.json`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return (
    <>
      <Button busy={dl.busy} onClick={() => void dl.run()} title="FHIR R4 Bundle of the last 7 days (download is audited)">
        Download FHIR export
      </Button>
      {dl.error ? <span className="form-error">{dl.error}</span> : null}
    </>
  );
}

export function PatientDetail({ id }: { id: string }) {
  const me = useMe();
  const { can } = useSession();
  const now = useNow();
  const [range, setRange] = useState<Range>('24h');
  const rec = useResource<PatientRecord>(`${HC}/patients/${encodeURIComponent(id)}`);
  const { mutate } = rec;
  const alarms = useAlarms({ path: `${HC}/patients/${encodeURIComponent(id)}/alarms`, subject: id });
  const [live, setLive] = useState<{ vitals: VitalSeries; news2: News2Item[]; raw: Record<string, [number, unknown][]> }>({ vitals: {}, news2: [], raw: {} });
  const day = useVitals(id, '24h');

  useRealtimeEvent('hc.vitals', (events) => {
    const mine = events.filter((e) => e.patientId === id);
    if (!mine.length) return;
    setLive((prev) => {
      const vitals = { ...prev.vitals };
      const raw = { ...prev.raw };
      for (const e of mine) {
        for (const [k, v] of Object.entries(e.values)) {
          if (e.implausible?.includes(k)) continue;
          if (typeof v === 'number') vitals[k] = appendWindow(vitals[k] ?? [], [[e.ts, v]], RANGE_MS['24h'], Date.now(), 20_000);
          raw[k] = [...(raw[k] ?? []).slice(-20), [e.ts, v]];
        }
      }
      return { ...prev, vitals, raw };
    });
    mutate((prev) => {
      if (!prev) return prev;
      const last = { ...prev.summary.lastVitals };
      for (const e of mine) {
        for (const [k, v] of Object.entries(e.values)) if (typeof v === 'number' && !e.implausible?.includes(k)) (last as Record<string, number | null>)[k] = v;
        if (last.at === null || e.ts > last.at) last.at = e.ts;
      }
      return { ...prev, summary: { ...prev.summary, lastVitals: last, devices: prev.summary.devices.map((d) => (mine.some((e) => e.deviceId === d.id) ? { ...d, online: true } : d)) } };
    });
  });
  useRealtimeEvent('hc.news2', (e) => {
    if (e.patientId !== id) return;
    const item: News2Item = { id: `live-${e.at}`, at: e.at, total: e.total, band: e.band as News2Band, partial: e.partial, missing: e.missing ?? [], scale: e.scale ?? 1, scores: e.scores ?? {} };
    setLive((prev) => ({ ...prev, news2: [...prev.news2.filter((n) => n.at !== e.at), item].slice(-500) }));
    mutate((prev) => (prev && (!prev.summary.latestNews2 || prev.summary.latestNews2.at <= e.at) ? { ...prev, summary: { ...prev.summary, latestNews2: { total: e.total, band: item.band, partial: e.partial, at: e.at } } } : prev));
  });
  useRealtimeEvent('presence', (e) => mutate((prev) => (prev ? { ...prev, summary: applyPresence([prev.summary], e)[0]! } : prev)));
  useOnReconnect(rec.reload);

  if (rec.error instanceof ApiError && rec.error.status === 404) {
    return (
      <div className="refusal" data-testid="refusal">
        <EmptyState title="Patient not found" icon="⊘">
          <p>There is no patient with this reference at {me.tenant?.name ?? 'your organisation'}.</p>
          <Link to="/care/patients">Back to the patient board</Link>
        </EmptyState>
      </div>
    );
  }
  if (!rec.data) {
    return (
      <div className="page">
        <ErrorNote error={rec.error} onRetry={rec.reload} />
        {!rec.error ? <Loading label="Loading patient…" /> : null}
      </div>
    );
  }

  const { patient: p, summary } = rec.data;
  const info = bandInfo(summary.latestNews2?.band);
  const open = filterAlarms(alarms.alarms ?? [], 'all').slice(0, 12);

  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/care/patients">Patient board</Link> <span aria-hidden="true">›</span> <span aria-current="page">{summary.displayName}</span>
      </nav>
      <PageHeader
        title={summary.displayName}
        subtitle={
          <>
            {summary.age} years · {p.sex} · born {p.birthDate} · <span className="mono">{p.identifier}</span>
            {p.conditions.length ? ` · ${p.conditions.map((c) => CONDITION_LABEL[c] ?? c).join(', ')}` : ''}
          </>
        }
        actions={
          <>
            {can('export:fhir') ? <FhirDownload id={id} identifier={p.identifier} /> : null}
          </>
        }
      />
      <section className={`news2-panel band-${summary.latestNews2?.band ?? 'none'}`} aria-label="Current NEWS2" data-testid="news2-panel">
        <News2Badge news2={summary.latestNews2} size="lg" />
        <div className="news2-panel-text">
          <div className="news2-panel-title">{info ? `${info.label} clinical risk` : 'No NEWS2 score yet'}</div>
          <div>{info?.response ?? 'A score appears once an observation set has been received.'}</div>
          <div className="muted small">
            {summary.latestNews2 ? `Scored ${formatTime(summary.latestNews2.at)}${summary.latestNews2.partial ? ' from a partial set (missing parameters score as normal)' : ''}` : ''}
            {` · SpO₂ scale ${p.settings.scale}${p.settings.scale === 2 ? ' (prescribed 88–92 % target)' : ''} · observations every ${p.settings.monitoringMinutes} min`}
          </div>
        </div>
      </section>
      <VitalTiles summary={summary} raw={live.raw} day={day.data?.series} now={now} />
      <Card title="Trends" actions={<Segmented label="Period" value={range} options={[{ value: '24h', label: '24 hours' }, { value: '7d', label: '7 days' }]} onChange={setRange} />}>
        <Charts id={id} range={range} live={live} day={day} />
      </Card>
      <div className="grid-2">
        <div className="stack">
          <Card title="Alarms">
            <ErrorNote error={alarms.error} onRetry={alarms.reload} />
            {alarms.alarms ? (
              <AlarmList
                alarms={open}
                canAck={can('alarms:ack')}
                onAck={alarms.acknowledge}
                describeSource={(a) => (a.source.startsWith('device:') ? `${DEVICE_LABEL[String(a.detail.kind)] ?? 'Device'} ${handleName(a.source)}` : null)}
                empty="No alarms for this patient"
              />
            ) : (
              <Loading />
            )}
          </Card>
          <Messages id={id} hubDeviceId={p.hubDeviceId} />
        </div>
        <div className="stack">
          <Devices summary={summary} now={now} />
          <Consent id={id} />
          <Card title="Care team">
            <KeyValues
              items={[
                ['Care team', p.careTeam.length ? p.careTeam.join(', ') : '—'],
                ['Enrolled', formatDate(p.createdAt)],
                ['Escalation', p.settings.escalateAfterMinutes ? `Critical alarms escalate after ${p.settings.escalateAfterMinutes} min unacknowledged` : 'Critical alarms escalate after the service’s standard delay'],
              ]}
            />
          </Card>
          {p.demo && can('commands:send') ? <Scenario id={id} /> : null}
        </div>
      </div>
    </div>
  );
}
