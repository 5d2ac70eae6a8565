// The demo's speed while it runs: one factor for every demo simulator, changed from the dashboard
// (platform/api/routes/demo.ts) and applied by whoever runs the simulators (scripts/demo-fleets.ts
// writes `speed N` to each simulator's input). The changes are kept with their times, so a
// running scenario's progress can be worked out across them (dashboard/src/lib/demo.ts).

/** Length of a deterioration at speed 1 (the healthcare simulator's default, 30 min). */
export const DETERIORATION_MS_AT_SPEED_1 = 30 * 60_000;
/** Largest speed the dashboard may set (CUSTODIA_DEMO_SPEED's bound). */
export const MAX_DEMO_SPEED = 1000;

export interface DemoSpeedState {
  speed: number;
  /** Every speed since start with the time it took effect, oldest first (the first is the start's). */
  changes: { at: number; speed: number }[];
  /** How long a deterioration takes at speed 1 (ms). */
  deteriorationMs: number;
  /** Whether simulators are running to follow it. */
  simulators: boolean;
}

export interface DemoSpeed {
  state(): DemoSpeedState;
  set(speed: number): Promise<DemoSpeedState>;
  /** The function that makes the simulators follow (set once they run). */
  attach(apply: (speed: number) => Promise<void>): void;
}

const KEEP_CHANGES = 50;

export function createDemoSpeed(initial: number, now: () => number = Date.now): DemoSpeed {
  const changes = [{ at: now(), speed: initial }];
  let apply: ((speed: number) => Promise<void>) | null = null;
  const state = (): DemoSpeedState => ({ speed: changes.at(-1)!.speed, changes: [...changes], deteriorationMs: DETERIORATION_MS_AT_SPEED_1, simulators: apply !== null });
  return {
    state,
    async set(speed) {
      if (!(speed > 0 && speed <= MAX_DEMO_SPEED)) throw new RangeError(`speed must be above 0 and at most ${MAX_DEMO_SPEED}`);
      await apply?.(speed);
      changes.push({ at: now(), speed });
      if (changes.length > KEEP_CHANGES) changes.splice(0, changes.length - KEEP_CHANGES);
      return state();
    },
    attach(fn) {
      apply = fn;
    },
  };
}
