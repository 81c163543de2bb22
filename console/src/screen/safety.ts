import type { SafetyIntervention } from '@vigie/common';
import type { Logger } from '../lib/log';
import { PerRequestViews, type PerRequestState, type RequestView } from '../lib/per-request';
import type { TechClient } from '../lib/socket';

/** A request's intervention as the practice's app reported it (issue 12), kept fresh by `backup:safety`. */
export interface SafetyView extends RequestView {
  intervention: SafetyIntervention | null;
}

export type SafetyConsoleState = PerRequestState<SafetyView>;

const empty = (): SafetyView => ({ intervention: null, load: 'idle', error: null });
/** A report only moves forward: an answer that arrives after a newer push does not take it back. */
const newer = (a: SafetyIntervention | null, b: SafetyIntervention | null) => (a && (!b || a.updatedAt > b.updatedAt) ? a : b);

/**
 * The safety backup before the technician acts and the intervention's changes, as the console
 * shows them: the hub's kept report (`backup:safety-get`, on open and after a reconnection) and
 * every new one pushed by the hub (`backup:safety`).
 */
export class SafetyConsole extends PerRequestViews<SafetyView> {
  constructor(
    client: TechClient,
    private readonly log: Logger,
  ) {
    super(client, empty);
  }

  attach(): () => void {
    return this.listen(
      this.client.on('backup:safety', (p) =>
        this.patch(p.requestId, (v) => ({ intervention: newer(v.intervention, p.intervention), load: 'ready', error: null })),
      ),
    );
  }

  async load(requestId: string): Promise<void> {
    this.patch(requestId, (v) => ({ load: v.load === 'ready' ? 'ready' : 'loading' }));
    const r = await this.client.request('backup:safety-get', { requestId });
    if (!r.ok) this.log.debug('safety report not available', r.error);
    this.patch(requestId, (v) =>
      r.ok ? { intervention: newer(v.intervention, r.data), load: 'ready', error: null } : { load: 'error', error: r.error },
    );
  }
}
