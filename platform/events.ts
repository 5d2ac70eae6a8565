// In-process event bus from services to the realtime layer. Services say what happened in which
// tenant; platform/realtime decides which sockets hear it. Keeps services free of socket.io.
import { EventEmitter } from 'node:events';

export interface PlatformEvent {
  tenantId: string;
  /** e.g. "alarm", "command", "reading", "presence", or a pilot's own type */
  type: string;
  /** Finer room inside the tenant (e.g. "patient:<id>", "group:<id>"); absent: the tenant room. */
  room?: string;
  payload: unknown;
  /** Readings are batched per room; alarms and command statuses go at once. */
  batch?: boolean;
}

export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  publish(event: PlatformEvent): void {
    this.emitter.emit('event', event);
  }
  subscribe(fn: (event: PlatformEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }
}

/** A credential or principal withdrawn: what is already connected under it must end. Identity
 *  and tenancy publish these; the broker glue (platform/ingest.ts) and platform/realtime close
 *  the connections, so identity never imports either (docs/security.md, ASVS 3.3.1 / 3.3.3). */
export type IdentityChange =
  | { type: 'device.revoked' | 'device.rotated' | 'device.removed'; tenantId: string; deviceId: string }
  /** One of a device's client certificates revoked: its live connections end. */
  | { type: 'device.certificate-revoked'; tenantId: string; deviceId: string }
  | { type: 'tenant.suspended'; tenantId: string }
  /** Every session of a user ended: disabled, deleted, password or role changed. */
  | { type: 'user.sessions-ended'; userId: string }
  /** An MQTT tool token revoked; `tokenId` is the stored hash of the token. */
  | { type: 'tool-token.revoked'; tenantId: string; tokenId: string }
  /** One session ended (logout); `sessionId` is the stored hash of its token. */
  | { type: 'session.ended'; sessionId: string };

export class IdentityEvents {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(20);
  }
  /** Synchronous: when the call that changed the identity returns, the connections are closed. */
  publish(change: IdentityChange): void {
    // Every listener runs even if one throws; the change itself is already saved.
    const failures: unknown[] = [];
    for (const fn of this.emitter.listeners('change')) {
      try {
        (fn as (c: IdentityChange) => void)(change);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length) throw new AggregateError(failures, `identity change ${change.type}: a listener failed`);
  }
  subscribe(fn: (change: IdentityChange) => void): () => void {
    this.emitter.on('change', fn);
    return () => this.emitter.off('change', fn);
  }
}
