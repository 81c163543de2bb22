import type { BackupSettings, BackupTrigger, Clock, TimerHandle } from '@vigie/common';
import type { Logger } from './ports.js';
import { decide, nextSlot } from './schedule.js';

/**
 * The backup schedule at work: looked at every `tickMs` while the service runs; a due slot (or a
 * recent one missed, as a catch-up) starts a backup, one missed too long ago is skipped. The
 * decisions themselves are schedule.ts's (pure); the last slot handled is saved in the state.
 */
export interface SchedulerLink {
  clock: Clock;
  /** How often the schedule is looked at (default 30 s). */
  tickMs?: number;
  now: () => Date;
  settings: () => BackupSettings;
  /** The last slot handled (run or skipped), saved in the state. */
  lastSlot: () => string | null;
  saveSlot: (slot: Date) => Promise<void>;
  /** Starts a backup (it answers at once; the run records itself). */
  runBackup: (trigger: BackupTrigger) => void;
  /** False once the service stops: nothing more is armed. */
  active: () => boolean;
  /** What each look does (the service's tick: this schedule, then the status when its headline changed). */
  tick: () => Promise<void>;
  log: Logger;
}

export class BackupScheduler {
  private timer: TimerHandle | null = null;

  constructor(private readonly l: SchedulerLink) {}

  /** Backups can run on their own: enabled, a repository and at least one folder. */
  private configured(): boolean {
    const s = this.l.settings();
    return Boolean(s.enabled && s.repository && s.folders.length > 0);
  }

  nextRunAt(): Date | null {
    if (!this.configured()) return null;
    return nextSlot(this.l.settings().times, this.l.now());
  }

  /** The next look, `tickMs` from now (again after each one) while the service runs. */
  arm(): void {
    if (!this.l.active()) return;
    if (this.timer !== null) this.l.clock.clearTimeout(this.timer);
    this.timer = this.l.clock.setTimeout(() => {
      this.timer = null;
      void this.l.tick().finally(() => this.arm());
    }, this.l.tickMs ?? 30_000);
  }

  disarm(): void {
    if (this.timer !== null) this.l.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Looks at the schedule now: runs a due backup (or a catch-up), skips one missed too long ago. */
  async check(): Promise<void> {
    if (!this.configured()) return;
    const settings = this.l.settings();
    const last = this.l.lastSlot();
    const d = decide(settings.times, this.l.now(), last ? new Date(last) : null, settings.catchUpMinutes);
    if (d.action === 'none') return;
    await this.l.saveSlot(d.slot);
    if (d.action === 'skip')
      this.l.log.info('scheduled backup missed (machine off or asleep), waiting for the next time', { slot: d.slot.toISOString() });
    else this.l.runBackup(d.catchUp ? 'catch-up' : 'schedule');
  }
}
