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
