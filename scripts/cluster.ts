// `npm run cluster -- --nodes 3`: a local cluster (docs/scaling.md): redis-server, PostgreSQL (a
// fresh database on the local server, or --store-url), N nodes each running the `npm start`
// program in cluster mode, and HAProxy in front; the demo simulators connect through HAProxy.
// Secrets (master key, store URL with its password, Redis password) are generated into 0600
// files under DIR/secrets; Ctrl-C stops every process this command started: nodes (with their
// simulators) first, then HAProxy and Redis, each in a process group of its own so that the
// terminal's SIGINT reaches only this script. It runs under `node --import tsx`, not the tsx
// command, whose signal relay SIGKILLs a child that does not acknowledge a signal within 30 ms
// (a loaded machine) and so left every node running.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createTestDatabase, findPostgres } from '../validation/support/postgres.ts';
import { CLUSTER_USAGE, parseClusterOptions, type ClusterOptions } from './cluster/options.ts';
import { exited, freePort, missingClusterPackages, startHaproxy, startRedisServer, waitReady, type HaproxyFront, type RedisServer } from './cluster/rig.ts';
import { PLATFORM_NODE_FLAGS } from './node-flags.ts';

const root = resolve(import.meta.dirname, '..');
const MARKER = '.custodia-cluster';

function secretFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The store URL: given, remembered from an earlier run, or a fresh database on the local server. */
async function storeUrl(opts: ClusterOptions, secrets: string): Promise<{ url: string; created: boolean } | { error: string }> {
  if (opts.storeUrl) return { url: opts.storeUrl, created: false };
  const remembered = join(secrets, 'store-url');
  if (existsSync(remembered)) return { url: readFileSync(remembered, 'utf8').trim(), created: false };
  const admin = await findPostgres();
  if (!admin) {
    return {
      error:
        'no PostgreSQL reachable: install the Debian package postgresql and give a role that may create databases ' +
        '(CUSTODIA_TEST_PG_URL=postgres://user:password@127.0.0.1:5432/postgres, see .ci/run), or point the cluster at ' +
        'an existing database with --store-url postgres://…',
    };
  }
  const db = await createTestDatabase(admin);
  secretFile(remembered, db.url + '\n');
  return { url: db.url, created: true };
}

async function dropRemembered(secrets: string): Promise<void> {
  const remembered = join(secrets, 'store-url');
  if (!existsSync(remembered)) return;
  const url = new URL(readFileSync(remembered, 'utf8').trim());
  const name = url.pathname.slice(1);
  const admin = await findPostgres();
  if (!admin) throw new Error('--reset: no PostgreSQL reachable to drop the earlier database');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseClusterOptions(argv);
  if (!parsed.ok) {
    console.error(`${parsed.error}\n\n${CLUSTER_USAGE}`);
    return 2;
  }
  const opts = parsed.options;
  if (opts.help) {
    console.log(CLUSTER_USAGE);
    return 0;
  }
  const missing = missingClusterPackages();
  if (missing.length) {
    console.error(`npm run cluster needs the Debian package${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}: apt-get install ${missing.join(' ')}`);
    return 1;
  }
  const dir = resolve(opts.dir);
  if (existsSync(dir) && !existsSync(join(dir, MARKER)) && readdirNonEmpty(dir)) {
    console.error(`${dir} exists and was not made by npm run cluster: choose another --dir`);
    return 1;
  }
  const secrets = join(dir, 'secrets');
  if (opts.reset && existsSync(dir)) {
    await dropRemembered(secrets);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  chmodSync(secrets, 0o700);
  writeFileSync(join(dir, MARKER), 'made by npm run cluster\n');
  const masterKeyFile = join(secrets, 'master.key');
  if (!existsSync(masterKeyFile)) secretFile(masterKeyFile, randomBytes(32).toString('hex') + '\n');

  const store = await storeUrl(opts, secrets);
  if ('error' in store) {
    console.error(store.error);
    return 1;
  }

  const children: ChildProcess[] = [];
  let redis: RedisServer | undefined;
  let front: HaproxyFront | undefined;
  let stopping = false;
  const stopAll = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping ${children.length} node(s), HAProxy and Redis…`);
    // Each node runs in its own process group with its simulators: the group goes together.
    await Promise.all(children.map((c) => stopGroup(c, 10_000)));
    await front?.stop();
    await redis?.stop();
  };
  process.on('SIGINT', () => void stopAll('SIGINT').then(() => process.exit(0)));
  process.on('SIGTERM', () => void stopAll('SIGTERM').then(() => process.exit(0)));

  try {
    const redisDir = join(secrets, 'redis');
    mkdirSync(redisDir, { recursive: true, mode: 0o700 });
    redis = await startRedisServer(redisDir, undefined, { ownGroup: true });
    const nodes = [];
    for (let i = 1; i <= opts.nodes; i++) nodes.push({ name: `node-${i}`, host: '127.0.0.1', httpPort: await freePort(), mqttPort: await freePort() });
    // The front first: the demo simulators of node 1 connect through it as soon as they start.
    front = await startHaproxy(secrets, { nodes, httpPort: opts.httpPort, mqttPort: opts.mqttPort, checkIntervalMs: 1000 }, { ownGroup: true });
    const frontHttp = `http://127.0.0.1:${front.httpPort}`;
    for (const [i, n] of nodes.entries()) {
      if (stopping) break; // Ctrl-C while starting: start nothing more
      const dataDir = join(dir, n.name);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const demo = opts.demo && i === 0;
      const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, '--import', 'tsx', join(root, 'scripts/start.ts')], {
        cwd: root,
        detached: true,
        stdio: ['ignore', i === 0 ? 'inherit' : 'ignore', 'inherit'],
        env: {
          ...process.env,
          CUSTODIA_DATA_DIR: dataDir,
          CUSTODIA_STORE_URL: store.url,
          MONGODB_URI: '',
          CUSTODIA_REDIS_URL: redis.url,
          CUSTODIA_NODE_ID: n.name,
          CUSTODIA_MASTER_KEY_FILE: masterKeyFile,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(n.httpPort),
          MQTT_HOST: '127.0.0.1',
          MQTT_PORT: String(n.mqttPort),
          LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
          // HAProxy adds X-Forwarded-For: the lock-out and limits see the client, not the front.
          TRUST_PROXY: 'loopback',
          CUSTODIA_ALLOWED_ORIGINS: [frontHttp, `http://localhost:${front.httpPort}`].join(','),
          CUSTODIA_DEMO: demo ? '1' : '0',
          ...(demo ? { CUSTODIA_DEMO_MQTT_URL: `mqtt://127.0.0.1:${front.mqttPort}` } : {}),
        },
      });
      children.push(child);
      child.once('exit', (code, signal) => {
        if (!stopping) console.error(`${n.name} exited (${code ?? signal}); the others go on, HAProxy routes around it`);
      });
      // One after the other: the first node creates the schema, the demo tenants and accounts.
      await waitReady(n.httpPort, 180_000);
      console.log(`  ${n.name} ready (pid ${child.pid}, http ${n.httpPort}, mqtt ${n.mqttPort})`);
    }
    console.log(
      [
        '',
        `  Custodia cluster of ${opts.nodes} node(s) is running`,
        `  dashboard and API   ${frontHttp}/   (HAProxy, sticky by cookie)`,
        `  MQTT (devices)      mqtt://127.0.0.1:${front.mqttPort}   (HAProxy, TCP)`,
        `  Redis               127.0.0.1:${redis.port}   (password in ${join(secrets, 'redis', 'redis.conf')})`,
        `  store               PostgreSQL${store.created ? ' (fresh database; URL in ' + join(secrets, 'store-url') + ')' : ''}`,
        `  data and secrets    ${dir}   (demo accounts in ${join(dir, 'node-1', 'demo-credentials.txt')})`,
        `  simulators          ${opts.demo ? 'both demo fleets, through HAProxy' : 'off (--no-demo)'}`,
        '  Stop with Ctrl+C. Start afresh with --reset.',
        '',
      ].join('\n'),
    );
    await new Promise(() => undefined);
    return 0;
  } catch (err) {
    console.error(`cluster failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll('error');
    return 1;
  }
}

/** SIGTERM to a node's process group (the node and its simulators), SIGKILL after the grace. */
async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    await exited(child);
    clearTimeout(timer);
  }
  signal('SIGKILL');
}

const readdirNonEmpty = (dir: string) => readdirSync(dir).length > 0;

process.exitCode = await main(process.argv.slice(2));
