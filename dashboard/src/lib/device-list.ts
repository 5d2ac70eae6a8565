// Paging and selection on the tenant-admin's device list (views/platform/Devices.tsx); the server
// filters and pages (platform/api/device-list.ts), this only works out what to show and ask.

export const PAGE_SIZE = 25;

export interface PageInfo {
  from: number;
  to: number;
  total: number;
  prev: number | null;
  next: number | null;
}

/** "from–to of total" and the offsets of the neighbouring pages (null at either end). */
export function pageInfo(total: number, offset: number, size = PAGE_SIZE): PageInfo {
  const start = Math.max(0, Math.min(offset, Math.max(0, total - 1)));
  const from = total ? start + 1 : 0;
  const to = Math.min(total, start + size);
  return { from, to, total, prev: start > 0 ? Math.max(0, start - size) : null, next: start + size < total ? start + size : null };
}

/** The offset from the URL: a whole, non-negative number, else the first page. */
export function offsetFrom(value: string | null): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n >= 0 ? n : 0;
}

/** Selects or clears every id shown; the ones on other pages stay as they were. */
export function toggleAll(selected: ReadonlySet<string>, shown: readonly string[], on: boolean): Set<string> {
  const next = new Set(selected);
  for (const id of shown) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

/** What a bulk confirmation asks to be typed: the count, so the scale of the action is read. */
export const bulkPhrase = (n: number) => `${n} device${n === 1 ? '' : 's'}`;
