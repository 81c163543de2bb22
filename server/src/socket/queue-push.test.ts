/**
 * The queue push's lifecycle as data (pushStep): bursts coalesce into one flush, changes during a
 * flush make one more, a timed look never forces a push, a stopped push schedules nothing; and on
 * a real hub, a queue longer than one slice of positions still reaches every waiting device, and a
 * queue changing many times a second is recomputed a few times a second while every technician
 * hears of each request at once.
 */
import { describe, expect, it } from 'vitest';
import type { HelpRequest, QueueChange, QueuePosition, QueueSnapshot } from '@vigie/common';
import { code, createHelp, data, newDevice, newTech, startTestHub } from '../test-support/fixture.js';
import { emitAck, nextEvent } from '../test-support/sockets.js';
import { testRedisUrl } from '../test-support/store.js';
import { initialPushState, nextLookDelay, pushStep, toldKey, type PushEffect, type PushEvent, type PushState } from './queue-push.js';

function run(events: PushEvent[], from: PushState = initialPushState): { state: PushState; effects: PushEffect[] } {
  let state = from;
  const effects: PushEffect[] = [];
  for (const e of events) {
    const r = pushStep(state, e);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

describe('queue push lifecycle', () => {
  it('a burst of changes schedules one flush whose round is forced, then goes idle', () => {
    const burst = run([{ kind: 'change' }, { kind: 'change' }, { kind: 'change' }]);
    expect(burst.effects).toEqual([{ kind: 'schedule' }]);
    const flushed = run([{ kind: 'start' }, { kind: 'round' }, { kind: 'end' }], burst.state);
    expect(flushed.effects).toEqual([{ kind: 'round', forced: true }, { kind: 'idle' }]);
    expect(flushed.state).toEqual(initialPushState);
  });

  it('a timed look alone computes without forcing a push', () => {
    const r = run([{ kind: 'look' }, { kind: 'start' }, { kind: 'round' }]);
    expect(r.effects).toEqual([{ kind: 'schedule' }, { kind: 'round', forced: false }]);
  });

  it('a change during a flush is owed one more round, forced, without a second flush', () => {
    const during = run([{ kind: 'look' }, { kind: 'start' }, { kind: 'round' }, { kind: 'change' }]);
    expect(during.state).toMatchObject({ flushing: true, again: true, forced: true });
    expect(during.effects.filter((e) => e.kind === 'schedule')).toHaveLength(1);
    const next = run([{ kind: 'round' }, { kind: 'end' }], during.state);
    expect(next.effects).toEqual([{ kind: 'round', forced: true }, { kind: 'idle' }]);
  });

  it('a round still owed when the flush ends schedules a new flush instead of going idle', () => {
    const r = run([{ kind: 'change' }, { kind: 'start' }, { kind: 'round' }, { kind: 'change' }, { kind: 'end' }]);
    expect(r.effects.at(-1)).toEqual({ kind: 'schedule' });
    expect(r.state).toMatchObject({ flushing: false, scheduled: true, forced: true });
  });

  it('the last positions sent make it idle, unless a flush is running or scheduled', () => {
    expect(run([{ kind: 'sent' }]).effects).toEqual([{ kind: 'idle' }]);
    expect(run([{ kind: 'change' }, { kind: 'sent' }]).effects).toEqual([{ kind: 'schedule' }]);
    expect(run([{ kind: 'change' }, { kind: 'start' }, { kind: 'sent' }]).effects).toEqual([{ kind: 'schedule' }]);
  });

  it('once stopped, changes schedule nothing', () => {
    expect(run([{ kind: 'stop' }, { kind: 'change' }, { kind: 'look' }]).effects).toEqual([]);
  });

  it('the next look: when a message changes by itself, never sooner than 20 ms nor later than the recheck', () => {
    expect(nextLookDelay(null, 1000, 60_000)).toBe(60_000);
    expect(nextLookDelay(6000, 1000, 60_000)).toBe(5000);
    expect(nextLookDelay(900, 1000, 60_000)).toBe(20);
    expect(nextLookDelay(1_000_000, 1000, 60_000)).toBe(60_000);
  });
});

/** A hub whose limits let one test enroll tens of devices and send events back to back. */
const busyHub = () =>
  startTestHub({
    socket: { ratePerSecond: 1000, burst: 1000 },
    enroll: { perMinutePerIp: 1000, failuresPerMinutePerIp: 10 },
  });

describe('queue push on a real hub', () => {
  it('a queue longer than one slice of positions: every waiting device is told where it stands after a change, and only when what it reads changes', async () => {
    const t = await busyHub();
    try {
      const devices = await Promise.all(Array.from({ length: 70 }, () => newDevice(t)));
      const requests: HelpRequest[] = [];
      for (const d of devices) requests.push((await createHelp(d)).request);
      await t.hub.realtime.idle();
      // A technician connecting changes every wait message (someone is available now).
      const told = devices.map((d, i) =>
        nextEvent<QueuePosition>(
          d.socket,
          'help:position',
          (p) => p.requestId === requests[i]!.id && p.wait?.params.techniciansAvailable === 1,
        ),
      );
      const tech = await newTech(t);
      const positions = await Promise.all(told);
      expect(positions.map((p) => p.position)).toEqual(devices.map((_, i) => i + 1));
      expect(positions.every((p) => p.waiting === 70)).toBe(true);

      // From here, count what each device is pushed.
      const pushed = devices.map(() => [] as QueuePosition[]);
      devices.forEach((d, i) => d.socket.on('help:position', (p: QueuePosition) => pushed[i]!.push(p)));
      /** Every push so far has reached every device (none running, then one round trip each: a socket keeps its order). */
      const settled = async () => {
        await t.hub.realtime.idle();
        await Promise.all(devices.map((d, i) => emitAck(d.socket, 'chat:sync', { requestId: requests[i]!.id, afterSeq: 0 })));
      };
      // A 71st request at the back: what the 70 ahead read does not change — not one message to them.
      const last = await newDevice(t);
      expect((await createHelp(last)).position).toMatchObject({ position: 71, waiting: 71 });
      await settled();
      // One node only: with several, every push tells every waiting device (another node may have answered one).
      const oneNode = !testRedisUrl();
      if (oneNode) expect(pushed.map((p) => p.length)).toEqual(devices.map(() => 0));
      pushed.forEach((p) => p.splice(0));
      // The first is picked up: every one behind moves up, one message each.
      const moved = nextEvent<QueuePosition>(last.socket, 'help:position', (p) => p.position === 70);
      data(await emitAck(tech.socket, 'help:accept', { requestId: requests[0]!.id }));
      await moved;
      await settled();
      if (oneNode) {
        expect(pushed[0]).toEqual([]);
        expect(pushed.slice(1).map((p) => p.map((x) => x.position))).toEqual(devices.slice(1).map((_, i) => [i + 1]));
      } else expect(pushed.slice(1).map((p) => p.at(-1)?.position)).toEqual(devices.slice(1).map((_, i) => i + 1));
      last.socket.close();
      tech.socket.close();
      for (const d of devices) d.socket.close();
    } finally {
      await t.close();
    }
  });

  it('a queue changing many times a second: recomputed at most every 250 ms after the first, each new request heard of at once, the last state pushed', async () => {
    const t = await busyHub();
    try {
      const tech = await newTech(t);
      const devices = await Promise.all(Array.from({ length: 40 }, () => newDevice(t)));
      await t.hub.realtime.idle();
      // What the console hears, in order: a request's own help:updated never waits for the (paced) queue.
      const heard: string[] = [];
      tech.socket.on('help:updated', (r: HelpRequest) => r.status === 'waiting' && heard.push(`request ${r.id}`));
      tech.socket.on('queue:updated', (q: QueueSnapshot) => q.requests.forEach((r) => heard.push(`queue ${r.id}`)));
      const before = t.hub.realtime.queue.stats();
      const started = performance.now();
      // 40 requests, one after the other as fast as the hub answers.
      const created: HelpRequest[] = [];
      for (const d of devices) created.push((await createHelp(d)).request);
      const lastQueue = nextEvent<QueueSnapshot>(tech.socket, 'queue:updated', (q) => q.positions.length === 40);
      await t.hub.realtime.idle();
      const elapsed = performance.now() - started;
      const rounds = t.hub.realtime.queue.stats().rounds - before.rounds;
      // Paced: never more than one round per 250 ms after the first (plus the one a change right at the end owes).
      expect(rounds).toBeLessThanOrEqual(Math.floor(elapsed / 250) + 2);
      expect(rounds).toBeLessThan(40);
      expect((await lastQueue).positions.map((p) => p.requestId)).toEqual(created.map((r) => r.id));
      for (const r of created) {
        expect(heard.indexOf(`request ${r.id}`)).toBeGreaterThanOrEqual(0);
        expect(heard.indexOf(`request ${r.id}`)).toBeLessThan(heard.indexOf(`queue ${r.id}`));
      }
      tech.socket.close();
      for (const d of devices) d.socket.close();
    } finally {
      await t.close();
    }
  });

  it('consoles that ask for changes get only what changed; rebuilt, each push is the whole snapshot the others get', async () => {
    const t = await busyHub();
    try {
      const whole = await newTech(t);
      const changes = await newTech(t);
      const hello = data(await emitAck<{ queue: QueueSnapshot }>(changes.socket, 'tech:hello', { queueChanges: true }));
      const snapshots: QueueSnapshot[] = [];
      const received: Array<{ whole: QueueSnapshot } | { change: QueueChange }> = [];
      whole.socket.on('queue:updated', (q: QueueSnapshot) => snapshots.push(q));
      whole.socket.on('queue:changed', () => received.push({ change: { order: ['never for this one'] } as QueueChange }));
      changes.socket.on('queue:updated', (q: QueueSnapshot) => received.push({ whole: q }));
      changes.socket.on('queue:changed', (c: QueueChange) => received.push({ change: c }));
      /** Every push made so far has reached both (an answer leaves after the pushes made before it). */
      const settled = async () => {
        await t.hub.realtime.idle();
        await Promise.all([emitAck(whole.socket, 'help:mine'), emitAck(changes.socket, 'help:mine')]);
      };
      const devices = await Promise.all(Array.from({ length: 6 }, () => newDevice(t)));
      const requests: HelpRequest[] = [];
      for (const d of devices.slice(0, 5)) requests.push((await createHelp(d)).request);
      await settled();
      const marks = [received.length];
      data(await emitAck(whole.socket, 'help:accept', { requestId: requests[1]!.id }));
      await settled();
      marks.push(received.length);
      data(await emitAck(devices[3]!.socket, 'help:cancel', { requestId: requests[3]!.id }));
      await settled();
      marks.push(received.length);
      requests.push((await createHelp(devices[5]!)).request); // at the back of the queue
      await settled();

      // The same pushes, one for one; the console that applies changes never gets the whole queue again after the first.
      expect(received).toHaveLength(snapshots.length);
      expect(received.slice(1).every((r) => 'change' in r)).toBe(true);
      let held = hello.queue;
      received.forEach((r, i) => {
        if ('whole' in r) held = r.whole;
        else {
          const c = r.change;
          const byId = new Map([...held.requests, ...c.changed].map((q) => [q.id, q]));
          const told = new Map([...held.positions, ...c.positions].map((p) => [p.requestId, p]));
          const { order: _order, changed: _changed, ...rest } = c;
          held = {
            ...rest,
            requests: c.order.map((id) => byId.get(id)!),
            positions: c.order.filter((id) => byId.get(id)!.status === 'waiting').map((id) => told.get(id)!),
          };
        }
        const expected = snapshots[i]!;
        expect(held.requests).toEqual(expected.requests);
        // What each practice reads is the same (the seconds waited are as of the message that said it).
        expect(held.positions.map(toldKey)).toEqual(expected.positions.map(toldKey));
        expect({ ...held, requests: [], positions: [] }).toEqual({ ...expected, requests: [], positions: [] });
      });
      // Small: after a pickup the one request taken and the places that moved; a request at the back is one request and one place.
      const afterAccept = received.slice(marks[0], marks[1]).map((r) => ('change' in r ? r.change : null));
      expect(afterAccept.flatMap((c) => c?.changed.map((q) => q.id) ?? [])).toEqual([requests[1]!.id]);
      const last = received.at(-1)!;
      expect('change' in last && last.change.changed.map((q) => q.id)).toEqual([requests[5]!.id]);
      expect('change' in last && last.change.positions.map((p) => p.requestId)).toEqual([requests[5]!.id]);

      // A field that is not a yes or no is refused; a hello without it (the same socket) brings whole snapshots back.
      expect(code(await emitAck(changes.socket, 'tech:hello', { queueChanges: 'yes' }))).toBe('BAD_REQUEST');
      data(await emitAck(changes.socket, 'tech:hello', {}));
      const before = received.length;
      data(await emitAck(devices[0]!.socket, 'help:cancel', { requestId: requests[0]!.id }));
      await settled();
      expect(received.length).toBeGreaterThan(before);
      expect(received.slice(before).every((r) => 'whole' in r)).toBe(true);
      for (const s of [whole.socket, changes.socket, ...devices.map((d) => d.socket)]) s.close();
    } finally {
      await t.close();
    }
  });
});
