/**
 * Group commit for the embedded SQLite store: every acknowledged write on disk, without an fsync
 * on the event loop at each commit.
 *
 * With `synchronous = FULL`, SQLite syncs the write-ahead log inside every COMMIT — a call that
 * blocks the hub's only thread for as long as the disk takes (75–290 ms on a busy shared disk),
 * while every other device and technician waits. Instead the connection runs `synchronous =
 * NORMAL` (a commit writes the log, SQLite still syncs its header when the log restarts and both
 * files at each checkpoint) and this module syncs the log itself: after the commits of one turn of
 * the event loop, one `fsync` of the `-wal` file on the thread pool covers all of them (group
 * commit). The hub tells nobody about a write before it is on disk: every socket.io message
 * (answers in socket/dispatch.ts, pushes and room changes through socket/outbound.ts) goes through
 * `after()`, a first-in first-out line released as syncs complete, so messages leave in the order
 * they were made — the order FULL gives — each after the commits made before it; the HTTP reply
 * (http/server.ts) awaits `durable()`. Same guarantee as FULL for what the hub says; the event loop
 * never waits for the disk. A commit made while a sync runs starts its own at once (up to
 * MAX_SYNCS_IN_FLIGHT), so a slow fsync delays only what it covers; outcomes count in start order.
 */
import { close, fsync, open } from 'node:fs';

/** One fsync of the log, covering the commits counted when it started. */
type Sync = { upTo: number; done: boolean; error: Error | null };
/** fsyncs of the log running at once (the thread pool has 4 threads; the rest of the hub's file work keeps one). */
const MAX_SYNCS_IN_FLIGHT = 3;
type Waiter = { upTo: number; resolve: () => void; reject: (e: Error) => void };
/** A message held until the commits before it are on disk; `refused`: what to do if the disk refused them (default: run). */
type Held = { upTo: number; run: () => void; refused?: ((e: Error) => void) | undefined };

/** Sends something to clients once what it tells is on disk (GroupCommit.after; at once where each commit is durable). */
export interface Outbound {
  after(run: () => void, refused?: (e: Error) => void): void;
}
/** Where every commit returns once on disk (Postgres, SQLite FULL) or durability is given up (NORMAL): at once. */
export const immediateOutbound: Outbound = { after: (run) => run() };

export class GroupCommit implements Outbound {
  /** Commits made so far (counted by the connection wrapper) and how many of them are on disk. */
  private committed = 0;
  private synced = 0;
  private waiters: Waiter[] = [];
  /** Messages in the order they were made, each waiting for the commits before it. */
  private held: Held[] = [];
  /** A sync is to start after this turn. */
  private scheduled = false;
  /** Syncs running, in the order they started. */
  private inFlight: Sync[] = [];
  private fd: Promise<number | null> | null = null;
  private closed = false;
  /** fsync calls made: fewer than commits when commits are grouped. */
  private syncs = 0;

  constructor(
    private readonly walFile: string,
    /** A held message threw when let go (its socket gone…): told here; the next ones still go. */
    private readonly onMessageError: (e: unknown) => void = () => undefined,
    /** The disk's fsync (tests hold or fail it: the edge this module cannot otherwise steer). */
    private readonly syncFile: (fd: number, done: (e: Error | null) => void) => void = fsync,
  ) {}

  /** A transaction (or a statement outside one) that changed something has just committed. */
  commit(): void {
    this.committed++;
    this.schedule();
  }

  /** Resolves once every commit made before this call is on disk; rejects if the disk refused the sync. */
  durable(): Promise<void> {
    if (this.synced >= this.committed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo: this.committed, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Runs `run` once every commit made before this call is on disk, after everything handed here
   * earlier (first in, first out): at once when nothing is pending. If the disk refused the sync,
   * `refused` runs instead (default: `run`, logged by whoever cares).
   */
  after(run: () => void, refused?: (e: Error) => void): void {
    if (this.closed || (this.held.length === 0 && this.synced >= this.committed)) return run();
    this.held.push({ upTo: this.committed, run, refused });
    this.schedule();
  }

  /** Commits counted, how many of them are known on disk, and the fsync calls that took (figures). */
  stats(): { committed: number; synced: number; syncs: number } {
    return { committed: this.committed, synced: this.synced, syncs: this.syncs };
  }

  /** Syncs what is left, then lets the file go (the store is closing). */
  async close(): Promise<void> {
    await this.durable().catch(() => undefined);
    this.closed = true;
    this.release(Infinity, null);
    const fd = await this.fd?.catch(() => null);
    if (fd !== null && fd !== undefined) await new Promise<void>((r) => close(fd, () => r()));
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.inFlight.length >= MAX_SYNCS_IN_FLIGHT) return;
    this.scheduled = true;
    // After the current turn: the commits this turn makes share the one fsync.
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private walFd(): Promise<number | null> {
    // Opened once, at the first sync: the log exists from the first commit on and keeps its inode
    // while the store is open (SQLite rewinds it after a checkpoint, never deletes it). No log yet
    // (nothing written to it): asked again at the next sync rather than remembered.
    const fd = (this.fd ??= new Promise((resolve, reject) =>
      open(this.walFile, 'r', (e, n) => (e ? (e.code === 'ENOENT' ? resolve(null) : reject(e)) : resolve(n))),
    ));
    void fd.then(
      (n) => n === null && this.fd === fd && (this.fd = null),
      () => this.fd === fd && (this.fd = null),
    );
    return fd;
  }

  /**
   * A sync of the commits made so far — at once, even while earlier ones still run: a slow fsync
   * (a busy disk) no longer makes the commits after it wait for it to end before theirs starts.
   */
  private start(): void {
    const upTo = this.committed;
    if (upTo <= (this.inFlight.at(-1)?.upTo ?? this.synced)) return; // the last one started covers them
    const sync: Sync = { upTo, done: false, error: null };
    this.inFlight.push(sync);
    void this.walFd()
      .then((fd) =>
        fd === null
          ? undefined
          : new Promise<void>((resolve, reject) => this.syncFile(fd, (e) => (e ? reject(e) : resolve()))).then(() => void this.syncs++),
      )
      .catch((e: unknown) => {
        sync.error = e instanceof Error ? e : new Error(String(e));
      })
      .finally(() => {
        sync.done = true;
        this.complete();
      });
  }

  /**
   * Syncs' outcomes, in the order they started: a later sync's success counts once every earlier
   * one is known. A failed fsync reports its error to one caller only (the kernel's writeback error
   * is consumed), so the syncs already running when one fails are failures too: nothing they cover is
   * acknowledged, and those waiting are told; later commits try again.
   */
  private complete(): void {
    let failed = false;
    while (this.inFlight[0]?.done) {
      const sync = this.inFlight.shift()!;
      if (!sync.error) {
        this.synced = Math.max(this.synced, sync.upTo);
        this.settle(
          (w) => w.upTo <= this.synced,
          (w) => w.resolve(),
        );
        this.release(this.synced, null);
        continue;
      }
      failed = true;
      const error = sync.error;
      for (const later of this.inFlight) later.error ??= error;
      this.settle(
        (w) => w.upTo <= sync.upTo,
        (w) => w.reject(error),
      );
      this.release(sync.upTo, error);
    }
    // Commits that came while the most syncs were running; after a failure, only for those still waiting (no retry loop of its own).
    if (this.committed > (this.inFlight.at(-1)?.upTo ?? this.synced) && (!failed || this.waiters.length > 0 || this.held.length > 0))
      this.schedule();
  }

  /** The held messages whose commits this sync covered, in order (a message may hand over another: it joins the line). */
  private release(upTo: number, error: Error | null): void {
    while (this.held.length > 0 && this.held[0]!.upTo <= upTo) {
      const h = this.held.shift()!;
      try {
        if (error && h.refused) h.refused(error);
        else h.run();
      } catch (e) {
        // A message that throws (its socket gone) does not hold back the next ones.
        this.onMessageError(e);
      }
    }
  }

  private settle(match: (w: Waiter) => boolean, act: (w: Waiter) => void): void {
    const done = this.waiters.filter(match);
    this.waiters = this.waiters.filter((w) => !match(w));
    for (const w of done) act(w);
  }
}
