/**
 * Devices' last-seen times: noted in memory as devices are seen, written in batches (one flush at
 * a time, in transactions of SEEN_PER_TRANSACTION, device ids in order), never moving a time back.
 */
import type { Db } from '../store/db.js';
import { nowIso } from '../util.js';

/** Last-seen times written per transaction (flushSeen). */
const SEEN_PER_TRANSACTION = 200;

export class LastSeen {
  private seen = new Map<string, string>();
  /** The flush running, if any: one at a time, so an older time never lands after a newer one. */
  private flushing: Promise<number> = Promise.resolve(0);

  constructor(private readonly db: Db) {}

  /** Notes that a device was seen now; written in batches by flush (one transaction for many devices). */
  mark(deviceId: string): void {
    this.seen.set(deviceId, nowIso());
  }

  /** Writes the times noted so far; resolves with how many devices were written. */
  flush(): Promise<number> {
    const next = this.flushing.catch(() => 0).then(() => this.flushNow());
    this.flushing = next;
    return next;
  }

  private async flushNow(): Promise<number> {
    if (this.seen.size === 0) return 0;
    // In id order: two hub nodes flushing the same devices (a device that moved) lock their rows in the same order.
    const batch = [...this.seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.seen = new Map();
    // In transactions of SEEN_PER_TRANSACTION, a turn of the event loop between them: thousands of
    // devices connecting at once never hold the hub's other events behind one long write.
    for (let i = 0; i < batch.length; i += SEEN_PER_TRANSACTION) {
      if (i > 0) await new Promise((r) => setImmediate(r));
      await this.db.transaction().execute(async (trx) => {
        // Never backwards: another node may have written a later time for a device that moved to it (ISO times compare as text).
        for (const [id, at] of batch.slice(i, i + SEEN_PER_TRANSACTION))
          await trx
            .updateTable('devices')
            .set({ last_seen_at: at })
            .where('id', '=', id)
            .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', at)]))
            .execute();
      });
    }
    return batch.length;
  }
}
