// Child process for the durability test in ./sqlite.test.ts. Commits batches to one tenant store
// as fast as it can and prints "<batch> <total points>" after each commit has returned, until the
// test kills it with SIGKILL. Usage: crash-writer.fixture.ts <dataDir> <batchSize>
import { createSqliteStorage } from './provider.ts';

const [dataDir, sizeArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-writer.fixture.ts <dataDir> <batchSize>');
const batchSize = Number(sizeArg ?? 50);
// A safety stop in case the parent test died without killing us.
const deadline = Date.now() + 30_000;

const storage = await createSqliteStorage({ dataDir });
const store = await storage.tenant('crash-test');

for (let batch = 0; Date.now() < deadline; batch++) {
  const points = Array.from({ length: batchSize }, (_, j) => ({
    series: 'dev-1',
    id: `b${batch}-p${j}`,
    ts: batch * batchSize + j,
    subject: null,
    body: Buffer.from(`reading ${batch}/${j}`),
  }));
  const now = Date.now();
  await store.commit({
    put: [{ kind: 'batch', id: `b${batch}`, subject: null, index: { n: String(batch) }, body: Buffer.from('x'), createdAt: now, updatedAt: now }],
    points,
  });
  // Written only once the commit returned; stdout to a pipe is synchronous on Linux and macOS.
  process.stdout.write(`${batch} ${(batch + 1) * batchSize}\n`);
}
await storage.close();
