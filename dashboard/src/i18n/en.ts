// The console's English texts: the source of truth every other language's dictionary is typed
// against (types.ts), one part per area of the console (./en/). "{name}" is a named parameter; an
// object with `one` and `other` holds plural forms. Where a browser test looks for a text, the
// wording is the one it expects.
import { enConsole } from './en/console.ts';
import { enCare } from './en/care.ts';
import { enPlatform } from './en/platform.ts';
import { enLighting } from './en/lighting.ts';
import { enLightingPlans } from './en/lighting-plans.ts';
import { enAccount } from './en/account.ts';
import { enCharts } from './en/charts.ts';

export const en = { ...enConsole, ...enCare, ...enPlatform, ...enLighting, ...enLightingPlans, ...enAccount, ...enCharts };
