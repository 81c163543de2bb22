import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../platform/ports.js';
import { isInside } from './detector.js';

/**
 * What changed in the practice folders, from the system's file notifications, confirmed by the
 * file system itself.
 *
 * Notifications are hints only: macOS (FSEvents) coalesces them, Windows (ReadDirectoryChangesW)
 * drops them when its buffer overflows, and no platform pairs a rename's two names reliably. So
 * each hinted path is looked at (`lstat`, links never followed) and compared with an index of
 * every file's size and modification time: a file that differs was written, a file that vanished
 * was deleted. A periodic walk of the whole tree (`rescanMs`) catches whatever the notifications
 * missed, and is all there is when they cannot be had (a network share, no inotify watches left).
 *
 * Notifications: `fs.watch(root, { recursive: true })` on macOS and Windows, where the system
 * watches a tree natively; one non-recursive `fs.watch` per folder on Linux (inotify has no
 * recursive mode; Node's own emulation differs between versions, so the watcher keeps the
 * per-folder watches itself and adds one for every new folder).
 */

export interface FileChange {
  path: string;
  kind: 'written' | 'deleted';
  /** A file not in the index before (new, or the new name of a rename). */
  created: boolean;
}

export interface WatcherOptions {
  roots: readonly string[];
  logger: Logger;
  /** Receives the changes of one flush, in order; the next flush waits for it. */
  onChanges: (changes: FileChange[]) => Promise<void>;
  /** Paths never reported (Vigie's own files). */
  ignore?: (path: string) => boolean;
  /** Paths looked at without waiting for quiet (the control files: nothing else touches them). */
  priority?: (path: string) => boolean;
  /** Quiet time after the last hint before the hinted paths are looked at (default 100 ms). */
  debounceMs?: number;
  /** Longest a hint waits under a continuous stream of them (default 300 ms: an attack never keeps it quiet). */
  maxDelayMs?: number;
  /** Full walk this often (default 10 min; 1 min when notifications are unavailable). */
  rescanMs?: number;
  /** 'auto': recursive on macOS/Windows, per folder on Linux; 'poll': walks only. */
  mode?: 'auto' | 'recursive' | 'per-folder' | 'poll';
  platform?: NodeJS.Platform;
  /** Files indexed at most (a bound on memory); beyond, deeper folders are walked but not indexed. */
  maxFiles?: number;
}

/** What tells a rewrite: size, modification and change times, and the inode (a file replaced by rename). */
interface Entry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

type Stat = Entry;

export class PracticeWatcher {
  private readonly index = new Map<string, Entry>();
  private readonly dirs = new Set<string>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly dirty = new Set<string>();
  private debounce: ReturnType<typeof setTimeout> | null = null;
  private firstHintAt = 0;
  private rescanTimer: ReturnType<typeof setInterval> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = true;
  private degraded = false;
  private readonly log: Logger;
  private readonly mode: 'recursive' | 'per-folder' | 'poll';

  constructor(private readonly o: WatcherOptions) {
    this.log = o.logger.child({ svc: 'tripwire-watch' });
    const platform = o.platform ?? process.platform;
    this.mode = !o.mode || o.mode === 'auto' ? (platform === 'linux' ? 'per-folder' : 'recursive') : o.mode;
  }

  /** Files known (for the state shown and tests). */
  get size(): number {
    return this.index.size;
  }

  /** True when notifications could not be set up everywhere: walks only. */
  get polling(): boolean {
    return this.mode === 'poll' || this.degraded;
  }

  /** Indexes every file (no change reported for what is already there), then watches. */
  async start(): Promise<void> {
    this.stopped = false;
    for (const root of this.o.roots) await this.walk(root, false);
    if (this.mode === 'recursive') for (const root of this.o.roots) this.watchTree(root);
    else if (this.mode === 'per-folder') for (const d of this.dirs) this.watchDir(d);
    this.armRescan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = null;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.chain;
  }

  /** Walks everything now and reports the differences (the periodic safety net; tests call it too). */
  rescan(): Promise<void> {
    return this.enqueue(async () => {
      const seen = new Set<string>();
      const changes: FileChange[] = [];
      for (const root of this.o.roots) await this.walk(root, true, changes, seen);
      for (const path of [...this.index.keys()]) {
        if (!seen.has(path)) {
          this.index.delete(path);
          changes.push({ path, kind: 'deleted', created: false });
        }
      }
      for (const d of [...this.dirs]) if (!seen.has(d)) this.forgetDir(d, changes);
      if (changes.length) await this.o.onChanges(changes);
    });
  }

  /** Waits for the changes hinted so far to be looked at and reported. */
  async settle(): Promise<void> {
    if (this.debounce) {
      clearTimeout(this.debounce);
      this.debounce = null;
      void this.enqueue(() => this.flush());
    }
    await this.chain;
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn).catch((e: unknown) => this.log.error('tripwire watcher step failed', { err: e }));
    this.chain = next;
    return next;
  }

  private armRescan(): void {
    const every = this.o.rescanMs ?? (this.polling ? 60_000 : 10 * 60_000);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = setInterval(() => void this.rescan(), every);
    this.rescanTimer.unref?.();
  }

  private degrade(why: string, err: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn('file notifications unavailable: the practice folders are walked regularly instead', { why, err });
    if (!this.stopped && this.o.rescanMs === undefined) this.armRescan();
  }

  private watchTree(root: string): void {
    try {
      const w = watch(root, { recursive: true, persistent: false }, (_type, name) => this.hint(name ? join(root, name.toString()) : root));
      w.on('error', (e) => this.degrade('recursive watch error', e));
      this.watchers.set(root, w);
    } catch (e) {
      this.degrade('recursive watch refused', e);
    }
  }

  private watchDir(dir: string): void {
    if (this.stopped || this.watchers.has(dir) || this.degraded) return;
    try {
      const w = watch(dir, { persistent: false }, (_type, name) => this.hint(name ? join(dir, name.toString()) : dir));
      w.on('error', () => {
        // The folder went away (its deletion is seen through its parent) or the watch broke.
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
    } catch (e) {
      // ENOSPC: no inotify watches left; the walks take over.
      this.degrade('folder watch refused', e);
    }
  }

  private hint(path: string): void {
    if (this.stopped) return;
    if (this.o.ignore?.(path)) return;
    this.dirty.add(path);
    const now = Date.now();
    if (!this.debounce) this.firstHintAt = now;
    else clearTimeout(this.debounce);
    const wait = this.o.priority?.(path)
      ? 0
      : Math.max(0, Math.min(this.o.debounceMs ?? 100, this.firstHintAt + (this.o.maxDelayMs ?? 300) - now));
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.enqueue(() => this.flush());
    }, wait);
  }

  private async flush(): Promise<void> {
    const paths = [...this.dirty];
    this.dirty.clear();
    const changes: FileChange[] = [];
    for (const path of paths) await this.look(path, changes);
    if (changes.length) await this.o.onChanges(changes);
  }

  /** What is at `path` now, against the index. */
  private async look(path: string, changes: FileChange[]): Promise<void> {
    if (!this.o.roots.some((r) => isInside(path, r))) return;
    const st = await lstat(path).catch(() => null);
    if (!st) {
      if (this.index.delete(path)) changes.push({ path, kind: 'deleted', created: false });
      if (this.dirs.has(path)) this.forgetDir(path, changes);
      return;
    }
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      if (!this.dirs.has(path)) {
        await this.walk(path, true, changes);
        if (this.mode === 'per-folder') for (const d of this.dirs) if (isInside(d, path)) this.watchDir(d);
      }
      return;
    }
    if (!st.isFile()) return;
    this.record(path, st, changes);
  }

  private record(path: string, st: Stat, changes: FileChange[] | null): void {
    const prev = this.index.get(path);
    // ctime too: ransomware rewrites in place at the same size, and within the same mtime tick on coarse clocks.
    if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs && prev.ctimeMs === st.ctimeMs && prev.ino === st.ino) return;
    if (!prev && this.index.size >= (this.o.maxFiles ?? 500_000)) return;
    this.index.set(path, { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
    if (changes && !this.o.ignore?.(path)) changes.push({ path, kind: 'written', created: !prev });
  }

  /** Walks a folder (links never followed); with `report`, differences from the index are changes. */
  private async walk(dir: string, report: boolean, changes: FileChange[] = [], seen?: Set<string>): Promise<void> {
    const stack = [dir];
    while (stack.length) {
      const d = stack.pop()!;
      if (this.o.ignore?.(d)) continue;
      const st = await lstat(d).catch(() => null);
      if (!st?.isDirectory()) continue;
      this.dirs.add(d);
      seen?.add(d);
      const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const p = join(d, e.name);
        if (this.o.ignore?.(p)) continue;
        if (e.isDirectory()) stack.push(p);
        else if (e.isFile()) {
          const fst = await lstat(p).catch(() => null);
          if (!fst?.isFile()) continue;
          seen?.add(p);
          this.record(p, fst, report ? changes : null);
        }
      }
    }
  }

  private forgetDir(dir: string, changes: FileChange[]): void {
    for (const d of [...this.dirs]) {
      if (!isInside(d, dir)) continue;
      this.dirs.delete(d);
      this.watchers.get(d)?.close();
      this.watchers.delete(d);
    }
    for (const p of [...this.index.keys()]) {
      if (isInside(p, dir)) {
        this.index.delete(p);
        changes.push({ path: p, kind: 'deleted', created: false });
      }
    }
  }
}
