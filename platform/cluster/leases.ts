// Leases with fencing tokens and the node registry, in the shared PostgreSQL database
// (docs/architecture.md "Cluster mode"). PostgreSQL rather than Redis because the work a lease
// guards writes to PostgreSQL: one clock (the server's now()) decides expiry for every node,
// and a lease row survives a Redis restart. Every acquisition by a new holder increments the
// token; a write carrying an older token is refused by `check`.
import pg from 'pg';

export const LEASE_TABLE = 'custodia_cluster_leases';
export const NODE_TABLE = 'custodia_cluster_nodes';

export interface LeaseGrant {
  name: string;
  holder: string;
  token: bigint;
  /** Server time (ms since epoch) the grant ends unless renewed. */
  expiresAt: number;
}

export interface NodeInfo {
  id: string;
  startedAt: number;
  heartbeatAt: number;
  expiresAt: number;
  info: Record<string, unknown>;
}

// Declared beside the HTTP errors so pilots can recognise it through the pilot interface.
export { StaleLeaseError } from '../errors.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (
  name text PRIMARY KEY,
  holder text NOT NULL,
  token bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS ${NODE_TABLE} (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  info jsonb NOT NULL DEFAULT '{}'::jsonb
);`;

type Row = { name: string; holder: string; token: string; expires_ms: string };
const grant = (r: Row): LeaseGrant => ({ name: r.name, holder: r.holder, token: BigInt(r.token), expiresAt: Number(r.expires_ms) });
const RETURNING = `RETURNING name, holder, token, (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms`;

export class ClusterStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Opens a small pool of its own on the store URL and creates the two tables if needed. */
  static async open(url: string): Promise<ClusterStore> {
    const pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 5000 });
    pool.on('error', () => undefined); // a dropped idle connection is replaced on the next query
    const store = new ClusterStore(pool);
    try {
      // Two nodes starting at once may race on CREATE TABLE IF NOT EXISTS: serialise them.
      const c = await pool.connect();
      try {
        await c.query('SELECT pg_advisory_lock(hashtext($1))', [LEASE_TABLE]);
        await c.query(SCHEMA);
      } finally {
        await c.query('SELECT pg_advisory_unlock(hashtext($1))', [LEASE_TABLE]).catch(() => undefined);
        c.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  /** Takes the lease when it is free or expired (a new token), or extends it when `holder`
   *  already holds it (same token). Null while another holder's grant runs. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | null> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO ${LEASE_TABLE} AS l (name, holder, token, expires_at)
       VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN l.holder = excluded.holder AND l.expires_at > now() THEN l.token ELSE l.token + 1 END,
         holder = excluded.holder,
         expires_at = excluded.expires_at
       WHERE l.expires_at <= now() OR l.holder = excluded.holder
       ${RETURNING}`,
      [name, holder, ttlMs],
    );
    return rows[0] ? grant(rows[0]) : null;
  }

  /** Extends a running grant (compare-and-set on holder and token); null when it was lost. */
  async renew(g: LeaseGrant, ttlMs: number): Promise<LeaseGrant | null> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE ${LEASE_TABLE} SET expires_at = now() + $4 * interval '1 millisecond'
       WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at > now() ${RETURNING}`,
      [g.name, g.holder, g.token.toString(), ttlMs],
    );
    return rows[0] ? grant(rows[0]) : null;
  }

  /** Ends a grant at once so another node need not wait for its expiry. */
  async release(g: LeaseGrant): Promise<void> {
    await this.pool.query(`UPDATE ${LEASE_TABLE} SET expires_at = '-infinity' WHERE name = $1 AND holder = $2 AND token = $3`, [
      g.name,
      g.holder,
      g.token.toString(),
    ]);
  }

  /** The fencing check: true only while `token` is the newest grant of the lease and unexpired. */
  async isCurrent(name: string, token: bigint): Promise<boolean> {
    const { rowCount } = await this.pool.query(`SELECT 1 FROM ${LEASE_TABLE} WHERE name = $1 AND token = $2 AND expires_at > now()`, [
      name,
      token.toString(),
    ]);
    return rowCount === 1;
  }

  /** Registers or refreshes a node; its row counts as live until `ttlMs` after this beat. */
  async heartbeat(id: string, ttlMs: number, info: Record<string, unknown>): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${NODE_TABLE} AS n (id, started_at, heartbeat_at, expires_at, info)
       VALUES ($1, now(), now(), now() + $2 * interval '1 millisecond', $3)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), expires_at = excluded.expires_at, info = excluded.info`,
      [id, ttlMs, JSON.stringify(info)],
    );
  }

  async leave(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${NODE_TABLE} WHERE id = $1`, [id]);
  }

  /** Nodes whose last heartbeat has not expired. */
  async liveNodes(): Promise<NodeInfo[]> {
    const { rows } = await this.pool.query<{ id: string; s: string; h: string; e: string; info: Record<string, unknown> }>(
      `SELECT id, (extract(epoch FROM started_at) * 1000)::bigint AS s, (extract(epoch FROM heartbeat_at) * 1000)::bigint AS h,
              (extract(epoch FROM expires_at) * 1000)::bigint AS e, info
       FROM ${NODE_TABLE} WHERE expires_at > now() ORDER BY id`,
    );
    return rows.map((r) => ({ id: r.id, startedAt: Number(r.s), heartbeatAt: Number(r.h), expiresAt: Number(r.e), info: r.info }));
  }

  async ping(): Promise<boolean> {
    return this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
