import { describe, expect, it } from 'vitest';
import type { HelpRequest, QueueChange, QueuePosition, QueueSnapshot } from '@vigie/common';
import { ManualClock } from '@vigie/common/test-support/clock';
import { createI18n } from '../i18n';
import type { Alerts } from '../lib/alerts';
import { createConnectionStore } from '../stores/connection';
import { createQueueStore } from '../stores/queue';
import { createSessionStore } from '../stores/session';
import { createUiStore } from '../stores/ui';
import { createWorkspaceStore } from '../stores/workspace';
import type { ConsoleCore, ControllerDeps } from './core';
import { ConsoleQueue } from './queue';
import { ConsoleSession } from './session';

const T0 = Date.parse('2026-12-03T09:00:00Z');

function request(id: string, status: HelpRequest['status'] = 'waiting', createdAt = new Date(T0).toISOString()): HelpRequest {
  return {
    id,
    clientId: `00000000-0000-4000-8000-${id.padStart(12, '0')}`,
    deviceId: `dev-${id}`,
    deviceName: `Poste ${id}`,
    practiceId: 'p1',
    practiceName: 'Cabinet du Parc',
    status,
    topic: null,
    description: null,
    context: null,
    createdAt,
    assignedAt: status === 'assigned' ? createdAt : null,
    closedAt: null,
    technician: null,
    resolutionNote: null,
  };
}

function snapshot(requests: HelpRequest[]): QueueSnapshot {
  return {
    requests: requests.map((r) => ({ ...r, deviceOnline: true })),
    serverTime: new Date(T0).toISOString(),
    medianPickupSeconds: 0,
    pickupSamples: 0,
    positions: [],
    support: null as unknown as QueueSnapshot['support'],
  };
}

/** What a waiting request's practice is told (only its place matters here). */
function told(requestId: string, position: number): QueuePosition {
  return { requestId, position, waiting: position, etaSeconds: 0 };
}

/** A change as the hub sends it: the order, the requests and positions that changed. */
function change(order: string[], changed: HelpRequest[], positions: QueuePosition[]): QueueChange {
  const { requests: _all, ...rest } = snapshot([]);
  return { ...rest, order, changed: changed.map((r) => ({ ...r, deviceOnline: true })), positions };
}

/** A console queue on real stores and i18n; what it rang and announced is recorded. */
function consoleQueue() {
  const rang: string[] = [];
  const announced: string[] = [];
  const alerts: Alerts = {
    install: () => () => undefined,
    chime: (kind) => rang.push(kind),
    permission: () => 'granted',
    requestPermission: async () => 'granted',
    notify: () => undefined,
  };
  const clock = new ManualClock(T0);
  /** The whole queue the hub would answer to queue:list, and how often it was asked. */
  const hub = { queue: snapshot([]), asked: 0, answered: Promise.resolve<unknown>(null) };
  const client = {
    request: (event: string) => {
      if (event !== 'queue:list') throw new Error(`unexpected ${event}`);
      hub.asked++;
      hub.answered = Promise.resolve({ ok: true, data: hub.queue });
      return hub.answered;
    },
  };
  const core: ConsoleCore = {
    deps: { alerts, client, i18n: createI18n('fr'), hasAttention: () => true, navigate: () => undefined } as unknown as ControllerDeps,
    clock,
    session: createSessionStore(),
    connection: createConnectionStore(),
    queue: createQueueStore(),
    workspace: createWorkspaceStore(),
    ui: createUiStore({ soundEnabled: true, notificationPermission: 'granted' }),
    announce: (text) => announced.push(text),
    toast: () => undefined,
  };
  const queue = new ConsoleQueue(core, () => undefined);
  const ids = () => core.queue.getState().requests.map((r) => r.id);
  const places = () => core.queue.getState().positions.map((p) => `${p.requestId}:${p.position}`);
  return { queue, core, rang, announced, ids, places, hub };
}

describe('the console queue: whole snapshots a few times a second, each request as it changes', () => {
  it('a new request appears and rings at once from its help:updated; the snapshot that follows does not ring again', () => {
    const c = consoleQueue();
    c.queue.updated(request('1')); // before the first snapshot: nothing known yet, nothing shown
    expect(c.ids()).toEqual([]);
    c.queue.apply(snapshot([request('0')]), true); // the first after sign-in: silent
    expect(c.rang).toEqual([]);

    c.queue.updated(request('1'));
    expect(c.ids()).toEqual(['0', '1']);
    expect(c.core.queue.getState().requests[1]!.deviceOnline).toBe(true);
    expect(c.rang).toEqual(['request']);
    expect(c.announced).toEqual(['Nouvelle demande : Cabinet du Parc, Poste 1.']);

    c.queue.apply(snapshot([request('0'), request('1')]), false);
    expect(c.rang).toEqual(['request']);
    // A change of a request already shown is no arrival.
    c.queue.updated(request('1', 'assigned'));
    expect(c.core.queue.getState().requests.find((r) => r.id === '1')!.status).toBe('assigned');
    expect(c.rang).toEqual(['request']);
  });

  it('a snapshot read before a request was made keeps it shown; the next one decides', () => {
    const c = consoleQueue();
    c.queue.apply(snapshot([]), true);
    c.queue.updated(request('1'));
    // Older than the request (read before it was made, on another node): the request stays.
    c.queue.apply(snapshot([]), false);
    expect(c.ids()).toEqual(['1']);
    expect(c.rang).toEqual(['request']);
    // The next snapshot holds it: still one arrival.
    c.queue.apply(snapshot([request('1')]), false);
    expect(c.ids()).toEqual(['1']);
    expect(c.rang).toEqual(['request']);
    // From then on the snapshots decide: one without it (its change missed) takes it off.
    c.queue.apply(snapshot([]), false);
    expect(c.ids()).toEqual([]);
  });

  it('a request arriving only in a snapshot still rings (a hub that sends no help:updated for it)', () => {
    const c = consoleQueue();
    c.queue.apply(snapshot([]), true);
    c.queue.apply(snapshot([request('2')]), false);
    expect(c.rang).toEqual(['request']);
    expect(c.ids()).toEqual(['2']);
  });
});

describe('the console queue from changes (queue:changed): only what changed since the previous push', () => {
  it('keeps what it holds, takes what changed, drops what left, rings for a new arrival', () => {
    const c = consoleQueue();
    const first = snapshot([request('1'), request('2')]);
    c.queue.apply({ ...first, positions: [told('1', 1), told('2', 2)] }, true);
    // 1 taken: its request changed, 2 moved up; 3 joined at the back.
    c.queue.applyChange(change(['2', '1', '3'], [request('1', 'assigned'), request('3')], [told('2', 1), told('3', 2)]));
    expect(c.ids()).toEqual(['2', '3', '1']); // waiting first, then taken
    expect(c.core.queue.getState().requests.find((r) => r.id === '1')!.status).toBe('assigned');
    expect(c.places()).toEqual(['2:1', '3:2']);
    expect(c.rang).toEqual(['request']);
    // 2 resolved (gone from the order); 3's place changed.
    c.queue.applyChange(change(['3', '1'], [], [told('3', 1)]));
    expect(c.ids()).toEqual(['3', '1']);
    expect(c.places()).toEqual(['3:1']);
    expect(c.hub.asked).toBe(0);
  });

  it('a request or a position it does not hold (a push missed): the whole queue is asked for', async () => {
    const c = consoleQueue();
    c.queue.apply(snapshot([request('1')]), true);
    c.hub.queue = { ...snapshot([request('1'), request('2')]), positions: [told('1', 1), told('2', 2)] };
    c.queue.applyChange(change(['1', '2'], [], [told('1', 1)])); // 2 was in a push this console missed
    await c.hub.answered; // the console applied the answer first (it was waiting on it)
    expect(c.hub.asked).toBe(1);
    expect(c.ids()).toEqual(['1', '2']);
    expect(c.places()).toEqual(['1:1', '2:2']);
    // A waiting request held but without its practice's message: the same.
    c.queue.applyChange(change(['1', '2', '4'], [request('4')], []));
    await c.hub.answered;
    expect(c.hub.asked).toBe(2);
  });

  it('before the first snapshot nothing is applied; a request heard closed is not brought back by a change or a snapshot read before', () => {
    const c = consoleQueue();
    c.queue.applyChange(change(['1'], [request('1')], [told('1', 1)]));
    expect(c.ids()).toEqual([]);
    c.queue.apply({ ...snapshot([request('1'), request('2')]), positions: [told('1', 1), told('2', 2)] }, true);
    c.queue.updated({ ...request('1'), status: 'resolved' });
    expect(c.ids()).toEqual(['2']);
    c.queue.applyChange(change(['1', '2'], [], [])); // read before 1 was resolved
    expect(c.ids()).toEqual(['2']);
    expect(c.hub.asked).toBe(0);
    c.queue.updated({ ...request('2'), status: 'cancelled' });
    c.queue.apply(snapshot([request('2')]), false); // the same with a whole snapshot
    expect(c.ids()).toEqual([]);
  });
});

describe('tech:hello asks for queue changes', () => {
  it('and asks again without them a hub from before them, which refuses the field (rolling update)', async () => {
    const c = consoleQueue();
    const asked: unknown[] = [];
    const got: QueueSnapshot[] = [];
    const client = {
      request: async (event: string, input: Record<string, unknown>) => {
        asked.push([event, input]);
        if ('queueChanges' in input) return { ok: false, error: { code: 'BAD_REQUEST', message: 'Données invalides.' } };
        return { ok: true, data: { technician: { id: 't1' }, queue: snapshot([request('1')]), mine: [] } };
      },
    };
    const log = { warn: () => undefined, info: () => undefined, error: () => undefined };
    const core = { ...c.core, deps: { ...c.core.deps, client, log } } as unknown as ConsoleCore;
    let caughtUp!: () => void;
    const done = new Promise<void>((r) => (caughtUp = r));
    const session = new ConsoleSession(core, {
      storedOutbox: () => null,
      snapshot: (q) => got.push(q),
      catchUp: async () => caughtUp(),
      disconnected: () => undefined,
      leaving: () => undefined,
      ended: () => undefined,
    });
    session.status('connected', { reconnected: false });
    await done;
    expect(asked).toEqual([
      ['tech:hello', { queueChanges: true }],
      ['tech:hello', {}],
    ]);
    expect(got.map((q) => q.requests.map((r) => r.id))).toEqual([['1']]);
  });
});
