// The console's Italian texts, one part per area (./it/). Typed as Dict: a key missing from or
// extra to the English source fails the type check. Acknowledge is "prendere in carico" throughout;
// NEWS2 stays NEWS2.
import type { Dict } from './types.ts';
import { itConsole } from './it/console.ts';
import { itCare } from './it/care.ts';
import { itPlatform } from './it/platform.ts';
import { itLighting } from './it/lighting.ts';
import { itLightingPlans } from './it/lighting-plans.ts';
import { itAccount } from './it/account.ts';
import { itCharts } from './it/charts.ts';

export const it: Dict = { ...itConsole, ...itCare, ...itPlatform, ...itLighting, ...itLightingPlans, ...itAccount, ...itCharts };
