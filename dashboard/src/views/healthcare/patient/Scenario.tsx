// Demo patients only: ask the simulator to act out a scenario.
import { useState } from 'react';
import { Field } from '../../../components/forms.tsx';
import { Button, Card, Note } from '../../../components/ui.tsx';
import { HC, SCENARIOS } from '../../../lib/healthcare.ts';
import { useAction } from '../../../hooks/resource.ts';
import { useApi } from '../../../hooks/session.tsx';

export function Scenario({ id }: { id: string }) {
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
