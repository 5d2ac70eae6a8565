// Lighting transport: lamps and cabinets kept live from `lt.lamp` / `lt.cabinet` events, and
// switching commands tracked lamp by lamp from the platform's `command` events until every lamp
// of the batch is final (done, failed or expired).
import { useCallback, useRef, useState } from 'react';
import { applyCommand, applyLampEvents, askedLevel, laterStatus, LT, progressOf, type BatchStatus, type Cabinet, type CommandAnswer, type Lamp, type Progress } from '../lib/lighting.ts';
import type { CommandStatus } from '../lib/types.ts';
import { queryString } from '../lib/api.ts';
import { useOnReconnect, useRealtimeEvent } from './realtime.tsx';
import { useResource } from './resource.ts';
import { useApi } from './session.tsx';

export function useLamps(query = '') {
  const res = useResource<{ items: Lamp[] }>(`${LT}/lamps${query}`);
  const { mutate, reload } = res;
  useRealtimeEvent('lt.lamp', (events) => mutate((prev) => (prev ? { items: applyLampEvents(prev.items, events) } : prev)));
  useOnReconnect(reload);
  return res;
}

export function useCabinets() {
  const res = useResource<{ items: Cabinet[] }>(`${LT}/cabinets`);
  const { mutate, reload } = res;
  useRealtimeEvent('lt.cabinet', (events) => {
    const byId = new Map(events.map((c) => [c.id, c]));
    mutate((prev) => (prev ? { items: prev.items.map((c) => ({ ...c, ...(byId.get(c.id) ?? {}) })) } : prev));
  });
  useOnReconnect(reload);
  return res;
}

export type Target = { lampId: string } | { groupId: string } | { cabinetId: string };
export const targetKey = (t: Target) => ('lampId' in t ? `lamp:${t.lampId}` : 'groupId' in t ? `group:${t.groupId}` : `cabinet:${t.cabinetId}`);

export interface TrackedCommand {
  batchId: string;
  /** What was asked (the switch payload; lib/lighting.ts `switchLabel` says it in words). */
  payload: Record<string, unknown>;
  /** Read from the server's history rather than sent from this page: shown with its time. */
  restored?: boolean;
  /** The level it asks for (0 is off). */
  level: number;
  startedAt: number;
  statuses: Record<string, CommandStatus>;
  progress: Progress;
}

/** Sends switching commands and follows each target's latest batch live. */
export function useSwitching() {
  const api = useApi();
  const [tracked, setTracked] = useState<Record<string, TrackedCommand>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const latest = useRef(tracked);
  latest.current = tracked;
  // Lamps answer fast: their status events can arrive before the POST that created the batch
  // returns. Every command event seen is remembered briefly and merged when the answer comes.
  const seen = useRef(new Map<string, CommandStatus>());
  const asked = useRef(new Set<string>());

  const reconcile = useCallback(
    async (key: string, batchId: string) => {
      const b = await api.get<BatchStatus>(`${LT}/commands/${batchId}`);
      setTracked((t) => {
        const v = t[key];
        if (!v || v.batchId !== batchId) return t;
        const statuses = { ...v.statuses };
        for (const l of b.lamps) statuses[l.commandId] = laterStatus(statuses[l.commandId], l.status);
        return { ...t, [key]: { ...v, statuses, progress: progressOf(Object.values(statuses)) } };
      });
    },
    [api],
  );

  const send = useCallback(
    async (target: Target, action: 'on' | 'off' | 'dim', level: number | undefined, overrideMinutes: number | undefined) => {
      const key = targetKey(target);
      setErrors((e) => ({ ...e, [key]: '' }));
      try {
        const a = await api.post<CommandAnswer>(`${LT}/commands`, {
          target,
          action,
          ...(action === 'dim' && level !== undefined ? { level } : {}),
          ...(overrideMinutes !== undefined ? { overrideMinutes } : {}),
        });
        const statuses: Record<string, CommandStatus> = {};
        for (const c of a.commands) statuses[c.commandId] = laterStatus(laterStatus(undefined, c.status), seen.current.get(c.commandId) ?? c.status);
        const payload = { action, ...(action === 'dim' && level !== undefined ? { level } : {}) };
        setTracked((t) => ({ ...t, [key]: { batchId: a.batchId, payload, level: askedLevel(payload), startedAt: Date.now(), statuses, progress: progressOf(Object.values(statuses)) } }));
        // One authoritative read closes any gap between the answer and the live events.
        if (progressOf(Object.values(statuses)).state === 'pending') void reconcile(key, a.batchId).catch(() => undefined);
      } catch (err) {
        setErrors((e) => ({ ...e, [key]: err instanceof Error ? err.message : String(err) }));
      }
    },
    [api, reconcile],
  );

  useRealtimeEvent('command', (c) => {
    if (!c.batchId) return;
    seen.current.set(c.id, laterStatus(seen.current.get(c.id), c.status));
    if (seen.current.size > 5000) seen.current.delete(seen.current.keys().next().value!);
    setTracked((t) => {
      const entry = Object.entries(t).find(([, v]) => v.batchId === c.batchId);
      if (!entry) return t;
      const [key, v] = entry;
      const statuses = applyCommand(v.statuses, c);
      return { ...t, [key]: { ...v, statuses, progress: progressOf(Object.values(statuses)) } };
    });
  });

  // Events missed while the link was down: ask for the batches still in progress.
  useOnReconnect(() => {
    for (const [key, v] of Object.entries(latest.current)) {
      if (v.progress.state !== 'pending') continue;
      void reconcile(key, v.batchId).catch(() => undefined);
    }
  });

  /** A group's last command, read from the server's history of the group when this page has not
   *  followed one yet: "last command" survives navigation and reload. */
  const restore = useCallback(
    async (groupId: string) => {
      const key = `group:${groupId}`;
      // Once per group and page: live lamp updates re-run the caller's effect.
      if (latest.current[key] || asked.current.has(key)) return;
      asked.current.add(key);
      const page = await api.get<{ items: BatchStatus[] }>(`${LT}/commands${queryString({ groupId, limit: 1 })}`);
      const b = page.items[0];
      if (!b) return;
      const statuses: Record<string, CommandStatus> = {};
      for (const l of b.lamps) statuses[l.commandId] = l.status;
      setTracked((t) => (t[key] ? t : { ...t, [key]: { batchId: b.batchId, payload: b.payload, restored: true, level: askedLevel(b.payload), startedAt: b.createdAt, statuses, progress: progressOf(Object.values(statuses)) } }));
    },
    [api],
  );

  return { tracked, errors, send, restore };
}
