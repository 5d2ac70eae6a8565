// Demo installation: a fictional seaside town ("Porto Lumen") laid out as a street grid, with
// control cabinets of about twelve lamps each, one group per street or park, three LED models and a
// night programme assigned to every group. Everything is synthetic and seeded (a seed reproduces
// the same town). The coordinates are real-ish (41.39 N, 2.17 E, Europe/Madrid) only so that the
// astronomical clock gives plausible dusk and dawn; coordinates of a street lamp are not personal data.
import { Faker, base, en } from '@faker-js/faker';
import type { DemoProvision } from '../../platform/pilot.ts';
import type { Cabinet, Group, Lamp, LampModel, Phase, Schedule } from './domain/index.ts';
import type { InstallationRecord } from './inventory.ts';

export const DEMO_SITE = { latitude: 41.39, longitude: 2.17, timeZone: 'Europe/Madrid' } as const;
const LAMPS_PER_GROUP = 10;
const LAMPS_PER_CABINET = 12;
/** SVG units are metres: 1 m is about 1/111 320 of a degree of latitude. */
const DEG_PER_M_LAT = 1 / 111_320;
const DEG_PER_M_LON = 1 / (111_320 * Math.cos((DEMO_SITE.latitude * Math.PI) / 180));

const STREETS = [
  'Lantern Street', 'Harbour Avenue', 'Mill Road', 'Orchard Lane', 'Quay Street', 'Bell Street', 'Salt Row',
  'Beacon Way', 'Copper Street', 'Tide Avenue', 'Rope Walk', 'Chapel Hill', 'Market Street', 'Foundry Lane',
  'Sail Street', 'Pier Road', 'Anchor Street', 'Net Makers Lane', 'Breakwater Avenue', 'Signal Road',
];
const PARKS = ['Fountain Park', 'Olive Grove Park', 'Lighthouse Gardens', 'Riverside Park', 'Pine Park', 'Dune Gardens'];

/** LED luminaires of 30, 60 and 100 W (side streets and parks, streets, avenues). */
export const DEMO_MODELS: LampModel[] = [
  { id: 'led-30', name: 'LED 30 W', lampTechnology: 'LED', powerRating: 30, driverLoss: 2, standbyPower: 0.5, minDimLevel: 10, luminousFlux: 4_200, colorTemperature: 3000, maxDriverTemperature: 85 },
  { id: 'led-60', name: 'LED 60 W', lampTechnology: 'LED', powerRating: 60, driverLoss: 4, standbyPower: 0.5, minDimLevel: 10, luminousFlux: 8_400, colorTemperature: 3000, maxDriverTemperature: 85 },
  { id: 'led-100', name: 'LED 100 W', lampTechnology: 'LED', powerRating: 100, driverLoss: 6, standbyPower: 0.6, minDimLevel: 10, luminousFlux: 14_000, colorTemperature: 4000, maxDriverTemperature: 85 },
];

/**
 * Full output from sunset, 50 % from 23:00 when the streets empty, full again for the early
 * commute at 05:30, off at sunrise: a common "midnight dimming" programme for residential streets.
 */
export function demoSchedule(tenantId: string, groupIds: readonly string[]): Schedule {
  return {
    id: `${tenantId}-night-programme`,
    // The levels live in the steps (and the console shows them); a name that repeated them would
    // go stale at the first edit.
    name: 'Night programme',
    steps: [
      { at: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, level: 100 },
      { at: { kind: 'fixed', time: '23:00' }, level: 50 },
      { at: { kind: 'fixed', time: '05:30' }, level: 100 },
      { at: { kind: 'astro', event: 'sunrise', offsetMinutes: 0 }, level: 0 },
    ],
    exceptions: [],
    assignedGroups: [...groupIds],
    dayStart: '12:00',
  };
}

export interface DemoInventory {
  installation: InstallationRecord;
  cabinets: Cabinet[];
  groups: Group[];
  models: LampModel[];
  lamps: Lamp[];
  schedule: Schedule;
  /** Phase of each lamp (its feeder's), for the simulator's cabinet meter. */
  phases: Record<string, Phase>;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Device ids are unique across the platform, so they carry the tenant id (≤ 40 characters);
 *  group and schedule ids do too, so that no id of one tenant's town reads like another's. */
export const lampIdOf = (tenantId: string, n: number) => `${tenantId}-lamp-${pad(n, 4)}`;
export const cabinetIdOf = (tenantId: string, n: number) => `${tenantId}-cab-${pad(n, 3)}`;
export const groupIdOf = (tenantId: string, n: number) => `${tenantId}-grp-${pad(n, 2)}`;

/** The demo town for `lamps` lamps (pure: same inputs, same town). */
export function buildDemoInventory(opts: { tenantId: string; seed: number; lamps: number; cabinets?: number }): DemoInventory {
  const f = new Faker({ locale: [en, base] });
  f.seed(opts.seed);
  const n = opts.lamps;
  const groupCount = Math.max(1, Math.ceil(n / LAMPS_PER_GROUP));
  const cabinetCount = Math.min(n, Math.max(1, opts.cabinets ?? Math.ceil(n / LAMPS_PER_CABINET)));
  const installationId = 'porto-lumen';
  const streets = f.helpers.shuffle([...STREETS]);
  const parks = f.helpers.shuffle([...PARKS]);
  // Blocks of rows: a few columns so that large towns stay roughly square on screen.
  const columns = Math.max(1, Math.ceil(Math.sqrt(groupCount) / 2));
  const rowsPerColumn = Math.ceil(groupCount / columns);
  const COLUMN_W = 700;
  const ROW_H = 70;
  const geo = (x: number, y: number) => ({
    latitude: round(DEMO_SITE.latitude - y * DEG_PER_M_LAT, 6),
    longitude: round(DEMO_SITE.longitude + x * DEG_PER_M_LON, 6),
  });

  const groups: Group[] = [];
  const lamps: Lamp[] = [];
  const groupModel: string[] = [];
  let streetNo = 0;
  let parkNo = 0;
  for (let g = 0; g < groupCount; g++) {
    const park = g % 4 === 3;
    const pool = park ? parks : streets;
    const k = park ? parkNo++ : streetNo++;
    const round_ = Math.floor(k / pool.length);
    const name = `${pool[k % pool.length]}${round_ ? ` ${round_ + 1}` : ''}`;
    groups.push({ id: groupIdOf(opts.tenantId, g + 1), installationId, name, kind: park ? 'park' : 'street' });
    groupModel.push(park ? 'led-30' : f.datatype.boolean({ probability: 0.3 }) ? 'led-100' : 'led-60');
  }
  for (let i = 0; i < n; i++) {
    const g = Math.floor(i / LAMPS_PER_GROUP);
    const j = i % LAMPS_PER_GROUP;
    const group = groups[g]!;
    const col = Math.floor(g / rowsPerColumn);
    const row = g % rowsPerColumn;
    const x = round(col * COLUMN_W + 50 + j * 60 + f.number.float({ min: -4, max: 4 }), 1);
    const wave = group.kind === 'park' ? 18 * Math.sin(j * 1.3) : 0;
    const y = round(60 + row * ROW_H + wave + f.number.float({ min: -2, max: 2 }), 1);
    lamps.push({
      id: lampIdOf(opts.tenantId, i + 1),
      installationId,
      name: `${group.name} ${j + 1}`,
      modelId: groupModel[g]!,
      cabinetId: '', // set below
      groupId: group.id,
      position: { x, y },
      ...geo(x, y),
      burningHours: f.number.int({ min: 500, max: 20_000 }),
      switchCount: f.number.int({ min: 200, max: 5_000 }),
      status: 'ok',
      powerState: 'off',
      illuminanceLevel: 0,
    });
  }

  // Cabinets feed contiguous runs of lamps; each lamp goes on the next phase of its cabinet.
  const cabinets: Cabinet[] = [];
  const phases: Record<string, Phase> = {};
  for (let c = 0; c < cabinetCount; c++) {
    const first = Math.floor((c * n) / cabinetCount);
    const last = Math.floor(((c + 1) * n) / cabinetCount);
    const fed = lamps.slice(first, last);
    const id = cabinetIdOf(opts.tenantId, c + 1);
    const cx = round(fed.reduce((s, l) => s + l.position.x, 0) / fed.length, 1);
    const cy = round(fed.reduce((s, l) => s + l.position.y, 0) / fed.length + 22, 1);
    const feeders = (['L1', 'L2', 'L3'] as const).map((phase) => ({ id: `${id}-${phase.toLowerCase()}`, phase, ratedCurrent: 16 }));
    fed.forEach((l, k) => {
      const feeder = feeders[k % 3]!;
      l.cabinetId = id;
      l.feederId = feeder.id;
      phases[l.id] = feeder.phase;
    });
    cabinets.push({
      id,
      installationId,
      name: `Cabinet ${pad(c + 1, 3)}`,
      position: { x: cx, y: cy },
      ...geo(cx, cy),
      feeders,
      energyMeterId: `${id}-meter`,
      workingMode: 'automatic',
      maximumPowerAvailable: 15_000,
      mainsPresent: true,
      doorOpen: false,
    });
  }
  for (const group of groups) {
    const cabs = new Set(lamps.filter((l) => l.groupId === group.id).map((l) => l.cabinetId));
    if (cabs.size === 1) group.cabinetId = [...cabs][0]!;
  }
  const xs = [...lamps, ...cabinets].map((p) => p.position.x);
  const ys = [...lamps, ...cabinets].map((p) => p.position.y);
  const installation: InstallationRecord = {
    id: installationId,
    name: 'Porto Lumen',
    ...DEMO_SITE,
    bounds: { minX: 0, minY: 0, maxX: Math.ceil(Math.max(...xs) + 50), maxY: Math.ceil(Math.max(...ys) + 50) },
  };
  return {
    installation,
    cabinets,
    groups,
    models: DEMO_MODELS.map((m) => ({ ...m })),
    lamps,
    schedule: demoSchedule(opts.tenantId, groups.map((g) => g.id)),
    phases,
  };
}

/** What the lighting simulator needs besides the devices' credentials. */
export interface LightingFleetExtra {
  installation: InstallationRecord;
  reportIntervalMs: number;
  models: LampModel[];
  cabinets: { id: string; name: string; feeders: Cabinet['feeders'] }[];
  lamps: { id: string; cabinetId: string; groupId: string; modelId: string; feederId: string | null; phase: Phase }[];
}

export function fleetExtra(inv: DemoInventory, reportIntervalMs: number): LightingFleetExtra {
  return {
    installation: inv.installation,
    reportIntervalMs,
    models: inv.models,
    cabinets: inv.cabinets.map((c) => ({ id: c.id, name: c.name, feeders: c.feeders })),
    lamps: inv.lamps.map((l) => ({
      id: l.id,
      cabinetId: l.cabinetId,
      groupId: l.groupId,
      modelId: l.modelId,
      feederId: l.feederId ?? null,
      phase: inv.phases[l.id] ?? 'L1',
    })),
  };
}

export type LightingProvision = DemoProvision & { extra: LightingFleetExtra };
