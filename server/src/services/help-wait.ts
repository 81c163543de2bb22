/**
 * What a waiting practice is told, from facts only: the median of recent pickup times, and for each
 * waiting request (in queue order) its position, the wait message (estimate, no estimate, overdue,
 * no technician, support closed) and when the first of these messages changes by itself. Pure;
 * the hub reads the facts (help.ts) and pushes the result (socket/queue-push.ts).
 */
import { SLA, type HelpRequest, type QueuePosition, type SupportStatus, type WaitKey } from '@vigie/common';

/** Recent pickup times: their median (null when none was recorded) and how many it is taken over. */
export interface PickupStats {
  medianSeconds: number | null;
  samples: number;
}

/** The facts a wait message is built from (WaitMessage in the contract). */
export interface WaitFacts {
  /** The hub's clock. */
  nowMs: number;
  pickup: PickupStats;
  /** Technicians connected and not on a break. */
  techniciansAvailable: number;
  /** Support settings and whether it is open now. */
  support: SupportStatus;
}

/** The median of pickup times in milliseconds, in seconds to a tenth (none: null). */
export function pickupStatsOf(pickupMs: number[]): PickupStats {
  const values = [...pickupMs].sort((a, b) => a - b);
  if (values.length === 0) return { medianSeconds: null, samples: 0 };
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { medianSeconds: Math.round(median / 100) / 10, samples: values.length };
}

/**
 * Each waiting request's position and wait message, and when the first of them changes by itself
 * (a minute of the estimate runs out, 3 minutes pass, the support opens or closes), or null.
 * `defaultPickupSeconds` only feeds the older clients' `etaSeconds` when no pickup was recorded.
 */
export function waitPositions(
  waiting: HelpRequest[],
  facts: WaitFacts,
  defaultPickupSeconds: number,
): { positions: QueuePosition[]; nextChangeAt: number | null } {
  const { nowMs, pickup, techniciansAvailable: techs, support } = facts;
  let next: number | null = support.nextChangeAt ? Date.parse(support.nextChangeAt) : null;
  const soonest = (t: number) => {
    if (t > nowMs && (next === null || t < next)) next = t;
  };
  const positions = waiting.map((r, i): QueuePosition => {
    const position = i + 1;
    const created = Date.parse(r.createdAt);
    const waitedMs = Math.max(0, nowMs - created);
    const legacy = Math.max(0, Math.round(((pickup.medianSeconds ?? defaultPickupSeconds) * position) / Math.max(1, techs)));
    let key: WaitKey;
    let etaMinutes: number | null = null;
    let etaSeconds = legacy;
    if (techs > 0) {
      const breachAt = created + SLA.breachMs + 1;
      if (waitedMs > SLA.breachMs) key = 'overdue';
      else {
        soonest(breachAt);
        const remainingMs = pickup.medianSeconds === null ? 0 : (pickup.medianSeconds * 1000 * position) / techs - waitedMs;
        if (remainingMs > 0) {
          key = 'estimate';
          etaMinutes = Math.ceil(remainingMs / 60_000);
          etaSeconds = Math.ceil(remainingMs / 1000);
          // The shown minute count drops when the remainder reaches the minute below.
          soonest(nowMs + Math.ceil(remainingMs - (etaMinutes - 1) * 60_000));
        } else key = 'noEstimate';
      }
    } else key = support.open === false ? 'closed' : 'noTechnician';
    return {
      requestId: r.id,
      position,
      waiting: waiting.length,
      etaSeconds,
      wait: {
        key,
        params: {
          position,
          waiting: waiting.length,
          waitedSeconds: Math.floor(waitedMs / 1000),
          techniciansAvailable: techs,
          etaMinutes,
          medianPickupSeconds: pickup.medianSeconds,
          samples: pickup.samples,
          opensAt: key === 'closed' ? support.nextChangeAt : null,
          timeZone: support.settings.timeZone,
          phone: support.settings.phone,
        },
      },
    };
  });
  return { positions, nextChangeAt: next };
}
