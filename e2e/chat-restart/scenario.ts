import type { ScenarioReport } from './ledger';
import { until } from './wait';

/** The chat-restart scenarios, phase by phase (each phase ends on what happened): used by restart.spec.ts, the cluster spec and the benches. */

/** What a scenario drives: the chat-restart world (world.ts) or the cluster's, which extends it. */
export interface ScenarioWorld {
  readonly sentCount: number;
  resetCounts(): void;
  traffic(perSecond: number): { stop: () => Promise<void> };
  burst(n: number): Promise<void>;
  stopHub(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  startHub(): Promise<void>;
  allOffline(): boolean;
  allOnline(): boolean;
  settle(scenario: string, deadlineMs: number): Promise<ScenarioReport>;
}

/**
 * One scenario: live traffic both ways; the hub goes down the chosen way; traffic goes on while it
 * is down (everyone has noticed, `down` more messages typed); it comes back on the same data folder
 * and traffic goes on through the reconnections (everyone back, `after` more messages); then
 * traffic stops and every screen must hold every message. Phases end on events, not on timers.
 */
export async function runScenario(
  world: ScenarioWorld,
  kind: 'kill' | 'sigterm' | 'kill-in-burst',
  opts: { perSecond: number; before: number; down: number; after: number; burst: number; deadlineMs: number },
): Promise<ScenarioReport> {
  world.resetCounts();
  const phase = (what: string, probe: () => boolean) => until(probe, what, opts.deadlineMs);
  const traffic = world.traffic(opts.perSecond);
  try {
    const start = world.sentCount;
    await phase('traffic before the outage', () => world.sentCount >= start + opts.before);
    if (kind === 'kill-in-burst') {
      const burst = world.burst(opts.burst);
      // Mid-burst: part of it is stored, part is in flight, part still in the outboxes.
      await new Promise((r) => setImmediate(r));
      await world.stopHub('SIGKILL');
      await burst;
    } else {
      await world.stopHub(kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
    }
    await phase('everyone noticed the outage', () => world.allOffline());
    const down = world.sentCount;
    await phase('messages typed while the hub is down', () => world.sentCount >= down + opts.down);
    await world.startHub();
    await phase('everyone reconnected', () => world.allOnline());
    const back = world.sentCount;
    await phase('traffic after the reconnections', () => world.sentCount >= back + opts.after);
  } finally {
    await traffic.stop();
  }
  return world.settle(kind, opts.deadlineMs);
}
