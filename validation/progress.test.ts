import { describe, expect, it } from 'vitest';
import { scenarioFinished, scenarioStarted, startProgress } from './progress.ts';

describe('validation run progress', () => {
  it('follows scenarios as they start and finish', () => {
    let p = startProgress(3);
    expect(p).toEqual({ total: 3, done: 0, pass: 0, fail: 0, notRun: 0, current: null });
    p = scenarioStarted(p, { id: 'a.one', title: 'One' });
    expect(p.current).toEqual({ id: 'a.one', title: 'One' });
    p = scenarioFinished(p, { id: 'a.one', status: 'pass' });
    expect(p).toMatchObject({ done: 1, pass: 1, current: null });
    p = scenarioFinished(scenarioStarted(p, { id: 'b.two', title: 'Two' }), { id: 'b.two', status: 'fail' });
    p = scenarioFinished(scenarioStarted(p, { id: 'c.three', title: 'Three' }), { id: 'c.three', status: 'not-run' });
    expect(p).toEqual({ total: 3, done: 3, pass: 1, fail: 1, notRun: 1, current: null });
  });
  it('a result of another scenario leaves the current one shown', () => {
    const p = scenarioFinished(scenarioStarted(startProgress(2), { id: 'b', title: 'B' }), { id: 'a', status: 'pass' });
    expect(p.current).toEqual({ id: 'b', title: 'B' });
  });
});
