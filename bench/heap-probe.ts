// The server side of the memory run's second figure: a server child answers `{"type":"heap"}`
// on stdin with its heap after two full collections. Peak RSS (the target's figure) also holds
// whatever garbage the connection storm left before the collector ran; the heap after a full
// collection is what the connected devices themselves keep alive, so the two together say how
// much of a per-device figure is state and how much is collection timing.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createInterface } from 'node:readline';

export interface HeapAnswer {
  type: 'heap';
  heapUsedBytes: number;
}

/** `gc` without starting the process with --expose-gc (V8 exposes it to contexts made after). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Listens on stdin for heap probes; stdin's end still means the orchestrator is gone. */
export function answerHeapProbes(): void {
  let gc: (() => void) | undefined;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (!line.includes('"heap"')) return;
    gc ??= collector();
    gc();
    gc();
    const answer: HeapAnswer = { type: 'heap', heapUsedBytes: process.memoryUsage().heapUsed };
    process.stdout.write(JSON.stringify(answer) + '\n');
  });
}
