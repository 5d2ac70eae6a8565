// The window a set of charts shows: a preset range (ending now, following the clock while no zoom
// holds it) or a custom from/to, narrowed by a zoom until reset. The charts of one card share it,
// so a drag on one zooms them all. The arithmetic lives in lib/time-range.ts.
import { useCallback, useMemo, useState } from 'react';
import { bucketFor, presetWindow, zoomBy, type RangeKey, type Window } from '../lib/time-range.ts';

export interface ChartWindow {
  key: RangeKey;
  /** The range chosen, without zoom; `to` is the time it was chosen for presets. */
  base: Window;
  /** What the charts load and show: the zoom when there is one, else the base. */
  shown: Window;
  zoomed: boolean;
  /** A preset without zoom: the charts follow the clock and take live values. */
  live: boolean;
  /** Bucket of the shown window, in ms. */
  bucket: number;
  choose(key: Exclude<RangeKey, 'custom'>): void;
  chooseCustom(w: Window): void;
  zoomTo(w: Window): void;
  zoomIn(): void;
  zoomOut(): void;
  reset(): void;
}

export function useChartWindow(initial: Exclude<RangeKey, 'custom'> = '24h'): ChartWindow {
  const [state, setState] = useState<{ key: RangeKey; base: Window; zoom: Window | null }>(() => ({ key: initial, base: presetWindow(initial, Date.now()), zoom: null }));
  const choose = useCallback((key: Exclude<RangeKey, 'custom'>) => setState({ key, base: presetWindow(key, Date.now()), zoom: null }), []);
  const chooseCustom = useCallback((w: Window) => setState({ key: 'custom', base: w, zoom: null }), []);
  // A zoom stays inside the range chosen: a drag past its edges is cut to them.
  const zoomTo = useCallback((w: Window) => setState((s) => ({ ...s, zoom: { from: Math.max(w.from, s.base.from), to: Math.min(w.to, Math.max(s.base.to, Date.now())) } })), []);
  const zoomIn = useCallback(() => setState((s) => ({ ...s, zoom: zoomBy(s.zoom ?? s.base, 0.5, s.base) })), []);
  const zoomOut = useCallback(
    () =>
      setState((s) => {
        if (!s.zoom) return s;
        const z = zoomBy(s.zoom, 2, s.base);
        return { ...s, zoom: z.to - z.from >= s.base.to - s.base.from ? null : z };
      }),
    [],
  );
  const reset = useCallback(() => setState((s) => (s.key === 'custom' ? { ...s, zoom: null } : { key: s.key, base: presetWindow(s.key, Date.now()), zoom: null })), []);
  return useMemo(() => {
    const shown = state.zoom ?? state.base;
    return {
      key: state.key,
      base: state.base,
      shown,
      zoomed: state.zoom !== null,
      live: state.key !== 'custom' && state.zoom === null,
      bucket: bucketFor(shown.to - shown.from),
      choose,
      chooseCustom,
      zoomTo,
      zoomIn,
      zoomOut,
      reset,
    };
  }, [state, choose, chooseCustom, zoomTo, zoomIn, zoomOut, reset]);
}
