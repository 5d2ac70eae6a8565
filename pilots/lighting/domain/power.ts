// The lamp power model shared by failure detection, energy savings and the simulator's physics.
//
//   level = 0 (off)           P = standbyPower                       (driver and node idle)
//   0 < level < minDimLevel   runs at minDimLevel (the driver cannot dim lower)
//   level > 0                 P = driverLoss + powerRating × level / 100
//
// A constant driver loss plus a load proportional to the dim level is the usual first-order model
// of an LED driver's input power; real drivers are slightly less efficient at low load, which the
// failure thresholds (50 % / 120 % of expected) leave ample room for.
import type { LampModel } from './model.ts';

/** The level the driver actually runs at for a commanded level. */
export function drivenLevel(model: Pick<LampModel, 'minDimLevel'>, level: number): number {
  if (level <= 0) return 0;
  return Math.min(100, Math.max(level, model.minDimLevel));
}

/** Expected input power in W of a healthy lamp at `level` percent. */
export function expectedPower(
  model: Pick<LampModel, 'powerRating' | 'driverLoss' | 'standbyPower' | 'minDimLevel'>,
  level: number,
): number {
  const l = drivenLevel(model, level);
  if (l === 0) return model.standbyPower;
  return model.driverLoss + (model.powerRating * l) / 100;
}

/** Expected input power in W at full output: the undimmed baseline of the savings calculation. */
export function fullPower(model: Pick<LampModel, 'powerRating' | 'driverLoss'>): number {
  return model.driverLoss + model.powerRating;
}
