// The stdin protocol of the validation's load children (load-sim.ts, cluster-fleet.ts): the
// parent writes the plan as the first line, then `stop` when issuing should end early.
import { createInterface } from 'node:readline';
import type { z } from 'zod';

export async function readPlan<S extends z.ZodType>(schema: S): Promise<{ cfg: z.output<S>; stopAsked: () => boolean; close: () => void }> {
  const rl = createInterface({ input: process.stdin });
  const line = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    rl.once('close', () => reject(new Error('no configuration on stdin')));
  });
  rl.removeAllListeners('close');
  let stop = false;
  rl.on('line', (l) => {
    if (l.trim() === 'stop') stop = true;
  });
  return { cfg: schema.parse(JSON.parse(line)), stopAsked: () => stop, close: () => rl.close() };
}
