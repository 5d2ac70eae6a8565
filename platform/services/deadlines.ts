// Pending deadlines of a service (alarm escalations, command expiries), keyed by tenant and id,
// checked by one periodic ticker. In memory; services re-arm them from the store at start-up.
export interface Deadline {
  tenantId: string;
  id: string;
  at: number;
}

export class Deadlines {
  private pending = new Map<string, Deadline>();
  private timer: NodeJS.Timeout | undefined;

  arm(tenantId: string, id: string, at: number): void {
    this.pending.set(`${tenantId}/${id}`, { tenantId, id, at });
  }

  disarm(tenantId: string, id: string): void {
    this.pending.delete(`${tenantId}/${id}`);
  }

  /** Removes and returns every deadline that has passed. */
  takeDue(now: number): Deadline[] {
    const due = [...this.pending.values()].filter((d) => d.at <= now);
    for (const d of due) this.disarm(d.tenantId, d.id);
    return due;
  }

  /** Runs `tick` every interval; a failing tick is reported, never silently dropped. */
  start(tick: () => Promise<unknown>, intervalMs: number, onError: (err: unknown) => void): void {
    this.stop();
    this.timer = setInterval(() => void tick().catch(onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
