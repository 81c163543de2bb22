/** Scheduled times ("HH:MM", local) → instants. Date arithmetic in local time handles DST shifts. */

function at(day: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), h, m, 0, 0);
}

/** The first scheduled instant strictly after `after`. */
export function nextSlot(times: readonly string[], after: Date): Date | null {
  if (times.length === 0) return null;
  let best: Date | null = null;
  for (let d = 0; d <= 1; d++) {
    const day = new Date(after.getFullYear(), after.getMonth(), after.getDate() + d);
    for (const t of times) {
      const s = at(day, t);
      if (s.getTime() > after.getTime() && (!best || s < best)) best = s;
    }
    if (best) return best;
  }
  return best;
}

/** The latest scheduled instant at or before `now`. */
export function lastSlot(times: readonly string[], now: Date): Date | null {
  if (times.length === 0) return null;
  let best: Date | null = null;
  for (let d = 0; d >= -1; d--) {
    const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() + d);
    for (const t of times) {
      const s = at(day, t);
      if (s.getTime() <= now.getTime() && (!best || s > best)) best = s;
    }
    if (best) return best;
  }
  return best;
}

export type SlotDecision = { action: 'run'; slot: Date; catchUp: boolean } | { action: 'skip'; slot: Date } | { action: 'none' };

/**
 * What to do at `now`: a slot passed since the last one handled → run it (a catch-up when late,
 * e.g. the machine was asleep), unless it is older than the catch-up window (then it is skipped:
 * a backup in the middle of consultations is worse than waiting for the next time).
 */
export function decide(times: readonly string[], now: Date, lastHandled: Date | null, catchUpMinutes: number): SlotDecision {
  const slot = lastSlot(times, now);
  if (!slot) return { action: 'none' };
  if (lastHandled && slot.getTime() <= lastHandled.getTime()) return { action: 'none' };
  const lateMs = now.getTime() - slot.getTime();
  if (lateMs > catchUpMinutes * 60_000) return { action: 'skip', slot };
  return { action: 'run', slot, catchUp: lateMs > 2 * 60_000 };
}
