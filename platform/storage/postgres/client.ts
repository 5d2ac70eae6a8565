// One checked-out connection of the pool, for the provider (schema set-up) and the store
// (transactions). While checked out the pool does not listen for a dropped socket; without a
// listener that 'error' event would crash the process (the query in flight rejects on its own).
// A connection that failed, by a socket error or a connection error from the work, is destroyed
// on release, never reused.
import type pg from 'pg';
import { isConnectionError } from './rows.ts';

/** `broken(err)` lets the work mark the connection unusable itself (a failed ROLLBACK). */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient, broken: (err: Error) => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const markBroken = (err: Error) => {
    broken ??= err;
  };
  client.on('error', markBroken);
  try {
    return await work(client, markBroken);
  } catch (err) {
    if (isConnectionError(err)) markBroken(err as Error);
    throw err;
  } finally {
    client.off('error', markBroken);
    client.release(broken);
  }
}
