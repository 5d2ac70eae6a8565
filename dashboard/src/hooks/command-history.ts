// A command history read from the server a page at a time (lib/command-history.ts), kept live:
// a command event of a listed command moves its status on; one not listed yet (sent from this or
// another page, or by the schedule) reloads the first page, so the newest is always on top.
import { useCallback, useState } from 'react';
import { appendPage, type HistoryPage } from '../lib/command-history.ts';
import { furthest } from '../lib/commands.ts';
import { queryString } from '../lib/api.ts';
import type { Command, CommandStatus } from '../lib/types.ts';
import { useOnReconnect, useRealtimeEvent } from './realtime.tsx';
import { useResource } from './resource.ts';
import { useApi } from './session.tsx';

export function useCommandHistory<T extends { status: CommandStatus }>(
  path: string | null,
  params: Record<string, string>,
  key: (t: T) => string,
  accept: (c: Command) => boolean,
  pageSize = 10,
) {
  const api = useApi();
  const url = path === null ? null : `${path}${queryString({ ...params, limit: pageSize })}`;
  const first = useResource<HistoryPage<T>>(url);
  const [older, setOlder] = useState<{ for: string | null; items: T[]; next: number | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [live, setLive] = useState<Record<string, CommandStatus>>({});
  const shownOlder = older && older.for === url ? older : null;
  const items = appendPage(first.data?.items ?? [], shownOlder?.items ?? [], key);
  const next = shownOlder ? shownOlder.next : (first.data?.next ?? null);
  const { reload } = first;

  useRealtimeEvent('command', (c) => {
    if (!accept(c)) return;
    if (items.some((t) => key(t) === c.id)) setLive((m) => ({ ...m, [c.id]: furthest(m[c.id], c.status)! }));
    else reload();
  });
  useOnReconnect(reload);

  const more = useCallback(async () => {
    if (url === null || next === null) return;
    setBusy(true);
    try {
      const page = await api.get<HistoryPage<T>>(`${url}&offset=${next}`);
      setOlder((o) => ({ for: url, items: appendPage(o && o.for === url ? o.items : [], page.items, key), next: page.next }));
    } finally {
      setBusy(false);
    }
  }, [api, url, next, key]);

  const statusOf = useCallback((t: T) => furthest(t.status, live[key(t)]) ?? t.status, [live, key]);
  return { items, loaded: first.data !== undefined, error: first.error, reload, more: next === null ? undefined : more, busy, statusOf };
}
