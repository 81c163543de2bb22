import { SLA } from '@vigie/common';

/** Colour band of a waiting request against the 3-minute promise (common/src/domain.ts SLA). */
export type SlaLevel = 'ok' | 'warn' | 'breach';

/** Green below 2 min, orange from 2 to 3 min, red beyond 3 min. Negative waits (clock skew) count as 0. */
export function slaLevel(waitMs: number, sla: { warnMs: number; breachMs: number } = SLA): SlaLevel {
  const w = Math.max(0, waitMs);
  if (w < sla.warnMs) return 'ok';
  if (w <= sla.breachMs) return 'warn';
  return 'breach';
}

/** Milliseconds a request has been waiting, on the hub's clock (`offsetMs` = hub time − local time). */
export function waitingMs(createdAt: string, nowMs: number, offsetMs = 0): number {
  const created = Date.parse(createdAt);
  if (Number.isNaN(created)) return 0;
  return Math.max(0, nowMs + offsetMs - created);
}
