import type { ErrorCode, SafetyIntervention } from '@vigie/common';
import type { HubSender } from './hub-sender.js';
import type { Logger } from './ports.js';

/**
 * The interventions reported to the hub (issue 12): the latest of each request until the hub
 * acknowledges it, the recent ones again on every (re)connection (a restarted hub gets them
 * back; it keeps the newest and audits each event once). Sent through the capability's ordered
 * hub sends (hub-sender.ts).
 */

/** On (re)connection, interventions changed this recently are reported again. */
const SAFETY_RESEND_MS = 7 * 86_400_000;

/** Refusals after which the same report may still be taken later (it stays in the outbox). */
export const retrySafetyReport = (code: ErrorCode): boolean => ['OFFLINE', 'TIMEOUT', 'RATE_LIMITED', 'UNAVAILABLE'].includes(code);

export class SafetyReports {
  /** Reports not yet acknowledged by the hub, the latest per request. */
  private readonly outbox = new Map<string, SafetyIntervention>();

  constructor(
    private readonly sender: HubSender,
    private readonly log: Logger,
  ) {}

  /** The intervention as it stands goes to the hub (the latest per request, until acknowledged). */
  report(i: SafetyIntervention): void {
    this.outbox.set(i.requestId, i);
    this.flush();
  }

  /** On (re)connection: the recent interventions (`all`, the kept ones) again. */
  resend(all: readonly SafetyIntervention[]): void {
    const since = new Date(Date.now() - SAFETY_RESEND_MS).toISOString();
    for (const i of all) if (i.updatedAt >= since && !this.outbox.has(i.requestId)) this.outbox.set(i.requestId, i);
    this.flush();
  }

  private flush(): void {
    this.sender.queue('safety report failed', async (hub) => {
      for (const [requestId, i] of [...this.outbox]) {
        if (!hub.connected) return; // the next connection sends it
        const r = await hub.emitAck('backup:safety-report', { requestId, intervention: i });
        // Delivered, or refused for good (not this device's request…): not sent again unless it changes.
        const retry = !r.ok && retrySafetyReport(r.error.code);
        if (!retry && this.outbox.get(requestId) === i) this.outbox.delete(requestId);
        if (!r.ok) this.log.debug('safety report not delivered', { code: r.error.code });
      }
    });
  }
}
