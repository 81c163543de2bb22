import type { QueueItem } from '@vigie/common';

/** Waiting requests of a new snapshot that were not known before: what rings the bell. */
export function arrivals(knownIds: ReadonlySet<string>, requests: readonly QueueItem[]): QueueItem[] {
  return requests.filter((r) => r.status === 'waiting' && !knownIds.has(r.id));
}

/** Waiting requests first (urgent ones — a ransomware alert — first, then oldest first), then requests already taken (most recent pickup first). */
export function orderQueue(requests: readonly QueueItem[]): QueueItem[] {
  const waiting = requests
    .filter((r) => r.status === 'waiting')
    .sort((a, b) => Number(!!b.urgent) - Number(!!a.urgent) || a.createdAt.localeCompare(b.createdAt));
  const taken = requests
    .filter((r) => r.status === 'assigned')
    .sort((a, b) => (b.assignedAt ?? b.createdAt).localeCompare(a.assignedAt ?? a.createdAt));
  return [...waiting, ...taken];
}
