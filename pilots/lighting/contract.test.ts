// The contract is declared apart from the runtime (so the dashboard reads it without Node types):
// these checks, made by the type checker, hold the runtime's answers to it. A change on either side
// that makes them differ fails `npx tsc` (and so `npm test`).
import { describe, expect, it } from 'vitest';
import type { CabinetView, CommandAnswer, GroupView, InstallationView, LampDetailView, ScheduleEvent, SchedulePreview, SimulateScenario } from './contract.ts';
import type { SimulateScenario as RuntimeScenario, TenantRuntime } from './runtime.ts';
import type { PlannedSwitch } from './scheduler.ts';

/** true when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const checks = {
  installation: true satisfies Same<ReturnType<TenantRuntime['installation']>, InstallationView>,
  lampDetail: true satisfies Same<Awaited<ReturnType<TenantRuntime['lampDetail']>>, LampDetailView>,
  cabinet: true satisfies Same<ReturnType<TenantRuntime['cabinetView']>, CabinetView>,
  group: true satisfies Same<ReturnType<TenantRuntime['groups']>[number], GroupView>,
  preview: true satisfies Same<ReturnType<TenantRuntime['preview']>, SchedulePreview>,
  command: true satisfies Same<Awaited<ReturnType<TenantRuntime['sendCommand']>>, CommandAnswer>,
  scenario: true satisfies Same<RuntimeScenario, SimulateScenario>,
  switchEvent: true satisfies Same<Omit<PlannedSwitch, 'lampIds'> & { event: 'switch'; lamps: number; batchId: string }, Extract<ScheduleEvent, { event: 'switch' }>>,
};

describe('the lighting contract', () => {
  it('matches what the runtime answers (checked by the type checker)', () => {
    expect(Object.values(checks).every(Boolean)).toBe(true);
  });
});
