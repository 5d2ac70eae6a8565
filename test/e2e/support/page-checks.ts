// What the browser tests check on any page of the console, beside axe: dictionary keys showing
// instead of words (a text missing from a dictionary shows as "users.title"), and layout faults
// (the page scrolling sideways, a button whose label is cut or off screen).
import type { Page } from 'playwright-core';
import { en } from '../../../dashboard/src/i18n/en.ts';

/** Dictionary keys shown as text or in a label people hear (aria-label, title, placeholder, alt),
 *  e.g. "users.title". Technical ids drawn as such (`.mono`, an option offering a raw audit action
 *  like "patient.read") are not texts of the console. */
export async function keyLeaks(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    const parts: string[] = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('.mono, script, style') || (el instanceof HTMLOptionElement && el.value === el.text)) continue;
      parts.push(n.textContent ?? '');
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) parts.push(el.getAttribute(a) ?? '');
    }
    return parts.join('\n');
  });
  return [...text.matchAll(/\b([a-zA-Z0-9]+)\.[a-zA-Z][\w-]*\b/g)].map((m) => m[0]).filter((k) => Object.hasOwn(en, k.split('.')[0]!));
}

/** The page wider than the window, or a button whose label is cut or off screen. */
export async function layoutFaults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const faults: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) faults.push(`page scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth}`);
    for (const el of document.querySelectorAll<HTMLElement>('button, a.btn, .btn')) {
      const r = el.getBoundingClientRect();
      if (!r.width || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.scrollWidth > el.clientWidth + 1) faults.push(`button label cut: "${el.textContent?.trim()}"`);
      if (r.right > window.innerWidth + 1) faults.push(`button off screen: "${el.textContent?.trim()}"`);
    }
    return faults;
  });
}
