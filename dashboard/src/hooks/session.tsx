// The signed-in session: who the caller is (GET /auth/me), what it may do (permissions drive the
// navigation), the API client bound to the session's CSRF token, and the end of the session —
// on its expiry time, on any 401 from the API, or on sign-out — which returns to the sign-in
// page with a message saying why.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, createApi, CSRF_COOKIE, readCookie, type Api } from '../lib/api.ts';
import { formatTime } from '../lib/format.ts';
import type { LoginAnswer, Me, Permission } from '../lib/types.ts';
import type { MessageKey, Params } from '../i18n/types.ts';

/** Why a session ended: a text of the dictionaries (sessionEnd), read in the language of the user
 *  who was signed in (i18n/index.tsx). */
export interface EndMessage {
  key: MessageKey;
  params?: Params;
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; message?: EndMessage; tone?: 'info' | 'warning' }
  | { status: 'signed-in'; me: Me };

export interface Session {
  state: SessionState;
  api: Api;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Asks the server whether the session still holds; ends it here when not. */
  check(): Promise<boolean>;
  can(p: Permission): boolean;
}

const SessionContext = createContext<Session | null>(null);

// setTimeout holds at most 2^31-1 ms; longer sessions are re-checked when the timer fires.
const MAX_TIMER = 2 ** 31 - 1;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const csrf = useRef<string | undefined>(undefined);
  const signedIn = useRef(false);
  signedIn.current = state.status === 'signed-in';

  const end = useCallback((message: EndMessage, tone: 'info' | 'warning' = 'warning') => {
    csrf.current = undefined;
    setState({ status: 'signed-out', message, tone });
  }, []);

  const api = useMemo(
    () =>
      createApi({
        csrf: () => csrf.current ?? readCookie(document.cookie, CSRF_COOKIE),
        onUnauthorized: () => {
          if (signedIn.current) end({ key: 'sessionEnd.ended' });
        },
      }),
    [end],
  );

  // Resume an existing session on load (the cookie survives a reload, the CSRF cookie too).
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .get<Me>('/auth/me', { signal: ctrl.signal })
      .then((me) => setState({ status: 'signed-in', me }))
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        setState(err instanceof ApiError && err.status === 401 ? { status: 'signed-out' } : { status: 'signed-out', message: { key: 'sessionEnd.unreachable' } });
      });
    return () => ctrl.abort();
  }, [api]);

  // End the session at its expiry time, as the server will.
  const expiresAt = state.status === 'signed-in' ? state.me.expiresAt : null;
  useEffect(() => {
    if (expiresAt === null) return;
    const wait = Math.min(MAX_TIMER, Math.max(0, expiresAt - Date.now()));
    const t = setTimeout(() => {
      if (Date.now() >= expiresAt) end({ key: 'sessionEnd.expired', params: { time: formatTime(expiresAt) } });
      else void api.get<Me>('/auth/me').then((me) => setState({ status: 'signed-in', me })).catch(() => undefined);
    }, wait);
    return () => clearTimeout(t);
  }, [expiresAt, api, end]);

  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await api.post<LoginAnswer>('/auth/login', { username, password });
      csrf.current = answer.csrfToken;
      const me = await api.get<Me>('/auth/me');
      setState({ status: 'signed-in', me });
    },
    [api],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      // Already gone on the server: signing out here is still right.
    }
    end({ key: 'sessionEnd.signedOut' }, 'info');
  }, [api, end]);

  const check = useCallback(async () => {
    try {
      await api.get<Me>('/auth/me');
      return true;
    } catch (err) {
      return !(err instanceof ApiError && err.status === 401);
    }
  }, [api]);

  const value = useMemo<Session>(
    () => ({
      state,
      api,
      login,
      logout,
      check,
      can: (p) => state.status === 'signed-in' && state.me.permissions.includes(p),
    }),
    [state, api, login, logout, check],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in caller; only for components rendered inside the signed-in shell. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe without a session');
  return state.me;
}

export function useApi(): Api {
  return useSession().api;
}
