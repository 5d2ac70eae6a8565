// What every browser test of the console shares: Debian's chromium driven by playwright-core, a
// signed-in page per user, screenshots for people to look at, polling helpers (playwright-core
// has no web-first assertions) and the accessibility check (axe-core) every page must pass.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { TEST_PASSWORD } from '../../../validation/support/harness.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_SKIP_NOTE = 'skipped: chromium not installed (apt-get install chromium)';

export const SHOTS = join(import.meta.dirname, '..', '..', '..', 'test-results', 'screenshots');
export const LAPTOP = { width: 1440, height: 900 };
export const TABLET = { width: 1024, height: 768 };

export interface SignInOptions {
  path?: string;
  viewport?: { width: number; height: number };
  locale?: string;
  /** Type the credentials into the sign-in form. Otherwise the session cookie comes from
   *  POST /auth/login in the page's own browser context, and the page opens signed in — the
   *  same session the form would give, without drawing the form first. */
  form?: boolean;
}

export interface Console {
  browser: Browser;
  /** The page signed in last, for the failure screenshot. */
  lastPage(): Page | undefined;
  signIn(username: string, opts?: SignInOptions): Promise<Page>;
  /** Closes every page signed in so far: an open page keeps rendering live data. */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function openConsole(baseUrl: string, launched?: Browser): Promise<Console> {
  mkdirSync(SHOTS, { recursive: true });
  const browser = launched ?? (await launchChromium());
  let contexts: BrowserContext[] = [];
  let last: Page | undefined;
  const closePages = async () => {
    const open = contexts;
    contexts = [];
    last = undefined;
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  };
  return {
    browser,
    lastPage: () => last,
    async signIn(username, opts = {}) {
      const context = await browser.newContext({ viewport: opts.viewport ?? LAPTOP, locale: opts.locale ?? 'en-GB', timezoneId: 'Europe/London' });
      contexts.push(context);
      if (!opts.form) {
        const res = await context.request.post(`${baseUrl}/api/v1/auth/login`, { data: { username, password: TEST_PASSWORD } });
        expect(res.status(), `sign-in of ${username}: ${await res.text()}`).toBe(200);
      }
      const page = await context.newPage();
      last = page;
      await page.goto(baseUrl + (opts.path ?? '/'));
      if (opts.form) {
        await page.getByLabel('Username').fill(username);
        await page.getByLabel('Password').fill(TEST_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      return page;
    },
    closePages,
    async close() {
      await closePages();
      await browser.close();
    },
  };
}

export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  // Let charts and live values settle, then capture the page (long lists: the first screen).
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** Saves what the browser showed when a test failed. */
export async function failureShot(page: Page | undefined, testName: string): Promise<void> {
  if (!page || page.isClosed()) return;
  await page.screenshot({ path: join(SHOTS, `FAILED-${testName.slice(0, 40).replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
}

export async function seeText(l: Locator, text: string | RegExp, timeout = 5000): Promise<void> {
  await expect.poll(async () => ((await l.count()) ? ((await l.first().textContent()) ?? '') : ''), { timeout }).toMatch(text);
}
export const visible = (l: Locator, timeout = 5000) => l.first().waitFor({ state: 'visible', timeout });

export const navItems = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();

/** The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is now,
 *  as `rule: selector` lines (empty when the page passes). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
