// Makes a commit that sqlite wrote with `synchronous = NORMAL` durable off the event loop: an
// fdatasync of the WAL file in libuv's thread pool (what sqlite's own FULL sync does on Linux),
// awaited before the commit is reported done.
// Same guarantee as `synchronous = FULL` (the commit's frames are on disk before anyone is told),
// but the thread that parses, seals and acknowledges the next readings is not held for the
// disk (about a seventh of the ingest thread's time on a virtual disk; bench: `srv µs/rdg`).
// fdatasync(2) flushes the file, not the descriptor, so our own read-only descriptor of
// `<db>-wal` covers the frames sqlite wrote through its own (and the file's size with them).
import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type FileSync = (fd: number) => Promise<void>;

const fsyncInPool: FileSync = (fd) => new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

export class WalSync {
  readonly #path: string;
  readonly #sync: FileSync;
  #wal: { fd: number; ino: number } | null = null;
  /** Descriptors of replaced WAL files, closed once no sync on them can be in flight. */
  #retired: number[] = [];
  #inFlight = 0;
  #closed = false;

  constructor(databaseFile: string, sync: FileSync = fsyncInPool) {
    this.#path = `${databaseFile}-wal`;
    this.#sync = sync;
  }

  /** Call right after the transaction, before anything else touches the database: picks the
   *  WAL file that holds its frames. The returned promise settles once they are durable. */
  afterCommit(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    let fd: number;
    try {
      fd = this.#current();
    } catch (err) {
      return Promise.reject(err);
    }
    this.#inFlight++;
    return this.#sync(fd).finally(() => {
      this.#inFlight--;
      if (this.#inFlight > 0) return;
      for (const old of this.#retired.splice(0)) closeSync(old);
      if (this.#closed) this.#release();
    });
  }

  /** Closes the descriptor once no sync is in flight. */
  close(): void {
    this.#closed = true;
    if (this.#inFlight === 0) this.#release();
  }

  // A WAL file sqlite deleted and made again (the last connection closed, a journal-mode change)
  // is a new inode: reopen, and sync the directory once so the new file's entry is durable too.
  #current(): number {
    const ino = statSync(this.#path).ino;
    if (this.#wal?.ino === ino) return this.#wal.fd;
    if (this.#wal) {
      if (this.#inFlight === 0) closeSync(this.#wal.fd);
      else this.#retired.push(this.#wal.fd);
    }
    const fd = openSync(this.#path, 'r');
    this.#wal = { fd, ino: fstatSync(fd).ino };
    const dir = openSync(dirname(this.#path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return fd;
  }

  #release(): void {
    for (const old of this.#retired.splice(0)) closeSync(old);
    if (this.#wal) closeSync(this.#wal.fd);
    this.#wal = null;
  }
}
