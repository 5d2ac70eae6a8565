// The one setup every browser test file of the console shares: the real platform with the built
// dashboard, one chromium per file, users signed in per test, a screenshot of what the browser
// showed when a test fails, and the pages a test opened closed once it ends (an open page keeps
// rendering live data and slows the tests after it). Call it inside the file's describe block;
// the file's own beforeAll (seeding) runs after it, its own afterAll before it.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureDashboardBuilt } from '../../../scripts/dashboard-build.ts';
import { bootHarness, type Harness, type HarnessOptions } from '../../../validation/support/harness.ts';
import { failureShot, launchChromium, openConsole, type Console } from './browser.ts';

export interface ConsoleRig {
  readonly h: Harness;
  readonly ui: Console;
}

export function consoleRig(options: HarnessOptions | (() => Promise<HarnessOptions>), timeoutMs = 60_000): ConsoleRig {
  let h: Harness | undefined;
  let ui: Console | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const opts = typeof options === 'function' ? await options() : options;
    // The browser launch overlaps the build (only when the dashboard's sources changed) and the
    // boot; the boot waits for the build, because the platform decides at start whether there is
    // a dashboard to serve (on a fresh clone there is none until the first build ends).
    const [booted, launched] = await Promise.allSettled([ensureDashboardBuilt().then(() => bootHarness(opts)), launchChromium()]);
    if (booted.status === 'fulfilled') h = booted.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const r of [booted, launched]) if (r.status === 'rejected') throw r.reason;
    ui = await openConsole(h!.url, browser);
  }, timeoutMs);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await failureShot(ui?.lastPage(), ctx.task.name);
    await ui?.closePages();
  });

  afterAll(async () => {
    await (ui ? ui.close() : browser?.close());
    await h?.close();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the console rig has no ${what}: call it inside the describe block, use it from hooks and tests`);
    return value;
  };
  return {
    get h() {
      return ready(h, 'platform');
    },
    get ui() {
      return ready(ui, 'browser');
    },
  };
}
