// One serial queue per key: a task starts once every earlier task of the same key has settled,
// while tasks of different keys run concurrently. Used wherever a read-modify-write must not
// interleave with another on the same thing (a key, a command, a patient, an audit chain).
// A failed task does not block the tasks after it (its caller gets the rejection), and a key whose
// queue has drained is forgotten, so the map holds only keys with work pending.
const settle = () => undefined;

export class KeyedQueue<K = string> {
  readonly #tails = new Map<K, Promise<void>>();

  /** Runs `task` after every task queued before it under `key`; resolves or rejects as it does. */
  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.then(settle, settle);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }

  /** How many keys have a task queued or running. */
  get pending(): number {
    return this.#tails.size;
  }
}
