// A pilot's once-across-the-cluster jobs (PilotContext.singleton). Embedded, the one process
// always holds them. In cluster mode each job is a lease with a fencing token in the shared store
// (cluster/lease-keeper.ts) named `pilot.<pilot>.<job>`; gains and losses are noticed by watching
// the keeper, since a grant also ends by running out locally, with no event to hear.
import { StaleLeaseError } from './errors.ts';
import type { PilotSingleton } from './pilot.ts';

/** What a singleton needs of a lease keeper (cluster/lease-keeper.ts). */
export interface LeaseView {
  held(): unknown;
  /** Bumped on every new grant to this node. */
  readonly generation: number;
  /** Throws StaleLeaseError unless this node's token is still the current one. */
  fence(): Promise<void>;
}

const NAME = /^[a-z0-9][a-z0-9.-]{0,63}$/;

export function checkJobName(name: string): string {
  if (!NAME.test(name)) throw new RangeError(`job name ${JSON.stringify(name)}: lower-case letters, digits, '.' and '-', at most 64`);
  return name;
}

export function embeddedSingleton(name: string): PilotSingleton {
  return {
    name,
    shared: false,
    held: () => true,
    epoch: () => 1,
    onChange: () => () => undefined,
    fence: (write) => write(),
  };
}

export function leasedSingleton(name: string, lease: LeaseView, watchMs = 100): PilotSingleton {
  const listeners = new Set<(held: boolean) => void>();
  let timer: NodeJS.Timeout | undefined;
  let was = false;
  let generation = lease.generation;
  const held = () => lease.held() !== null;
  const emit = (now: boolean) => {
    for (const l of listeners) l(now);
  };
  const watch = () => {
    const now = held();
    // A lease lost and regained between two looks is a loss and a gain all the same.
    const regained = was && now && lease.generation !== generation;
    generation = lease.generation;
    if (regained) {
      emit(false);
      emit(true);
    } else if (now !== was) emit(now);
    was = now;
  };
  return {
    name,
    shared: true,
    held,
    epoch: () => lease.generation,
    onChange(listener) {
      listeners.add(listener);
      if (!timer) {
        was = false;
        generation = lease.generation;
        timer = setInterval(watch, watchMs);
        timer.unref();
        watch();
      }
      return () => {
        listeners.delete(listener);
        if (!listeners.size && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    async fence(write) {
      if (!held()) throw new StaleLeaseError(`job ${name} is not held by this node`);
      await lease.fence();
      return write();
    },
  };
}
