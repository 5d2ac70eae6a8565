// What the modules of one tenant's lighting runtime share (runtime.ts builds it): the pilot's
// context and options, the tenant's inventory, schedules and overrides, live state and alarm view,
// and the tenant's serial queue. Inventory and schedule book are replaced whole when a cluster
// node re-reads them from the store (schedule-runner.ts), so modules read them from here each time.
import type { PilotContext } from '../../platform/pilot.ts';
import type { LightingEvents } from './contract.ts';
import type { AlarmBook } from './detection.ts';
import type { Inventory } from './inventory.ts';
import type { LightingOptions } from './options.ts';
import type { ScheduleBook } from './schedules.ts';
import type { LiveState } from './state.ts';

/** The context as the runtime uses it: its realtime events typed by the pilot's contract. */
export type LightingContext = PilotContext<LightingEvents>;

export interface TenantParts {
  readonly tenantId: string;
  readonly ctx: LightingContext;
  readonly opts: LightingOptions;
  /** The pilot's clock. */
  readonly now: () => number;
  inventory: Inventory;
  book: ScheduleBook;
  readonly state: LiveState;
  readonly alarms: AlarmBook;
  /** Runs `fn` after everything queued before it in this tenant (alarm and override updates). */
  serial<T>(fn: () => Promise<T>): Promise<T>;
}
