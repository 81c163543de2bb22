/** Who computes and pushes the queue: the port, and the one-node implementation (the cluster's: queue-flush-redis.ts). */
import type { QueueSnapshot } from '@vigie/common';
import { pushKey } from './queue-compose.js';
/**
 * Who computes and pushes the queue after a change. One hub node: always this one
 * (memoryQueueFlush). Several: one node of the cluster per burst of changes (queue-flush-redis.ts).
 */
export interface QueueFlushPort {
  /** A change on this node, for whichever node flushes next; issued before this node's next claim. */
  markDirty(): Promise<void>;
  /** The right to compute and push now, or null when another node is at it (it sees the dirty mark). */
  claim(): Promise<FlushClaim | null>;
  /** After a refused claim, a forced round is tried again this much later (the holder may have died). */
  readonly retryMs: number;
  close(): Promise<void>;
}
export interface FlushClaim {
  /** Is this what the last push said, by whichever node? (a timed look pushes only what changed; compared on pushKey) */
  unchanged(snap: QueueSnapshot): boolean;
  /** A change was marked (by any node) since the last round: push even if the key is the same. */
  dirty: boolean;
  /**
   * What this node remembers telling each waiting device is still what the devices hold: it made the
   * last push and every answer carrying a position (device:hello, help:create) came from it too —
   * one node (memoryQueueFlush). Else every waiting device is told again.
   */
  continues: boolean;
  /** Ends the claim after a round (`pushed`: what it pushed, null if nothing); true when a change was marked meanwhile. */
  release(pushed: QueueSnapshot | null): Promise<boolean>;
}

/** One node: it always flushes, and its own rounds cover its own changes. The last push's key is computed only when a timed look asks. */
export function memoryQueueFlush(): QueueFlushPort {
  let last: QueueSnapshot | null = null;
  let lastKey: string | null = null;
  const claim: FlushClaim = {
    unchanged: (snap) => {
      if (!last) return false;
      lastKey ??= pushKey(last);
      return pushKey(snap) === lastKey;
    },
    dirty: false,
    continues: true,
    release: async (pushed) => {
      if (pushed) {
        last = pushed;
        lastKey = null;
      }
      return false;
    },
  };
  return { markDirty: async () => undefined, claim: async () => claim, retryMs: 0, close: async () => undefined };
}
