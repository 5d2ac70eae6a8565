// The snapshot contract (test/contract/snapshot.contract.ts) on the embedded adapters; the
// PostgreSQL and MongoDB test files run it against their servers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSnapshotContract } from '../../test/contract/snapshot.contract.ts';
import { createMemoryStorage } from './memory/index.ts';
import { createSqliteStorage } from './sqlite/index.ts';

runSnapshotContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custodia-snap-'));
  const provider = await createSqliteStorage({ dataDir: dir });
  return {
    provider,
    cleanup: async () => {
      await provider.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

runSnapshotContract('memory', async () => {
  const provider = createMemoryStorage();
  return { provider, cleanup: () => provider.close() };
});
