// Cluster-wide presence and last-seen of devices (docs/architecture.md "Cluster mode"): each node
// writes the devices that connect to it and leave it into one Redis hash and announces the change
// on a channel; every node mirrors the hash in memory, so `isOnline` and `lastSeen` stay
// synchronous for the pilots and answer alike on every node. An entry belongs to one connection:
// the node a device left only marks it offline while it is still that connection's entry (the
// device may already be online on another node). Entries of a node that left the registry (killed)
// read as offline. After a Redis restart each node writes its own connections back.
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const PRESENCE_KEY = 'custodia:mqtt:presence';

const entrySchema = z.object({
  node: z.string(),
  conn: z.string(),
  online: z.boolean(),
  at: z.number(),
  lastSeen: z.number(),
});
type Entry = z.infer<typeof entrySchema>;
const messageSchema = z.object({ key: z.string(), entry: entrySchema });

// Writes the entry unless ARGV[3] (compare-and-set) is set and the stored entry belongs to another
// connection; announces what it wrote.
const WRITE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] ~= '' and cur and cjson.decode(cur).conn ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', KEYS[1], cjson.encode({ key = ARGV[1], entry = cjson.decode(ARGV[2]) }))
return 1`;

const keyOf = (tenantId: string, deviceId: string) => `${tenantId}/${deviceId}`;

export class PresenceDirectory {
  private readonly entries = new Map<string, Entry>();
  /** This node's own entries, written back after a Redis restart. */
  private readonly mine = new Map<string, Entry>();
  private live = new Set<string>();
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly nodeId: string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.live.add(nodeId);
  }

  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== PRESENCE_KEY) return;
      const m = messageSchema.safeParse(safeJson(raw));
      if (m.success) this.entries.set(m.data.key, m.data.entry);
      else this.onError(m.error);
    });
    let first = true;
    this.subscriber.on('ready', () => {
      if (first) return void (first = false);
      void this.resync(); // a reconnect: the hash may be gone (Redis restarted) or stale
    });
    await this.subscriber.subscribe(PRESENCE_KEY);
    await this.load();
  }

  /** The registry's live nodes (refreshed with each heartbeat); entries of others read offline. */
  setLiveNodes(ids: Iterable<string>): void {
    this.live = new Set([...ids, this.nodeId]);
  }

  online(tenantId: string, deviceId: string, at: number): void {
    const key = keyOf(tenantId, deviceId);
    const entry: Entry = { node: this.nodeId, conn: `${this.nodeId}:${++this.seq}`, online: true, at, lastSeen: at };
    this.mine.set(key, entry);
    this.entries.set(key, entry);
    this.write(key, entry, '');
  }

  offline(tenantId: string, deviceId: string, at: number, lastSeen: number): void {
    const key = keyOf(tenantId, deviceId);
    const own = this.mine.get(key);
    if (!own) return;
    this.mine.delete(key);
    const entry: Entry = { ...own, online: false, at, lastSeen: Math.max(lastSeen, own.lastSeen) };
    if (this.entries.get(key)?.conn === own.conn) this.entries.set(key, entry);
    this.write(key, entry, own.conn);
  }

  isOnline(tenantId: string, deviceId: string): boolean {
    const e = this.entries.get(keyOf(tenantId, deviceId));
    return e !== undefined && e.online && this.live.has(e.node);
  }

  lastSeen(tenantId: string, deviceId: string): number | null {
    const e = this.entries.get(keyOf(tenantId, deviceId));
    if (!e) return null;
    return this.isOnline(tenantId, deviceId) ? Date.now() : e.lastSeen;
  }

  private write(key: string, entry: Entry, expectConn: string): void {
    this.redis.eval(WRITE, 1, PRESENCE_KEY, key, JSON.stringify(entry), expectConn).catch(this.onError);
  }

  private async load(): Promise<void> {
    const all = await this.redis.hgetall(PRESENCE_KEY);
    for (const [key, raw] of Object.entries(all)) {
      const e = entrySchema.safeParse(safeJson(raw));
      if (e.success) this.entries.set(key, e.data);
    }
  }

  private async resync(): Promise<void> {
    try {
      for (const [key, entry] of this.mine) await this.redis.eval(WRITE, 1, PRESENCE_KEY, key, JSON.stringify(entry), '');
      await this.load();
    } catch (err) {
      this.onError(err);
    }
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
