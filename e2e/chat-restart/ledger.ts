import { gaplessSeq, type ChatMessage } from '@vigie/common';

/**
 * The chat-restart world's accounting, pure: every message sent (by id, side, conversation and
 * order) checked against what each screen shows — lost, duplicated, out of order, holes — and,
 * for what is missing, where it is (an outbox, or nowhere). Also the report's shape and percentiles.
 */

export type Sent = { id: string; author: 'device' | 'technician'; conversation: number; order: number };

export interface ScenarioReport {
  scenario: string;
  messages: number;
  lost: number;
  duplicated: number;
  misordered: number;
  conversationsWithLoss: number;
  /** Receipts that claimed a message the other side did not hold when the claim was seen. */
  dishonestReceipts: number;
  /** Seconds from the hub answering again to each client's next connection. */
  reconnectSeconds: number[];
  /** Per conversation: seconds from the hub answering again to both screens holding every message sent before. */
  resyncSeconds: number[];
  /** Seconds from the hub answering again to every screen holding every message (traffic stopped by then). */
  convergedSeconds: number;
  details: string[];
}

/** p-th percentile of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function sentByConversation(sent: readonly Sent[]): Map<number, Sent[]> {
  const m = new Map<number, Sent[]>();
  for (const s of sent) m.set(s.conversation, [...(m.get(s.conversation) ?? []), s]);
  return m;
}

/** One conversation as both screens show it, and what is still waiting in each outbox (id → its state). */
export interface ConversationView {
  /** 0-based; shown 1-based. */
  index: number;
  sent: readonly Sent[];
  device: readonly ChatMessage[];
  console: readonly ChatMessage[];
  deviceOutbox: ReadonlySet<string>;
  consoleOutbox: ReadonlyMap<string, string>;
}

/** What went wrong in one conversation: counts, and a line per hole or loss (with where the missing messages are). */
export function tallyConversation(c: ConversationView): { lost: number; duplicated: number; misordered: number; details: string[] } {
  const out = { lost: 0, duplicated: 0, misordered: 0, details: [] as string[] };
  for (const [side, screen] of [
    ['practice', c.device],
    ['technician', c.console],
  ] as const) {
    const count = new Map<string, number>();
    for (const m of screen) count.set(m.id, (count.get(m.id) ?? 0) + 1);
    for (const s of c.sent) {
      const n = count.get(s.id) ?? 0;
      if (n === 0) out.lost++;
      if (n > 1) out.duplicated += n - 1;
    }
    // In the order each author sent them.
    const seqOf = new Map(screen.map((m) => [m.id, m.seq]));
    for (const author of ['device', 'technician'] as const) {
      const seqs = c.sent.filter((s) => s.author === author && seqOf.has(s.id)).map((s) => seqOf.get(s.id)!);
      for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) out.misordered++;
    }
    // Seqs shown must be 1…n with nothing missing (nothing the hub stored left off a screen).
    const shown = screen.map((m) => m.seq);
    if (shown.some((seq, i) => seq !== i + 1))
      out.details.push(`conversation ${c.index + 1}: ${side} screen has a hole (${gaplessSeq(screen)} of ${shown.length})`);
  }
  if (out.lost > 0) out.details.push(`conversation ${c.index + 1}: ${out.lost} message(s) missing on a screen — ${whereAre(c)}`);
  return out;
}

/** Where messages missing from a screen are: still in an outbox (and in what state), or nowhere. */
export function whereAre(c: ConversationView): string {
  const onDevice = new Set(c.device.map((m) => m.id));
  const onConsole = new Set(c.console.map((m) => m.id));
  const where: string[] = [];
  for (const s of c.sent) {
    if (onDevice.has(s.id) && onConsole.has(s.id)) continue;
    const screens = `${onDevice.has(s.id) ? 'P' : '-'}${onConsole.has(s.id) ? 'T' : '-'}`;
    const box = c.deviceOutbox.has(s.id)
      ? 'practice outbox'
      : c.consoleOutbox.has(s.id)
        ? `console outbox ${c.consoleOutbox.get(s.id)}`
        : 'no outbox';
    where.push(`${s.author} ${screens} ${box}`);
  }
  const seqOnDevice = new Map(c.device.map((m) => [m.id, m.seq]));
  const missingSeqs = c.sent.filter((x) => !onConsole.has(x.id) && seqOnDevice.has(x.id)).map((x) => seqOnDevice.get(x.id));
  return `${where.slice(0, 4).join('; ')} [practice holds ${gaplessSeq(c.device)}/${c.device.length}, technician ${gaplessSeq(c.console)}/${c.console.length}${missingSeqs.length ? `, missing on technician: seq ${missingSeqs.slice(0, 5).join(',')}` : ''}]`;
}
