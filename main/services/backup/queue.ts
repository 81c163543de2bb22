/**
 * Single flight: never two restic runs that take a repository lock (backup, restore, forget,
 * check, unlock, init) at once on the same repository from this app. Read-only queries use
 * `--no-lock` and do not queue. Restores go ahead of queued maintenance: a practitioner waiting
 * for a file matters more than a prune.
 */
export type Priority = 'high' | 'normal';

interface Task {
  label: string;
  priority: Priority;
  start: () => void;
}

export class RepoQueue {
  private readonly pending = new Map<string, Task[]>();
  private readonly active = new Map<string, string>();

  /** Label of the operation running on `key`, if any. */
  running(key: string): string | null {
    return this.active.get(key) ?? null;
  }

  queued(key: string): number {
    return this.pending.get(key)?.length ?? 0;
  }

  run<T>(key: string, label: string, fn: () => Promise<T>, priority: Priority = 'normal'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const task: Task = {
        label,
        priority,
        start: () => {
          this.active.set(key, label);
          let p: Promise<T>;
          try {
            p = fn();
          } catch (e) {
            p = Promise.reject(e);
          }
          p.then(resolve, reject).finally(() => {
            this.active.delete(key);
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
      if (!this.active.has(key)) this.next(key);
    });
  }

  private next(key: string): void {
    const list = this.pending.get(key);
    const task = list?.shift();
    if (!list || list.length === 0) this.pending.delete(key);
    task?.start();
  }
}
