/**
 * What a queue push holds, computed from facts (pure): the snapshot the technicians get, what each
 * waiting practice reads (toldKey), what a timed look compares (pushKey), when to look next.
 */
import type { HelpRequest, QueuePosition, QueueSnapshot, SupportSettingsRecord } from '@vigie/common';
import type { HelpService, PickupStats } from '../services/help.js';
import { SettingsService } from '../settings/service.js';
/** What the queue is computed from, read from the store (the clock-dependent part is composed from it). */
export interface QueueFacts {
  open: HelpRequest[];
  pickup: PickupStats;
  support: SupportSettingsRecord;
}

/** Who is online and available, as the live state knows it (Realtime's presence). */
export interface QueuePresence {
  isDeviceOnline(id: string): boolean;
  onlineTechCount(): number;
  availableTechCount(): number;
}

/** The snapshot at `nowMs`, and when what it tells practices changes next (pure). */
export function composeQueue(
  f: QueueFacts,
  presence: QueuePresence,
  help: Pick<HelpService, 'positions'>,
  nowMs: number,
): { snap: QueueSnapshot; nextChangeAt: number | null } {
  const support = SettingsService.status(f.support, nowMs, {
    online: presence.onlineTechCount(),
    available: presence.availableTechCount(),
  });
  const waiting = f.open.filter((r) => r.status === 'waiting');
  const { positions, nextChangeAt } = help.positions(waiting, {
    nowMs,
    pickup: f.pickup,
    techniciansAvailable: support.techniciansAvailable,
    support,
  });
  const snap: QueueSnapshot = {
    requests: f.open.map((r) => ({ ...r, deviceOnline: presence.isDeviceOnline(r.deviceId) })),
    serverTime: new Date(nowMs).toISOString(),
    medianPickupSeconds: f.pickup.medianSeconds ?? 0,
    pickupSamples: f.pickup.samples,
    positions,
    support,
  };
  return { snap, nextChangeAt };
}

/**
 * What a waiting practice reads (its place, the wait message's key and the facts its sentences use,
 * the legacy estimate): a device is sent `help:position` only when this changes. A request joining
 * behind it, or a second passing, changes nothing it shows — the `waiting` total and
 * `waitedSeconds` it carries are as of the last message.
 */
export const toldKey = (p: QueuePosition): string => {
  const w = p.wait;
  const facts = w
    ? [w.key, w.params.etaMinutes, w.params.samples, w.params.techniciansAvailable, w.params.opensAt, w.params.timeZone, w.params.phone]
    : null;
  return JSON.stringify([p.position, p.etaSeconds, facts]);
};

/** What a push is compared on: the seconds waited and the clock move on their own, so a timed look pushes only what changed. */
export const pushKey = (snap: QueueSnapshot): string =>
  JSON.stringify(snap, (k, v: unknown) => (k === 'serverTime' || k === 'waitedSeconds' ? undefined : v));

/** Milliseconds until the next timed look: when a wait message changes by itself, or within `recheckMs`. */
export const nextLookDelay = (nextChangeAt: number | null, nowMs: number, recheckMs: number): number =>
  Math.min(recheckMs, Math.max(20, nextChangeAt === null ? recheckMs : nextChangeAt - nowMs));
