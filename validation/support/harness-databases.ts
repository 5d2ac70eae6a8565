// The PostgreSQL databases harnesses create (./harness.ts). The harness is product code (the
// validation runner boots it outside any test runner), so it registers no test hooks: the test
// setup (test/support/setup.ts) drops them after each test file. Kept tiny so that setup, which
// runs before every test file, loads nothing else.
import type { TestDatabase } from './postgres.ts';

/** Databases of harnesses closed with keepData, by data directory (a restart reopens them). */
export const keptDatabases = new Map<string, TestDatabase>();
/** Every database a harness created in this process: whatever a test left (a restart test that
 *  removed the data directory itself, a failure) is dropped when the file ends. */
export const ownedDatabases = new Set<TestDatabase>();

export async function dropHarnessDatabases(): Promise<void> {
  for (const db of ownedDatabases) await db.drop();
  ownedDatabases.clear();
  keptDatabases.clear();
}
