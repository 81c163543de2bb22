/**
 * The wait messages as a table: each key (estimate, no estimate, overdue, no technician, closed) from
 * its facts, the estimate shared between technicians and growing with the position, and when the
 * first message changes by itself; the median of pickup times. wait.test.ts runs them through the
 * real hub with a movable clock.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPORT_SETTINGS, SLA, type HelpRequest, type SupportStatus } from '@vigie/common';
import { pickupStatsOf, waitPositions, type PickupStats } from './help-wait.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const waiting = (createdAgoMs: number[]): HelpRequest[] =>
  createdAgoMs.map((ago, i) => ({ id: `r${i + 1}`, createdAt: new Date(T0 - ago).toISOString() }) as HelpRequest);
const support = (open: boolean | null, nextChangeAt: string | null = null): SupportStatus => ({
  settings: DEFAULT_SUPPORT_SETTINGS,
  version: 0,
  updatedAt: null,
  open,
  nextChangeAt,
  techniciansOnline: 1,
  techniciansAvailable: 1,
});
const pickup = (medianSeconds: number | null): PickupStats => ({ medianSeconds, samples: medianSeconds === null ? 0 : 5 });

describe('wait messages', () => {
  it.each<[string, number[], number, number | null, boolean | null, string[], (number | null)[]]>([
    ['an estimate from recorded pickups', [0], 1, 120, null, ['estimate'], [2]],
    ['the estimate grows with the position', [0, 0, 0], 1, 120, null, ['estimate', 'estimate', 'estimate'], [2, 4, 6]],
    ['shared between technicians', [0, 0], 2, 120, null, ['estimate', 'estimate'], [1, 2]],
    ['no number without recorded pickups', [0], 1, null, null, ['noEstimate'], [null]],
    ['the estimate ran out', [150_000], 1, 120, null, ['noEstimate'], [null]],
    ['past 3 minutes', [SLA.breachMs + 1], 1, 120, null, ['overdue'], [null]],
    ['no technician available', [0], 0, 120, null, ['noTechnician'], [null]],
    ['no technician, inside the hours', [0], 0, 120, true, ['noTechnician'], [null]],
    ['no technician, support closed', [0], 0, 120, false, ['closed'], [null]],
  ])('%s', (_name, ago, techs, median, open, keys, minutes) => {
    const { positions } = waitPositions(
      waiting(ago),
      { nowMs: T0, pickup: pickup(median), techniciansAvailable: techs, support: support(open) },
      60,
    );
    expect(positions.map((p) => p.wait?.key)).toEqual(keys);
    expect(positions.map((p) => p.wait?.params.etaMinutes)).toEqual(minutes);
    expect(positions.map((p) => p.position)).toEqual(ago.map((_, i) => i + 1));
  });

  it('changes by itself when a minute of the estimate runs out, at 3 minutes, or when the support opens', () => {
    const facts = { nowMs: T0, pickup: pickup(90), techniciansAvailable: 1, support: support(null) };
    // 90 s left: "2 minutes" until 30 s have passed.
    expect(waitPositions(waiting([0]), facts, 60).nextChangeAt).toBe(T0 + 30_000);
    // No estimate: the next change is the 3-minute mark.
    expect(waitPositions(waiting([0]), { ...facts, pickup: pickup(null) }, 60).nextChangeAt).toBe(T0 + SLA.breachMs + 1);
    // Overdue and closed hours: only the support's next opening.
    const opens = '2026-03-02T14:00:00.000Z';
    const closed = { ...facts, techniciansAvailable: 0, support: support(false, opens) };
    const { positions, nextChangeAt } = waitPositions(waiting([0]), closed, 60);
    expect(nextChangeAt).toBe(Date.parse(opens));
    expect(positions[0]?.wait?.params.opensAt).toBe(opens);
    expect(waitPositions(waiting([SLA.breachMs + 1]), facts, 60).nextChangeAt).toBeNull();
  });

  it('tells older clients a number of seconds, from the default when nothing was recorded', () => {
    const facts = { nowMs: T0, pickup: pickup(null), techniciansAvailable: 0, support: support(null) };
    expect(waitPositions(waiting([0, 0]), facts, 60).positions.map((p) => p.etaSeconds)).toEqual([60, 120]);
  });

  it.each<[number[], number | null, number]>([
    [[], null, 0],
    [[30_000], 30, 1],
    [[90_000, 30_000, 60_000], 60, 3],
    [[10_000, 20_000], 15, 2],
    [[1_234, 5_678], 3.5, 2],
  ])('median of %j ms is %s s over %s', (ms, median, samples) => {
    expect(pickupStatsOf(ms)).toEqual({ medianSeconds: median, samples });
  });
});
