// The contract is declared apart from the runtime (so the dashboard reads it without Node types):
// these checks, made by the type checker, hold the runtime's answers to it. A change on either side
// that makes them differ fails `npx tsc` (and so `npm test`).
import { describe, expect, it } from 'vitest';
import type { CabinetView, CommandAnswer, GroupView, InstallationView, LampDetailView, ScheduleEvent, SchedulePreview, SimulateScenario } from './contract.ts';
import type { ScheduleAdmin } from './schedule-admin.ts';
import type { SimulateScenario as RuntimeScenario, Switching } from './switching.ts';
import type { LightingViews } from './views.ts';
import type { PlannedSwitch } from './scheduler.ts';

/** true when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const checks = {
  installation: true satisfies Same<ReturnType<LightingViews['installation']>, InstallationView>,
  lampDetail: true satisfies Same<Awaited<ReturnType<LightingViews['lampDetail']>>, LampDetailView>,
  cabinet: true satisfies Same<ReturnType<LightingViews['cabinetView']>, CabinetView>,
  group: true satisfies Same<ReturnType<LightingViews['groups']>[number], GroupView>,
  preview: true satisfies Same<ReturnType<ScheduleAdmin['preview']>, SchedulePreview>,
  command: true satisfies Same<Awaited<ReturnType<Switching['sendCommand']>>, CommandAnswer>,
  scenario: true satisfies Same<RuntimeScenario, SimulateScenario>,
  switchEvent: true satisfies Same<Omit<PlannedSwitch, 'lampIds'> & { event: 'switch'; lamps: number; batchId: string }, Extract<ScheduleEvent, { event: 'switch' }>>,
};

describe('the lighting contract', () => {
  it('matches what the runtime answers (checked by the type checker)', () => {
    expect(Object.values(checks).every(Boolean)).toBe(true);
  });
});
