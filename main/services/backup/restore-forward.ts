import type { BackupScope, RestoreJob } from '@vigie/common';
import type { HubSender } from './hub-sender.js';
import type { Logger } from './ports.js';
import { FINAL } from './restore-jobs.js';

/**
 * A technician's restore followed from the hub: every state change at once, the progress itself at
 * most every 500 ms, and the last word on each job sent again after a reconnection until the hub
 * has it. Sent through the capability's ordered hub sends (hub-sender.ts).
 */

/** Progress of a technician's restore goes to the hub at most this often (state changes at once). */
export const FORWARD_EVERY_MS = 500;

/** How long `job` waits before it is sent: nothing for a new state or the end, else what is left of 500 ms since the last send. */
export function forwardDelay(job: RestoreJob, lastState: RestoreJob['state'] | null, lastAt: number, now: number): number {
  return job.state !== lastState || FINAL.has(job.state) ? 0 : Math.max(0, FORWARD_EVERY_MS - (now - lastAt));
}

interface Forward {
  scope: BackupScope;
  latest: RestoreJob;
  lastState: RestoreJob['state'] | null;
  lastAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class ProgressForwarder {
  private readonly forwards = new Map<string, Forward>();

  constructor(
    private readonly sender: HubSender,
    private readonly log: Logger,
  ) {}

  /** Progress to the hub: every state change, and the progress itself at most every 500 ms. */
  forward(scope: BackupScope, job: RestoreJob): void {
    let f = this.forwards.get(job.id);
    if (!f) this.forwards.set(job.id, (f = { scope, latest: job, lastState: null, lastAt: 0, timer: null }));
    f.latest = job;
    const wait = forwardDelay(job, f.lastState, f.lastAt, Date.now());
    if (wait === 0) {
      if (f.timer) clearTimeout(f.timer);
      f.timer = null;
      this.send(f);
    } else if (!f.timer) {
      const entry = f;
      f.timer = setTimeout(() => {
        entry.timer = null;
        this.send(entry);
      }, wait);
      f.timer.unref?.();
    }
  }

  /** After a reconnection: the last word on each technician restore not yet delivered. */
  flush(): void {
    for (const f of this.forwards.values()) if (FINAL.has(f.latest.state) && !f.timer) this.send(f);
  }

  stop(): void {
    for (const f of this.forwards.values()) if (f.timer) clearTimeout(f.timer);
  }

  private send(f: Forward): void {
    const job = f.latest;
    f.lastState = job.state;
    f.lastAt = Date.now();
    this.sender.queue('restore progress failed', async (hub) => {
      if (!hub.connected) return; // the end is sent again on reconnection (flush)
      const r =
        'requestId' in f.scope
          ? await hub.emitAck('backup:restore-progress', { requestId: f.scope.requestId, job })
          : await hub.emitAck('backup:access-progress', { accessId: f.scope.accessId, job });
      if (r.ok && FINAL.has(job.state) && this.forwards.get(job.id) === f) this.forwards.delete(job.id);
      if (!r.ok) this.log.debug('restore progress not delivered', { code: r.error.code });
    });
  }
}
