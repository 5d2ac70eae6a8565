// socket.io: authenticated from the session cookie (or a bearer token in the handshake's auth)
// at handshake; each socket joins its tenant's room only, and finer rooms of that tenant on
// request. Asking for another tenant's room is refused and audited. Readings are batched per
// room a few times a second; alarms and command statuses go at once (docs/architecture.md "Realtime").
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { z } from 'zod';
import { SESSION_COOKIE, parseCookies, principalOf } from '../api/auth.ts';
import type { IdentityChange, PlatformEvent } from '../events.ts';
import { hashToken } from '../identity/secrets.ts';
import type { PlatformServices } from '../services/index.ts';
import type { Principal } from '../tenancy/context.ts';
import { can } from '../policy/roles.ts';

/** A room inside the caller's tenant: "patient:<id>", "group:<id>", "device:<id>"… */
const roomNameSchema = z.string().regex(/^[a-z]+:[A-Za-z0-9_.:-]{1,80}$/);
const subscribeSchema = z.object({ tenant: z.string().max(40).optional(), room: roomNameSchema }).strict();

/** Everything of a tenant, for roles that read its data. */
export const tenantRoom = (tenantId: string) => `t:${tenantId}`;
/** Operational events only (alarms, command statuses, presence), for roles without data:read. */
export const opsRoom = (tenantId: string) => `t:${tenantId}:ops`;
const OPS_EVENTS = new Set(['alarm', 'alarm.escalation', 'command', 'presence']);
export const subRoom = (tenantId: string, room: string) => `t:${tenantId}:${room}`;

interface SocketData {
  principal: Principal;
  expiresAt: number;
  /** Stored id of the session the socket was opened with: its logout disconnects the socket. */
  sessionId: string;
}

/** Whether an identity change withdraws what a socket was opened with (ASVS 3.3.1, 3.3.3). */
export function withdraws(change: IdentityChange, data: Pick<SocketData, 'principal' | 'sessionId'>): boolean {
  switch (change.type) {
    case 'session.ended':
      return data.sessionId === change.sessionId;
    case 'user.sessions-ended':
      return data.principal.kind === 'user' && data.principal.id === change.userId;
    case 'tenant.suspended':
      return data.principal.tenantId === change.tenantId;
    default:
      return false;
  }
}

export interface Realtime {
  io: Server;
  flush(): void;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  batchMs?: number;
  /** Cluster mode: socket.io's Redis streams adapter, so an emit reaches sockets on every node. */
  adapter?: ServerOptions['adapter'];
}

export function startRealtime(http: HttpServer, s: PlatformServices, opts: RealtimeOptions = {}): Realtime {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(http, {
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    cors: { origin: false },
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  });

  // Identity changes, numbered: a socket whose session was withdrawn while the handshake was
  // being checked is disconnected as soon as it connects.
  const changes = { seq: 0, recent: [] as { seq: number; change: IdentityChange }[] };
  const handshakeStartedAt = new WeakMap<object, number>();

  io.use(async (socket, next) => {
    handshakeStartedAt.set(socket, changes.seq);
    try {
      const token =
        (typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined) ??
        parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE];
      const session = token ? await s.sessions.resolve(token) : null;
      if (!session || !token) return next(new Error('unauthorized'));
      if (session.tenantId && (await s.tenants.get(session.tenantId))?.status !== 'active') return next(new Error('unauthorized'));
      socket.data.principal = principalOf(session);
      socket.data.expiresAt = session.expiresAt;
      socket.data.sessionId = hashToken(token);
      next();
    } catch {
      next(new Error('unauthorized'));
    }
  });

  io.on('connection', (socket: Socket) => {
    const since = handshakeStartedAt.get(socket) ?? 0;
    const oldest = changes.recent[0]?.seq ?? changes.seq + 1;
    if (since + 1 < oldest || changes.recent.some((c) => c.seq > since && withdraws(c.change, socket.data as SocketData))) {
      socket.disconnect(true);
      return;
    }
    const p = socket.data.principal as Principal;
    // Live readings are tenant data: only roles that may read it join the tenant room; roles that
    // see alarms or commands (tenant-admin) get the operational events only.
    if (p.tenantId && can(p.role, 'data:read')) void socket.join(tenantRoom(p.tenantId));
    else if (p.tenantId && (can(p.role, 'alarms:read') || can(p.role, 'commands:read'))) void socket.join(opsRoom(p.tenantId));
    socket.emit('hello', { tenant: p.tenantId, role: p.role });
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, (socket.data.expiresAt as number) - Date.now()));
    expiry.unref();
    socket.on('disconnect', () => clearTimeout(expiry));

    socket.on('subscribe', (raw: unknown, ack?: (r: unknown) => void) => {
      const parsed = subscribeSchema.safeParse(raw);
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!parsed.success) return reply({ ok: false, error: 'invalid subscription' });
      const { tenant, room } = parsed.data;
      if (!p.tenantId || (tenant !== undefined && tenant !== p.tenantId) || !can(p.role, 'data:read')) {
        void s.audit
          .record(p.tenantId ?? '_platform', {
            actor: p.label,
            action: 'realtime.subscribe',
            target: `room:${tenant ?? p.tenantId ?? '-'}:${room}`.slice(0, 200),
            outcome: 'denied',
          })
          .catch((err: unknown) => s.logger.error({ err, action: 'realtime.subscribe' }, 'audit record failed'));
        return reply({ ok: false, error: 'forbidden' });
      }
      void socket.join(subRoom(p.tenantId, room));
      reply({ ok: true, room });
    });
    socket.on('unsubscribe', (raw: unknown) => {
      const parsed = subscribeSchema.safeParse(raw);
      if (parsed.success && p.tenantId) void socket.leave(subRoom(p.tenantId, parsed.data.room));
    });
  });

  // Batching: one emit per room and event type per interval carrying an array.
  const pending = new Map<string, { room: string; type: string; items: unknown[] }>();
  const flush = () => {
    for (const { room, type, items } of pending.values()) io.to(room).emit(type, items);
    pending.clear();
  };
  const timer = setInterval(flush, opts.batchMs ?? 250);
  timer.unref();

  // Nobody watching a room: skip the work (readings of a fleet with no dashboard open). Other
  // nodes' sockets are not visible here: in cluster mode everything always goes out.
  const watched = (r: string) => Boolean(opts.adapter) || (io.sockets.adapter.rooms.get(r)?.size ?? 0) > 0;
  const unsubscribe = s.bus.subscribe((e: PlatformEvent) => {
    const room = e.room ? subRoom(e.tenantId, e.room) : tenantRoom(e.tenantId);
    if (e.batch && !watched(room)) return;
    if (!e.batch) {
      const rooms = (!e.room && OPS_EVENTS.has(e.type) ? [room, opsRoom(e.tenantId)] : [room]).filter(watched);
      // Likewise for single events: a fleet connecting at once makes one presence event per device.
      if (rooms.length > 0) io.to(rooms).emit(e.type, e.payload);
      return;
    }
    const key = `${room}|${e.type}`;
    let entry = pending.get(key);
    if (!entry) pending.set(key, (entry = { room, type: e.type, items: [] }));
    entry.items.push(e.payload);
  });

  // A logout, a disabled user or a suspended tenant ends the sockets opened under it at once,
  // not when the session would have expired.
  const unsubscribeIdentity = s.identityEvents.subscribe((change) => {
    changes.recent.push({ seq: ++changes.seq, change });
    if (changes.recent.length > 1_000) changes.recent.shift();
    for (const socket of io.sockets.sockets.values()) {
      if (withdraws(change, socket.data)) socket.disconnect(true);
    }
  });

  return {
    io,
    flush,
    async close() {
      clearInterval(timer);
      unsubscribe();
      unsubscribeIdentity();
      flush();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
