// Bounded auditing for events an outsider can trigger at will (MQTT denials, bad payloads):
// at most `perWindow` entries per key per window reach the chain; the rest are counted and
// summed up in one `audit.suppressed` entry, so abuse stays visible without flooding the log.
// Close this limiter before the Audit it writes to (./log.ts), so its summaries get signed.
import type { StoredAuditEntry } from '../storage/port.ts';
import { prepareAuditEvent, type Audit, type AuditEvent } from './log.ts';

export const SUPPRESSED_ACTION = 'audit.suppressed';

export interface AuditLimiterOptions {
  perWindow?: number;
  windowMs?: number;
  now?: () => number;
  /** Failures of summaries written by the background sweep. */
  onError?: (err: unknown, scope: string) => void;
}

export interface AuditLimiter {
  /** Records the event, or counts it (resolving null) when `key` used up its window. */
  record(scope: string, key: string, event: AuditEvent): Promise<StoredAuditEntry | null>;
  /** Writes a summary for every key with suppressed events now; resolves with how many. */
  flush(): Promise<number>;
  /** Stops the sweep timer and flushes. */
  close(): Promise<void>;
}

interface Window {
  scope: string;
  key: string;
  start: number;
  written: number;
  suppressed: number;
  /** The last suppressed event: the summary names its actor, target and outcome. */
  last: AuditEvent | undefined;
}

export function createAuditLimiter(audit: Pick<Audit, 'record'>, options: AuditLimiterOptions = {}): AuditLimiter {
  const { perWindow = 20, windowMs = 60_000, now = Date.now, onError = () => {} } = options;
  if (!Number.isSafeInteger(perWindow) || perWindow < 0) throw new RangeError('perWindow must be a non-negative integer');
  if (!(windowMs > 0)) throw new RangeError('windowMs must be positive');
  const windows = new Map<string, Window>();

  /** Issues the summary write now (the chain keeps call order) and resets the count. */
  function summarise(w: Window): Promise<StoredAuditEntry> | undefined {
    if (w.suppressed === 0 || !w.last) return undefined;
    const { actor, target, outcome } = w.last;
    const written = audit.record(w.scope, {
      actor,
      action: SUPPRESSED_ACTION,
      target,
      outcome,
      details: { key: w.key, suppressed: w.suppressed },
    });
    w.suppressed = 0;
    w.last = undefined;
    return written;
  }

  // Expired windows are summed up even when their key goes quiet, and forgotten, so memory
  // follows the number of keys active in the last window only.
  const sweep = setInterval(() => {
    const t = now();
    for (const [id, w] of windows) {
      if (t - w.start < windowMs) continue;
      windows.delete(id);
      summarise(w)?.catch((err: unknown) => onError(err, w.scope));
    }
  }, windowMs);
  sweep.unref();

  async function flush(): Promise<number> {
    const writes = [...windows.values()].map(summarise).filter((p) => p !== undefined);
    await Promise.all(writes);
    return writes.length;
  }

  return {
    async record(scope, key, event) {
      prepareAuditEvent(event); // a suppressed event must still be one that could be recorded
      const id = `${scope}\0${key}`;
      const t = now();
      let w = windows.get(id);
      let summary: Promise<StoredAuditEntry> | undefined;
      if (w && t - w.start >= windowMs) {
        summary = summarise(w);
        w = undefined;
      }
      if (!w) {
        w = { scope, key, start: t, written: 0, suppressed: 0, last: undefined };
        windows.set(id, w);
      }
      if (w.written < perWindow) {
        w.written += 1;
        const [, entry] = await Promise.all([summary, audit.record(scope, event)]);
        return entry;
      }
      w.suppressed += 1;
      w.last = event;
      await summary;
      return null;
    },

    flush,

    async close() {
      clearInterval(sweep);
      await flush();
    },
  };
}
