// Public API of the lighting pilot's domain logic: pure functions, no I/O, time passed in explicitly.
export * from './model.ts';
export * from './power.ts';
export * from './astro.ts';
export * from './schedule.ts';
export * from './commands.ts';
export * from './failures.ts';
export * from './energy.ts';
export * from './energy-rollup.ts';
export {
  addDays,
  isValidTimeZone,
  localDate,
  localMonth,
  localParts,
  offsetAt,
  startOfLocalDay,
  zonedTimeToUtc,
  type LocalParts,
  type WallTimeResolution,
} from './tz.ts';
