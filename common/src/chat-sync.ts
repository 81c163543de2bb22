import type { ChatMessage, ChatReceipts } from './domain.js';
import type { ErrorCode, Result } from './result.js';

/**
 * The one chat synchronisation of the app and the console.
 *
 * The hub numbers a request's messages 1, 2, 3… with no holes. A side that holds 1…5 and 8 has
 * missed 6 and 7 (they were sent while it was reconnecting): its resync cursor is 5, not 8, and
 * it acknowledges (delivered/read) at most up to 5. A live message that reveals such a gap asks
 * for a resync of its conversation; a resync that fails is retried with back-off, never dropped.
 */

/** Errors after which the same call can still succeed later: the message stays queued, the resync is retried. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'OFFLINE',
  'TIMEOUT',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
  'UNAUTHORIZED',
]);

export const isRetryable = (code: ErrorCode): boolean => RETRYABLE_CODES.has(code);

/**
 * Jittered exponential back-off ("equal jitter"): attempt n (from 0) waits between half and all
 * of min(max, base·2ⁿ), so a hub restart is not met by every client at the same instant.
 */
export function backoffDelay(attempt: number, opts: { baseMs: number; maxMs: number; random?: () => number }): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(ceiling / 2 + (opts.random ?? Math.random)() * (ceiling / 2));
}

/**
 * Messages of `existing` plus those of `incoming` not already held (same id = same message),
 * ordered by hub seq. Returns `existing` itself when nothing is new, so a UI can skip a render.
 */
export function mergeMessages(existing: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return existing as ChatMessage[];
  const byId = new Map(existing.map((m) => [m.id, m]));
  let changed = false;
  for (const m of incoming) {
    if (!byId.has(m.id)) {
      byId.set(m.id, m);
      changed = true;
    }
  }
  if (!changed) return existing as ChatMessage[];
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Highest hub seq held (gaps included). */
export function lastSeq(messages: readonly ChatMessage[]): number {
  let max = 0;
  for (const m of messages) if (m.seq > max) max = m.seq;
  return max;
}

/** Highest seq n such that every message 1…n is held: the resync cursor. `messages` in seq order. */
export function gaplessSeq(messages: readonly ChatMessage[]): number {
  let next = 1;
  for (const m of messages) {
    if (m.seq === next) next++;
    else if (m.seq > next) break;
  }
  return next - 1;
}

/** True when a message is held past a hole (something was missed: resync). */
export const hasGap = (messages: readonly ChatMessage[]): boolean => gaplessSeq(messages) < lastSeq(messages);

/**
 * How far a receipt may claim: the highest seq of a message from the other side that is held
 * with nothing missing before it. Never past a gap, never for one's own messages only.
 */
export function receiptPoint(messages: readonly ChatMessage[], fromOtherSide: (m: ChatMessage) => boolean): number {
  const gapless = gaplessSeq(messages);
  let point = 0;
  for (const m of messages) {
    if (m.seq > gapless) break;
    if (fromOtherSide(m) && m.seq > point) point = m.seq;
  }
  return point;
}

/** Receipts only move forward: a late or replayed receipt never hides a "read" already shown. */
export function mergeReceipts(current: ChatReceipts | null, next: ChatReceipts): ChatReceipts {
  if (!current || current.requestId !== next.requestId) return next;
  return {
    requestId: next.requestId,
    device: {
      delivered: Math.max(current.device.delivered, next.device.delivered, next.device.read, current.device.read),
      read: Math.max(current.device.read, next.device.read),
    },
    technician: {
      delivered: Math.max(current.technician.delivered, next.technician.delivered, next.technician.read, current.technician.read),
      read: Math.max(current.technician.read, next.technician.read),
    },
  };
}

// ---------------------------------------------------------------- resync scheduler

export interface ResyncPage {
  messages: ChatMessage[];
  receipts: ChatReceipts;
  /** More messages follow: ask again from the new cursor. */
  more: boolean;
}

export type ResyncFetch = (
  items: Array<{ requestId: string; afterSeq: number }>,
) => Promise<Result<Array<{ requestId: string; result: Result<ResyncPage> }>>>;

export interface ChatResyncDeps {
  /** Asks the hub for several conversations at once (one page each). */
  fetch: ResyncFetch;
  /** The conversation's resync cursor: gaplessSeq of what is held. */
  cursor(requestId: string): number;
  /** Merges a page into the conversation (and persists it where the side persists chat). */
  apply(requestId: string, page: ResyncPage): void | Promise<void>;
  /** The hub will never sync this conversation (gone, not allowed): stop asking. */
  drop?(requestId: string, code: ErrorCode): void;
  /** Called when a retry is due; defaults to running the resync again. The app runs it inside its own serial sync. */
  retry?(): void;
  log?(message: string, details: Record<string, unknown>): void;
  /** Conversations per hub call (default 25). */
  batchSize?: number;
  backoff?: { baseMs: number; maxMs: number; random?: () => number };
}

/**
 * Which conversations need a resync, and running it: batched, paged until `more` is false,
 * retried with back-off after a failure (the conversations stay wanted), never dropped unless
 * the hub says it never will (FORBIDDEN, NOT_FOUND…).
 */
export class ChatResync {
  /** Conversations to resync, each with the generation of its last want() (a want during a run is never lost). */
  private readonly wanted = new Map<string, number>();
  private generation = 0;
  private running: Promise<boolean> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = false;

  constructor(private readonly deps: ChatResyncDeps) {}

  /** Marks conversations as needing a resync (nothing is sent until `run`). */
  want(requestIds: Iterable<string>): void {
    for (const id of requestIds) this.wanted.set(id, ++this.generation);
  }

  /** Marks and runs soon (coalesced with a run in progress). */
  request(requestIds: Iterable<string>): void {
    this.want(requestIds);
    void this.run();
  }

  isWanted(requestId: string): boolean {
    return this.wanted.has(requestId);
  }

  /** Forgets a conversation (closed, no longer visible). */
  forget(requestId: string): void {
    this.wanted.delete(requestId);
  }

  /** Runs until nothing is wanted. Resolves true when everything is in sync, false when a retry is scheduled. */
  run(): Promise<boolean> {
    if (this.running) return this.running;
    const p = (async () => {
      for (;;) {
        const ok = await this.pass();
        if (!ok || this.wanted.size === 0 || this.stopped) return ok;
      }
    })().finally(() => {
      this.running = null;
    });
    this.running = p;
    return p;
  }

  /** Stops retrying (the wanted set is kept for the next start). */
  stop(): void {
    this.stopped = true;
    this.clearRetry();
  }

  /** Allows runs again after `stop` (a new connection) and resets the back-off. */
  resume(): void {
    this.stopped = false;
    this.failures = 0;
  }

  private async pass(): Promise<boolean> {
    if (this.stopped) return false;
    const batch = [...this.wanted].slice(0, this.deps.batchSize ?? 25);
    if (batch.length === 0) return true;
    const asked = new Map(batch.map(([requestId, generation]) => [requestId, { generation, afterSeq: this.deps.cursor(requestId) }]));
    const r = await this.deps.fetch([...asked].map(([requestId, a]) => ({ requestId, afterSeq: a.afterSeq })));
    if (!r.ok) return this.failed(r.error.code, batch.length, r.error.details);
    let transient: ErrorCode | null = null;
    let retryAfterMs = 0;
    for (const item of r.data) {
      const a = asked.get(item.requestId);
      if (!a) continue;
      if (!item.result.ok) {
        const code = item.result.error.code;
        if (isRetryable(code)) {
          transient = code;
          const after = item.result.error.details?.retryAfterMs;
          if (typeof after === 'number') retryAfterMs = Math.max(retryAfterMs, after);
          continue;
        }
        this.wanted.delete(item.requestId);
        this.deps.log?.('chat resync refused for good', { requestId: item.requestId, code });
        this.deps.drop?.(item.requestId, code);
        continue;
      }
      const page = item.result.data;
      await this.deps.apply(item.requestId, page);
      // Settled unless more pages follow (and the cursor moved: a page that cannot be held is not asked for forever)
      // or another want() came while this page was on its way.
      const progressed = this.deps.cursor(item.requestId) > a.afterSeq;
      if ((!page.more || !progressed) && this.wanted.get(item.requestId) === a.generation) this.wanted.delete(item.requestId);
    }
    // A conversation the answer left out stays wanted: try again later rather than spin.
    if (!transient && [...asked.keys()].some((id) => !r.data.some((item) => item.requestId === id))) transient = 'INTERNAL';
    if (transient) return this.failed(transient, batch.length, { retryAfterMs });
    this.failures = 0;
    return true;
  }

  private failed(code: ErrorCode, conversations: number, details?: Record<string, unknown>): false {
    this.deps.log?.('chat resync failed, will retry', { code, conversations });
    // OFFLINE: the next connection asks again; no timer needed.
    if (code !== 'OFFLINE' && !this.stopped && !this.retryTimer) {
      const after = typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : 0;
      const delay = Math.max(after, backoffDelay(this.failures++, this.deps.backoff ?? { baseMs: 500, maxMs: 10_000 }));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.deps.retry) this.deps.retry();
        else void this.run();
      }, delay);
      (this.retryTimer as { unref?: () => void }).unref?.();
    }
    return false;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
