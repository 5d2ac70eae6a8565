// Demo patients only: ask the simulator to act out a scenario, set the demo's speed, and follow a
// deterioration under way (its progress and when the alarm is expected at the current speed). The
// scenario's start is the hub's last `simulate` command, read from the server, so the progress
// survives navigation and reload.
import { useEffect, useState } from 'react';
import { Field } from '../../../components/forms.tsx';
import { Button, Card, Note } from '../../../components/ui.tsx';
import { deteriorationProgress, SPEEDS, speedLabel, type DemoSpeedState } from '../../../lib/demo.ts';
import { formatDuration, formatTime } from '../../../lib/format.ts';
import { HC, SCENARIOS } from '../../../lib/healthcare.ts';
import type { Command } from '../../../lib/types.ts';
import { useAction, useResource } from '../../../hooks/resource.ts';
import { useApi } from '../../../hooks/session.tsx';
import { known, useT } from '../../../i18n/index.tsx';

const SPEED_PATH = '/demo/speed';

/** Re-renders every second while `on`. */
function useTicker(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [on]);
  return on ? now : Date.now();
}

function DemoSpeed({ state, onChange }: { state: DemoSpeedState; onChange: (s: DemoSpeedState) => void }) {
  const api = useApi();
  const { t } = useT();
  const set = useAction(async (speed: number) => onChange(await api.put<DemoSpeedState>(SPEED_PATH, { speed })));
  const options = [...new Set([...SPEEDS, state.speed])].sort((a, b) => a - b);
  return (
    <div className="inline-form">
      <Field id="demo-speed" label={t('scenario.speed')} inline hint={t('scenario.speedHint')}>
        <select id="demo-speed" value={String(state.speed)} disabled={set.busy} onChange={(e) => void set.run(Number(e.target.value))}>
          {options.map((s) => (
            <option key={s} value={String(s)}>
              {speedLabel(s)}
              {s === 1 ? t('scenario.realTime') : ''}
            </option>
          ))}
        </select>
      </Field>
      {set.error ? <Note tone="error">{set.error}</Note> : null}
    </div>
  );
}

function Progress({ started, speed }: { started: Command; speed: DemoSpeedState }) {
  const now = useTicker(true);
  const { t } = useT();
  const p = deteriorationProgress(speed, started.createdAt, now);
  const pct = Math.round(p.fraction * 100);
  return (
    <div className="scenario-progress" data-testid="scenario-progress">
      <label htmlFor="deterioration-progress" className="small">
        {t('scenario.started', { time: formatTime(started.createdAt), pct })}
      </label>
      <progress id="deterioration-progress" max={100} value={pct} />
      <p className="small" data-testid="scenario-eta">
        {p.fraction >= 1
          ? t('scenario.complete')
          : t('scenario.expected', { time: formatTime(now + p.remainingMs), left: formatDuration(p.remainingMs), speed: speedLabel(p.speed) })}
      </p>
    </div>
  );
}

export function Scenario({ id, hubDeviceId }: { id: string; hubDeviceId?: string }) {
  const api = useApi();
  const { t } = useT();
  const [scenario, setScenario] = useState<string>('deterioration');
  const [sent, setSent] = useState<string | undefined>();
  const speed = useResource<DemoSpeedState>(SPEED_PATH);
  const commands = useResource<{ items: Command[] }>(hubDeviceId ? `/commands?deviceId=${encodeURIComponent(hubDeviceId)}&limit=50` : null);
  const run = useAction(async () => {
    await api.post(`${HC}/patients/${encodeURIComponent(id)}/simulate`, { scenario });
    setSent(scenario);
    commands.reload();
  });
  // The hub's newest scenario; a deterioration shows its progress until another scenario follows.
  const last = commands.data?.items.find((c) => c.name === 'simulate');
  const deteriorating = last && last.payload.scenario === 'deterioration' && last.status !== 'failed' && last.status !== 'expired' ? last : undefined;
  return (
    <Card title={t('scenario.title')} className="card-demo">
      <p className="muted small">{t('scenario.intro')}</p>
      {speed.data ? <DemoSpeed state={speed.data} onChange={(s) => speed.mutate(() => s)} /> : null}
      <div className="inline-form">
        <Field id="scenario" label={t('scenario.scenario')} inline>
          <select id="scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {SCENARIOS.map((s) => (
              <option key={s} value={s}>
                {t(`scenarioName.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Button busy={run.busy} onClick={() => void run.run()}>
          {t('scenario.run')}
        </Button>
      </div>
      {run.error ? <Note tone="error">{run.error}</Note> : sent ? <Note tone="success">{t('scenario.sent', { name: known(t, `scenarioName.${sent}`, sent) })}</Note> : null}
      {deteriorating && speed.data ? <Progress started={deteriorating} speed={speed.data} /> : null}
    </Card>
  );
}
