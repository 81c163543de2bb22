/**
 * Nothing lost on screen after a hub restart (issue 14), sized for CI: 20 practices (the app's
 * real support service and disk outbox each), 3 technicians (the console's real controller each),
 * live chat both ways; the hub process killed with SIGKILL, stopped with SIGTERM, and killed in the
 * middle of a burst, each time restarted on the same data folder. Per message id: on both screens
 * exactly once, in the order it was sent; no receipt ever claims a message the other side does not
 * hold. `npm run bench:chat-restart` runs the same world with 100 conversations.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectNothingLost } from './expect';
import { ChatWorld, runScenario } from './world';

const SIZE = { conversations: 20, technicians: 3 };
// Message counts, not durations: each phase ends on what happened, whatever the machine's load.
const PHASES = { perSecond: 100, before: 100, down: 60, after: 150, burst: 3, deadlineMs: 120_000 };

describe('chat through hub restarts, 20 live conversations', () => {
  let world: ChatWorld;

  beforeAll(async () => {
    world = await ChatWorld.create(SIZE);
  });

  afterAll(async () => {
    await world?.close();
  });

  it('hub killed (SIGKILL) mid-conversation', async () => {
    expectNothingLost(await runScenario(world, 'kill', PHASES));
  });

  it('hub stopped (SIGTERM) mid-conversation', async () => {
    expectNothingLost(await runScenario(world, 'sigterm', PHASES));
  });

  it('hub killed in the middle of a burst from every conversation', async () => {
    expectNothingLost(await runScenario(world, 'kill-in-burst', PHASES));
  });
});
