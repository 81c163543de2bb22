import type { CapabilityContext } from '../app.js';
import type { Logger } from './ports.js';

/** The part of the app's hub connection a send needs. */
export type HubLink = Pick<CapabilityContext['hub'], 'connected' | 'emitAck'>;

/**
 * The backup capability's sends to the hub that must keep their order — a technician restore's
 * progress (restore-forward.ts) and the safety reports (safety-reports.ts): one at a time, each
 * after the ones queued before it; a failed one is logged and never stops the next.
 */
export class HubSender {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly hub: () => HubLink | null,
    private readonly log: Logger,
  ) {}

  /** Queues `task` with the hub connected now (nothing without one); a failure is logged as `failed`. */
  queue(failed: string, task: (hub: HubLink) => Promise<void>): void {
    const hub = this.hub();
    if (!hub) return;
    this.chain = this.chain.then(() => task(hub)).catch((e: unknown) => this.log.warn(failed, { err: e }));
  }
}
