import type { BackupSummary } from '@vigie/common';
import type { HubLink } from './hub-sender.js';
import type { Logger } from './ports.js';

/**
 * The backup summary in `device:report`: sent when it changed since the last one the hub
 * acknowledged, one at a time (a change meanwhile sends again once); offline, the next connection
 * sends it; refused for another reason, tried again a little later.
 */
export interface SummaryReportLink {
  hub: () => HubLink | null;
  summary: () => BackupSummary;
  /** False before start and after stop: nothing is sent. */
  active: () => boolean;
  log: Logger;
  /** A report the hub refused (not for being offline) is sent again after this long (default 30 s). */
  retryMs?: number;
}

export class SummaryReport {
  private reported: string | null = null;
  private reporting: Promise<void> | null = null;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly link: SummaryReportLink) {}

  /** Sends the summary to the hub when it changed since the last one it acknowledged (one at a time). */
  report(): void {
    const hub = this.link.hub();
    if (!this.link.active() || !hub) return;
    if (this.reporting) {
      this.again = true;
      return;
    }
    this.reporting = (async () => {
      do {
        this.again = false;
        if (!hub.connected) return;
        const summary = this.link.summary();
        const key = JSON.stringify(summary);
        if (key === this.reported) continue;
        const r = await hub.emitAck('device:report', { backup: summary });
        if (r.ok) this.reported = key;
        else {
          this.link.log.debug('backup report not delivered', { code: r.error.code });
          // Offline: the next connection sends it. Anything else: try again a little later.
          if (r.error.code !== 'OFFLINE' && !this.retryTimer && this.link.active()) {
            this.retryTimer = setTimeout(() => {
              this.retryTimer = null;
              this.report();
            }, this.link.retryMs ?? 30_000);
            this.retryTimer.unref?.();
          }
        }
      } while (this.again);
    })()
      .catch((e: unknown) => this.link.log.warn('backup report failed', { err: e }))
      .finally(() => {
        this.reporting = null;
      });
  }

  /** A (re)connection: the hub may know nothing of this device's backups; the summary goes again. */
  reconnected(): void {
    this.reported = null;
    this.report();
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
