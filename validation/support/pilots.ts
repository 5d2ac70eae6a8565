// The pilots a scenario can boot, with scenario-specific options (accelerated clocks, short
// escalation times). Pilots are found through the distribution's list (pilots/index.ts) and their
// factories are imported by path, so a pilot that is not part of this build makes its scenarios
// "not-run" instead of breaking the runner's import graph.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Pilot } from '../../platform/pilot.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Factory export of each known pilot: `create<Name>Pilot(options)`. */
const FACTORIES: Record<string, string> = {
  healthcare: 'createHealthcarePilot',
  lighting: 'createLightingPilot',
};

type Factory = (options?: Record<string, unknown>) => Pilot;

async function importPilotModule(id: string): Promise<Record<string, unknown> | null> {
  const file = join(ROOT, 'pilots', id, 'index.ts');
  if (!existsSync(file)) return null;
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** Ids of the pilots this distribution hosts (pilots/index.ts `loadPilots`). */
export async function availablePilots(): Promise<string[]> {
  const registry = (await import(pathToFileURL(join(ROOT, 'pilots', 'index.ts')).href)) as { loadPilots(): Promise<Pilot[]> };
  const listed = (await registry.loadPilots()).map((p) => p.id);
  // A pilot whose module exists but is not listed yet still counts: the list is edited last. A
  // module that exists but fails to load is an error, not an absent pilot.
  for (const id of Object.keys(FACTORIES)) {
    if (!listed.includes(id) && (await importPilotModule(id))?.[FACTORIES[id]!]) listed.push(id);
  }
  return listed;
}

/** A fresh instance of a pilot with the given options. */
export async function createPilot(id: string, options: Record<string, unknown> = {}): Promise<Pilot> {
  const mod = await importPilotModule(id);
  const factory = mod?.[FACTORIES[id] ?? ''] as Factory | undefined;
  if (factory) return factory(options);
  const registry = (await import(pathToFileURL(join(ROOT, 'pilots', 'index.ts')).href)) as { loadPilots(): Promise<Pilot[]> };
  const listed = (await registry.loadPilots()).find((p) => p.id === id);
  if (!listed) throw new Error(`pilot ${id} is not part of this distribution`);
  if (Object.keys(options).length) throw new Error(`pilot ${id} has no factory taking options`);
  return listed;
}
