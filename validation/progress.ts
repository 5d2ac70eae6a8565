// The progress of a validation run as the dashboard shows it (platform/contract.ts RunProgress),
// folded from the runner's onStart and onResult events.
import type { RunProgress } from '../platform/contract.ts';
import type { ScenarioResult } from './types.ts';

export const startProgress = (total: number): RunProgress => ({ total, done: 0, pass: 0, fail: 0, notRun: 0, current: null });

export function scenarioStarted(p: RunProgress, s: { id: string; title: string }): RunProgress {
  return { ...p, current: { id: s.id, title: s.title } };
}

export function scenarioFinished(p: RunProgress, r: Pick<ScenarioResult, 'id' | 'status'>): RunProgress {
  return {
    ...p,
    done: p.done + 1,
    pass: p.pass + (r.status === 'pass' ? 1 : 0),
    fail: p.fail + (r.status === 'fail' ? 1 : 0),
    notRun: p.notRun + (r.status === 'not-run' ? 1 : 0),
    current: p.current?.id === r.id ? null : p.current,
  };
}
