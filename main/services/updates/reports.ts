import type { UpdateReport } from '@vigie/common';
import type { UpdateReporter } from './ports.js';
import type { PersistedUpdateState } from './state.js';

/**
 * The reports the updater owes the hub (`update:report`): kept in the saved state's outbox
 * before anything is sent (bounded, oldest dropped first), sent in order, each leaving the outbox
 * only once the hub has it.
 */

/** A report before the service stamps it with its channel and time. */
export type UpdateReportDraft = Omit<UpdateReport, 'channel' | 'at'>;

export const OUTBOX_MAX = 100;

/** The outbox with `report` queued last; the oldest reports go first when it is full. */
export function queueReport(outbox: readonly UpdateReport[], report: UpdateReport, max: number = OUTBOX_MAX): UpdateReport[] {
  const next = [...outbox, report];
  return next.length > max ? next.slice(next.length - max) : next;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** Sends the queued reports in order, one flush at a time; stops at the first failure (kept for the next try). */
export class ReportOutbox {
  private flushing = false;

  constructor(
    private readonly reporter: UpdateReporter,
    private readonly state: () => PersistedUpdateState,
    private readonly save: () => Promise<void>,
  ) {}

  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.state().outbox.length > 0) {
        const next = this.state().outbox[0]!;
        try {
          await this.reporter.report(next);
        } catch {
          return;
        }
        if (this.state().outbox[0] === next) this.state().outbox.shift();
        await this.save();
      }
    } finally {
      this.flushing = false;
    }
  }
}
