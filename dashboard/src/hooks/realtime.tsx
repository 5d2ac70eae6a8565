// The realtime link: one socket.io connection per signed-in session (same origin, authenticated
// by the session cookie at handshake), its state as a first-class value, typed events, and finer
// rooms that survive reconnects. Components subscribe on mount and always unsubscribe.
//
// Reconnection: socket.io retries dropped transports by itself. It does not retry when the
// server refused the handshake or closed the socket (the session ended), so those two cases ask
// the API whether the session still holds: if not, the session ends (back to sign-in); if it
// does, the link is retried with a back-off.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ConnectionState, RealtimeEventName, RealtimeEvents } from '../lib/events.ts';
import { useSession } from './session.tsx';

type Handler = (payload: unknown) => void;

interface Realtime {
  state: ConnectionState;
  on<K extends RealtimeEventName>(type: K, fn: (payload: RealtimeEvents[K]) => void): () => void;
  join(room: string): () => void;
}

const RealtimeContext = createContext<Realtime | null>(null);

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const signedIn = session.state.status === 'signed-in';
  const [state, setState] = useState<ConnectionState>('connecting');
  const handlers = useRef(new Map<string, Set<Handler>>());
  const rooms = useRef(new Map<string, number>());
  const socketRef = useRef<Socket | null>(null);
  const check = useRef(session.check);
  check.current = session.check;

  useEffect(() => {
    if (!signedIn) return;
    let disposed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const socket = io({ path: '/socket.io', withCredentials: true, reconnectionDelay: 1000, reconnectionDelayMax: 10_000 });
    socketRef.current = socket;

    const subscribeRooms = () => {
      for (const room of rooms.current.keys()) socket.emit('subscribe', { room });
    };
    const retryLater = () => {
      if (disposed) return;
      setState(navigator.onLine === false ? 'offline' : 'reconnecting');
      clearTimeout(retry);
      const delay = Math.min(10_000, 1000 * 2 ** Math.min(attempt++, 4));
      retry = setTimeout(() => {
        void check.current().then((ok) => {
          if (ok && !disposed && !socket.connected) socket.connect();
        });
      }, delay);
    };

    socket.on('connect', () => {
      attempt = 0;
      setState('live');
      subscribeRooms();
    });
    socket.on('disconnect', (reason) => {
      if (disposed) return;
      if (reason === 'io server disconnect') retryLater();
      else setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    });
    socket.on('connect_error', () => {
      // `active` is false when the server refused the handshake (no automatic retry).
      if (!socket.active) retryLater();
      else setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    });
    socket.onAny((event: string, payload: unknown) => {
      const set = handlers.current.get(event);
      if (set) for (const fn of set) fn(payload);
    });

    const offline = () => setState('offline');
    const online = () => {
      if (socket.connected) return setState('live');
      setState('reconnecting');
      socket.connect();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);

    return () => {
      disposed = true;
      clearTimeout(retry);
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      socket.removeAllListeners();
      socket.offAny();
      socket.disconnect();
      socketRef.current = null;
      setState('connecting');
    };
  }, [signedIn]);

  // Stable for the provider's life, so subscribers do not resubscribe when the state changes.
  const on = useCallback<Realtime['on']>((type, fn) => {
    const set = handlers.current.get(type) ?? new Set<Handler>();
    handlers.current.set(type, set);
    set.add(fn as Handler);
    return () => {
      set.delete(fn as Handler);
    };
  }, []);

  const join = useCallback<Realtime['join']>((room) => {
    const n = rooms.current.get(room) ?? 0;
    rooms.current.set(room, n + 1);
    if (n === 0 && socketRef.current?.connected) socketRef.current.emit('subscribe', { room });
    return () => {
      const left = (rooms.current.get(room) ?? 1) - 1;
      if (left > 0) {
        rooms.current.set(room, left);
        return;
      }
      rooms.current.delete(room);
      if (socketRef.current?.connected) socketRef.current.emit('unsubscribe', { room });
    };
  }, []);

  const value = useMemo<Realtime>(() => ({ state, on, join }), [state, on, join]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

function useRealtimeContext(): Realtime {
  const r = useContext(RealtimeContext);
  if (!r) throw new Error('realtime hooks outside RealtimeProvider');
  return r;
}

/** The state of the realtime link: connecting, live, reconnecting or offline. */
export function useConnectionState(): ConnectionState {
  return useRealtimeContext().state;
}

/** Calls fn for each event of a type while the component is mounted (fn may change freely). */
export function useRealtimeEvent<K extends RealtimeEventName>(type: K, fn: (payload: RealtimeEvents[K]) => void): void {
  const { on } = useRealtimeContext();
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => on(type, (p) => latest.current(p)), [on, type]);
}

/** Joins a finer room of the tenant (e.g. "device:<id>") while mounted; rejoined after reconnects. */
export function useRoom(room: string | null): void {
  const { join } = useRealtimeContext();
  useEffect(() => (room ? join(room) : undefined), [join, room]);
}

/** Runs fn when the link comes back after a loss, so views can reload what they may have missed. */
export function useOnReconnect(fn: () => void): void {
  const state = useConnectionState();
  const was = useRef(state);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    if (state === 'live' && (was.current === 'reconnecting' || was.current === 'offline')) latest.current();
    was.current = state;
  }, [state]);
}
