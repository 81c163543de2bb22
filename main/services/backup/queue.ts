/**
 * The restic runs of this app that take a repository lock, per repository, as restic itself
 * allows them: `backup` and `restore` take a shared lock and run side by side (a restore never
 * waits behind a whole backup); `forget --prune`, `check`, `init` take the repository alone and
 * wait for the shared ones to end (and make new ones wait). Read-only queries use `--no-lock`
 * and do not queue. Restores go ahead of queued maintenance: a practitioner waiting for a file
 * matters more than a prune.
 */
export type Priority = 'high' | 'normal';

/** What restic takes for each operation: shared (non-exclusive) lock or the whole repository. */
const SHARED: ReadonlySet<string> = new Set(['backup', 'restore']);

interface Task {
  label: string;
  priority: Priority;
  shared: boolean;
  start: () => void;
}

export class RepoQueue {
  private readonly pending = new Map<string, Task[]>();
  private readonly active = new Map<string, Task[]>();

  /** Label of an operation running on `key` (the first started), if any. */
  running(key: string): string | null {
    return this.active.get(key)?.[0]?.label ?? null;
  }

  queued(key: string): number {
    return this.pending.get(key)?.length ?? 0;
  }

  run<T>(key: string, label: string, fn: () => Promise<T>, priority: Priority = 'normal'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const task: Task = {
        label,
        priority,
        shared: SHARED.has(label),
        start: () => {
          const list = this.active.get(key) ?? [];
          list.push(task);
          this.active.set(key, list);
          let p: Promise<T>;
          try {
            p = fn();
          } catch (e) {
            p = Promise.reject(e);
          }
          p.then(resolve, reject).finally(() => {
            const left = (this.active.get(key) ?? []).filter((t) => t !== task);
            if (left.length > 0) this.active.set(key, left);
            else this.active.delete(key);
            this.next(key);
          });
        },
      };
      const list = this.pending.get(key) ?? [];
      if (priority === 'high') {
        const firstNormal = list.findIndex((t) => t.priority === 'normal');
        list.splice(firstNormal === -1 ? list.length : firstNormal, 0, task);
      } else list.push(task);
      this.pending.set(key, list);
      this.next(key);
    });
  }

  /** Starts the tasks at the head of the line that can run with what is running (in order: nobody jumps the line). */
  private next(key: string): void {
    const list = this.pending.get(key);
    while (list && list.length > 0) {
      const head = list[0]!;
      const running = this.active.get(key) ?? [];
      const fits = running.length === 0 || (head.shared && running.every((t) => t.shared));
      if (!fits) break;
      list.shift();
      head.start();
    }
    if (list && list.length === 0) this.pending.delete(key);
  }
}
