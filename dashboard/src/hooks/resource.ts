// Loading one API resource for a view: data, error, a reload, and a setter for live updates.
// The request is aborted when the path changes or the view goes away.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isAbort } from '../lib/api.ts';
import { useApi } from './session.tsx';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload(): void;
  /** Live updates change the loaded data in place (React state). */
  mutate(fn: (prev: T | undefined) => T | undefined): void;
}

export function useResource<T>(path: string | null): Resource<T> {
  const api = useApi();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [version, setVersion] = useState(0);
  const shown = useRef<string | null>(null);

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    const ctrl = new AbortController();
    // A different resource starts blank; a reload of the same one keeps showing the old data.
    if (shown.current !== path) {
      setData(undefined);
      shown.current = path;
    }
    setLoading(true);
    api
      .get<T>(path, { signal: ctrl.signal })
      .then((d) => {
        setData(d);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (isAbort(err) || ctrl.signal.aborted) return;
        setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [api, path, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const mutate = useCallback((fn: (prev: T | undefined) => T | undefined) => setData(fn), []);
  return { data, error, loading, reload, mutate };
}

/** Runs an action (a POST, a PATCH…) with its own busy flag and error, for buttons and forms. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await latest.current(...args);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clearError: () => setError(undefined) };
}
