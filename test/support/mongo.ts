// Finds a MongoDB server for the tests that need one:
//   MONGODB_URI set            → that server (each run uses its own database prefix, dropped after)
//   MONGOMS_SYSTEM_BINARY set  → a one-member replica set from mongodb-memory-server on that binary
//   neither                    → null: the suites register as skipped, with MONGO_SKIP_NOTICE
import mongoose from 'mongoose';

export const MONGO_SKIP_NOTICE = 'skipped: no MongoDB reachable (set MONGODB_URI or MONGOMS_SYSTEM_BINARY)';

export interface MongoTarget {
  uri: string;
  stop: () => Promise<void>;
}

export async function findMongo(): Promise<MongoTarget | null> {
  const uri = process.env.MONGODB_URI;
  if (uri) return { uri, stop: async () => undefined };
  if (process.env.MONGOMS_SYSTEM_BINARY) {
    // mongodb-memory-server reads MONGOMS_SYSTEM_BINARY itself; wiredTiger because transactions
    // and journaled writes are what is being tested.
    const { MongoMemoryReplSet } = await import('mongodb-memory-server');
    const rs = await MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: 'wiredTiger' } });
    return { uri: rs.getUri(), stop: async () => void (await rs.stop()) };
  }
  return null;
}

/** Drops every database whose name starts with `prefix` (one run's data only). */
export async function dropMongoPrefixed(uri: string, prefix: string): Promise<void> {
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const client = conn.getClient();
    const { databases } = (await client.db('admin').command({ listDatabases: 1, nameOnly: true, filter: { name: { $regex: `^${prefix}` } } })) as {
      databases: { name: string }[];
    };
    for (const { name } of databases) if (name.startsWith(prefix)) await client.db(name).dropDatabase();
  } finally {
    await conn.close();
  }
}
