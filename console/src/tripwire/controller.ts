import type { Result, TripwireAlertRecord } from '@vigie/common';
import type { Logger } from '../lib/log';
import { PerRequestViews, type PerRequestState, type RequestView } from '../lib/per-request';
import type { TechClient } from '../lib/socket';

/** The tripwire alerts of one request, as the workspace shows them. */
export interface RequestAlerts extends RequestView {
  records: TripwireAlertRecord[];
}

export type TripwireConsoleState = PerRequestState<RequestAlerts>;

const empty = (): RequestAlerts => ({ records: [], load: 'idle', error: null });

/** Newest alert first; a record replaces the older one of the same alert. */
export function mergeRecord(records: readonly TripwireAlertRecord[], rec: TripwireAlertRecord): TripwireAlertRecord[] {
  const others = records.filter((r) => !(r.alert.id === rec.alert.id && r.deviceId === rec.deviceId));
  const same = records.find((r) => r.alert.id === rec.alert.id && r.deviceId === rec.deviceId);
  // A late answer never takes a record back (a lifted one stays lifted, evidence only grows).
  const keep = same && (same.status === 'lifted' && rec.status === 'open' ? true : same.updatedAt > rec.updatedAt) ? same : rec;
  return [...others, keep].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}

/**
 * The ransomware tripwire in the request workspace: the alerts of the request with their
 * evidence (which files and when, the last good snapshot), kept fresh by the hub's
 * `tripwire:alert` pushes, and « Lever l'alerte ». The hub decides who may see and lift.
 */
export class TripwireConsole extends PerRequestViews<RequestAlerts> {
  constructor(
    client: TechClient,
    private readonly log: Logger,
  ) {
    super(client, empty);
  }

  attach(): () => void {
    return this.listen(
      this.client.on('tripwire:alert', (rec) => this.patch(rec.requestId, (e) => ({ records: mergeRecord(e.records, rec) }))),
    );
  }

  async load(requestId: string): Promise<void> {
    this.patch(requestId, (e) => ({ load: e.load === 'ready' ? 'ready' : 'loading', error: null }));
    const r = await this.client.request('tripwire:get', { requestId });
    if (!r.ok) {
      this.log.debug('tripwire alerts not available', r.error);
      return this.patch(requestId, () => ({ load: 'error', error: r.error }));
    }
    this.patch(requestId, (e) => ({ load: 'ready', records: r.data.reduce((acc, rec) => mergeRecord(acc, rec), e.records) }));
  }

  async lift(requestId: string, alertId: string): Promise<Result<TripwireAlertRecord>> {
    const r = await this.client.request('tripwire:lift', { requestId, alertId });
    if (r.ok) this.patch(requestId, (e) => ({ records: mergeRecord(e.records, r.data) }));
    return r;
  }
}
