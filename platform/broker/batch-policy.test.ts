import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decideBatch, smooth, type LaneView } from './batch-policy.ts';

const limits = { batchSize: 10, batchMs: 5 };
const view = (v: Partial<LaneView>): LaneView => ({
  waiting: 1,
  inFlight: false,
  waitedMs: 0,
  arrivalGapMs: undefined,
  commitMs: undefined,
  force: false,
  ...v,
});

describe('batching policy (commit delay that adapts)', () => {
  it.each<[string, Partial<LaneView>, ReturnType<typeof decideBatch>]>([
    ['nothing waits', { waiting: 0 }, { kind: 'idle' }],
    ['first reading ever, idle lane', {}, { kind: 'commit-this-turn' }],
    ['idle lane, readings slower than a commit', { arrivalGapMs: 5, commitMs: 1 }, { kind: 'commit-this-turn' }],
    ['idle lane, no commit measured yet', { arrivalGapMs: 0.1 }, { kind: 'commit-this-turn' }],
    ['readings faster than a commit: gather', { arrivalGapMs: 0.2, commitMs: 1, waitedMs: 1 }, { kind: 'wait', ms: 4 }],
    ['gathering, window over', { arrivalGapMs: 0.2, commitMs: 1, waitedMs: 5 }, { kind: 'commit' }],
    ['gathering, batch full', { arrivalGapMs: 0.2, commitMs: 1, waiting: 10 }, { kind: 'commit' }],
    ['gathering, forced (drain or timer)', { arrivalGapMs: 0.2, commitMs: 1, force: true }, { kind: 'commit' }],
    ['commit in flight', { inFlight: true }, { kind: 'await-commit' }],
    ['commit in flight, batch full', { inFlight: true, waiting: 50, force: true }, { kind: 'await-commit' }],
    ['gap equal to commit time counts as idle', { arrivalGapMs: 1, commitMs: 1 }, { kind: 'commit-this-turn' }],
  ])('%s', (_name, v, expected) => {
    expect(decideBatch(view(v), limits)).toEqual(expected);
  });

  const anyView = fc.record({
    waiting: fc.integer({ min: 0, max: 1000 }),
    inFlight: fc.boolean(),
    waitedMs: fc.double({ min: 0, max: 100, noNaN: true }),
    arrivalGapMs: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
    commitMs: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
    force: fc.boolean(),
  });
  const anyLimits = fc.record({ batchSize: fc.integer({ min: 1, max: 1000 }), batchMs: fc.double({ min: 0, max: 50, noNaN: true }) });

  it('never starts a second commit on a lane, never waits past the window, never waits on a full batch', () => {
    fc.assert(
      fc.property(anyView, anyLimits, (v, l) => {
        const d = decideBatch(v, l);
        if (v.waiting === 0) return d.kind === 'idle';
        if (v.inFlight) return d.kind === 'await-commit';
        if (d.kind === 'wait') {
          return d.ms > 0 && v.waitedMs + d.ms <= l.batchMs && v.waiting < l.batchSize && !v.force;
        }
        // A full batch, a forced commit or an ended window commits now; otherwise this turn.
        const due = v.force || v.waiting >= l.batchSize || v.waitedMs >= l.batchMs;
        return d.kind === (due ? 'commit' : 'commit-this-turn');
      }),
    );
  });

  it('waits only when readings arrive faster than a commit takes', () => {
    fc.assert(
      fc.property(anyView, anyLimits, (v, l) => {
        const d = decideBatch(v, l);
        if (d.kind !== 'wait') return true;
        return v.arrivalGapMs !== undefined && v.commitMs !== undefined && v.arrivalGapMs < v.commitMs;
      }),
    );
  });

  it('an idle lane with something waiting always commits at once, never after a timer', () => {
    fc.assert(
      fc.property(anyView, anyLimits, (v, l) => {
        const idle = { ...v, inFlight: false, waiting: Math.max(1, v.waiting), arrivalGapMs: undefined };
        return ['commit', 'commit-this-turn'].includes(decideBatch(idle, l).kind);
      }),
    );
  });

  it('smooths samples: the first one as is, then a step towards each new one', () => {
    expect(smooth(undefined, 7)).toBe(7);
    expect(smooth(10, 0)).toBeCloseTo(8);
    expect(smooth(10, 20, 0.5)).toBe(15);
  });
});
