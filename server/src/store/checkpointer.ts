/**
 * Checkpoints of the SQLite store off the event loop. SQLite's own automatic checkpoint runs inside
 * the commit that crosses 1,000 log pages — on the hub's thread, with two fsyncs (the log, then
 * the database file) — and holds every socket event meanwhile. Here the hub's connection never
 * checkpoints (`wal_autocheckpoint = 0`); a worker thread with its own connection
 * (checkpoint-thread.mjs) runs a PASSIVE checkpoint — which neither waits for nor blocks the
 * hub's writes — every `everyCommits` commits (about SQLite's own 1,000 pages) and every `everyMs`
 * for what is left: as seldom as SQLite would, since each one syncs both files. Should the thread
 * fail, the hub's connection checkpoints again itself (the log never grows without bound).
 */
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
/** The thread's state in the shared buffer (checkpoint-thread.mjs). */
const STARTING = 0;
const CLOSED = 2;
/** How long a closing store waits for the thread's checkpoint in progress (a checkpoint is milliseconds; a wedged disk is not waited out). */
const STOP_WAIT_MS = 10_000;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private stopped = false;
  private commits = 0;
  private readonly everyCommits: number;
  /** Checkpoints that copied pages into the database file (figures). */
  checkpoints = 0;

  constructor(
    file: string,
    private readonly sqlite: SqliteDatabase.Database,
    private readonly onFailure: (why: string) => void = () => undefined,
    opts: { everyMs?: number; everyCommits?: number; onCheckpoint?: (frames: number) => void } = {},
  ) {
    const everyMs = opts.everyMs ?? 10_000;
    this.everyCommits = opts.everyCommits ?? 500;
    sqlite.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(new URL('./checkpoint-thread.mjs', import.meta.url), {
      workerData: { file, everyMs, stateBuffer: this.state.buffer },
      execArgv: [],
    });
    this.worker.unref(); // never what keeps the process alive
    this.worker.on('message', (m: { type: string; error?: string; frames?: number }) => {
      if (m.type === 'checkpointed') {
        this.checkpoints++;
        opts.onCheckpoint?.(m.frames ?? 0);
      } else if (m.type === 'failed') this.onFailure(`checkpoint failed: ${m.error}`);
    });
    this.worker.on('error', (e) => this.fallBack(`checkpoint thread failed: ${e.message}`));
    this.worker.on('exit', (code) => this.fallBack(`checkpoint thread stopped (${code})`));
  }

  /** The hub's connection committed a write: every `everyCommits` of them, the thread checkpoints. */
  commit(): void {
    if (this.stopped || ++this.commits < this.everyCommits) return;
    this.commits = 0;
    this.worker.postMessage('checkpoint');
  }

  /**
   * The store is closing: the thread closes its connection first (after the checkpoint it may be
   * running), so that the hub's connection is the last to close — the one that checkpoints what is
   * left into the database file and removes the log before close() returns.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Not started yet: it will never open.
    if (Atomics.compareExchange(this.state, 0, STARTING, CLOSED) === STARTING) return;
    this.worker.postMessage('stop');
    const deadline = Date.now() + STOP_WAIT_MS;
    while (Atomics.load(this.state, 0) !== CLOSED && Date.now() < deadline) Atomics.wait(this.state, 0, Atomics.load(this.state, 0), 100);
  }

  private fallBack(why: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onFailure(why);
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  }
}
