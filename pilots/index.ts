// The pilots this distribution hosts. Adding a pilot: write pilots/<name>/index.ts exporting a
// `Pilot` and list it here; platform/ does not change.
import type { Pilot } from '../platform/pilot.ts';
import { healthcarePilot } from './healthcare/index.ts';
import { lightingPilot } from './lighting/index.ts';

export async function loadPilots(): Promise<Pilot[]> {
  return [healthcarePilot, lightingPilot];
}
