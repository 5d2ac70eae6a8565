// Baseline (a): aedes with nothing of Custodia — default allow-all authentication and
// authorisation, aedes' default in-memory persistence, no pipeline. The same listener shape as
// platform/broker/broker.ts (net.createServer → aedes.handle), so the difference between the two
// figures is Custodia's ingest path and nothing else. Prints one JSON line when it listens.
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { answerHeapProbes } from './heap-probe.ts';

const aedes = new Aedes({ concurrency: 1000 });
await aedes.listen();
const server = createServer((socket) => aedes.handle(socket));
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(process.env['MQTT_PORT'] ?? 0), '127.0.0.1', () => resolve());
});
process.stdout.write(JSON.stringify({ ready: true, mqttPort: (server.address() as AddressInfo).port }) + '\n');

// Orphaned (the orchestrator was killed before it could stop us): stdin closes, and we go.
process.stdin.on('end', () => process.exit(0)).resume();
answerHeapProbes();
process.once('SIGTERM', () => {
  server.close();
  aedes.close(() => process.exit(0));
});
