// The tenant's alarms, loaded once and kept current by the realtime link: every change of an
// alarm (raised, escalated, acknowledged, cleared) arrives as an `alarm` event at once.
// Acknowledging and resolving (both with a note) answer with the alarm as it now is.
import { useCallback } from 'react';
import { queryString } from '../lib/api.ts';
import { mergeAlarm } from '../lib/alarms.ts';
import type { Alarm } from '../lib/types.ts';
import { useOnReconnect, useRealtimeEvent } from './realtime.tsx';
import { useResource } from './resource.ts';
import { useApi } from './session.tsx';

export function useAlarms(opts: { path?: string; subject?: string; enabled?: boolean } = {}) {
  const api = useApi();
  const path = opts.enabled === false ? null : (opts.path ?? `/alarms${queryString({ limit: 500 })}`);
  const res = useResource<{ items: Alarm[] }>(path);
  const { mutate, reload } = res;

  useRealtimeEvent('alarm', (alarm) => {
    if (opts.subject && alarm.subject !== opts.subject) return;
    mutate((prev) => (prev ? { items: mergeAlarm(prev.items, alarm) } : prev));
  });
  useOnReconnect(reload);

  const acknowledge = useCallback(
    async (id: string, note: string) => {
      const next = await api.post<Alarm>(`/alarms/${encodeURIComponent(id)}/ack`, { note });
      mutate((prev) => (prev ? { items: mergeAlarm(prev.items, next) } : prev));
      return next;
    },
    [api, mutate],
  );

  const resolve = useCallback(
    async (id: string, note: string) => {
      const next = await api.post<Alarm>(`/alarms/${encodeURIComponent(id)}/resolve`, { note });
      mutate((prev) => (prev ? { items: mergeAlarm(prev.items, next) } : prev));
      return next;
    },
    [api, mutate],
  );

  return { alarms: res.data?.items, error: res.error, loading: res.loading, reload, acknowledge, resolve };
}
