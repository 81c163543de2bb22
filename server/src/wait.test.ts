/**
 * What a waiting practice is told (help:position) and what the consoles see for it (queue:updated),
 * on a real hub with a movable clock: no technician, outside the support hours, an estimate from
 * recorded pickups, no number without one, past 3 minutes — and both sides always the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SLA, WEEKDAYS, type QueuePosition, type QueueSnapshot, type WaitMessage } from '@vigie/common';
import {
  createHelp,
  data,
  hubCli,
  newDevice,
  newTech,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from './test-support/fixture.js';
import { emitAck, nextEvent } from './test-support/sockets.js';
import { wallTime } from './settings/hours.js';
import { toldKey } from './socket/queue-push.js';

interface ClockHub extends TestHub {
  /** Moves the hub's clock forward (ms). */
  advance(ms: number): void;
}

let hubs: ClockHub[] = [];
afterEach(async () => {
  for (const h of hubs) await h.close();
  hubs = [];
});

async function clockHub(): Promise<ClockHub> {
  let skew = 0;
  const t = await startTestHub({ now: () => Date.now() + skew, socket: { ratePerSecond: 1000, burst: 1000 } });
  const h = Object.assign(t, { advance: (ms: number) => void (skew += ms) });
  hubs.push(h);
  return h;
}

/** The wait message without the seconds waited (they move on their own). */
const stable = (w: WaitMessage | undefined) => (w ? { key: w.key, params: { ...w.params, waitedSeconds: 0 } } : undefined);
const positionIn = (s: QueueSnapshot, requestId: string) => s.positions.find((p) => p.requestId === requestId);

/**
 * Everything the hub pushed so far has reached these sockets: no queue broadcast running or
 * scheduled, then one round trip on each (socket.io keeps a socket's order). A push composed
 * before a trigger can then not pass for one that follows it (a slower store makes that likelier).
 */
async function settled(t: ClockHub, dev: TestDevice, tech: TestTech | null, requestId: string): Promise<void> {
  await t.hub.realtime.idle();
  data(await emitAck(dev.socket, 'chat:sync', { requestId, afterSeq: 0 }));
  if (tech) data(await emitAck(tech.socket, 'tech:availability', {}));
}

/** What each device was last told about its request: the answer to help:create, then each help:position push. */
const lastTold = new WeakMap<TestDevice, QueuePosition | null>();
async function askHelp(dev: TestDevice) {
  let requestId: string | null = null;
  let pushed = false;
  dev.socket.on('help:position', (p: QueuePosition) => {
    if (requestId !== null && p.requestId !== requestId) return;
    pushed = true;
    lastTold.set(dev, p);
  });
  const r = await createHelp(dev);
  requestId = r.request.id;
  if (!pushed) lastTold.set(dev, r.position);
  return r;
}

/** Resolves with what the device holds once it says `says` (at once if it already does: a device is pushed only what changes for it). */
function deviceSays(dev: TestDevice, requestId: string, says: (w: WaitMessage | undefined) => boolean): Promise<QueuePosition> {
  const held = lastTold.get(dev);
  if (held && held.requestId === requestId && says(held.wait)) return Promise.resolve(held);
  return nextEvent<QueuePosition>(dev.socket, 'help:position', (p) => p.requestId === requestId && says(p.wait));
}

/**
 * After `trigger`: the consoles' queue says `key` for this request, and the device reads the same
 * (same place, same wait message as its practitioner reads it: toldKey).
 */
async function bothSay(
  dev: TestDevice,
  tech: TestTech | null,
  requestId: string,
  key: WaitMessage['key'],
  trigger: () => unknown,
  t: ClockHub,
  also: (w: WaitMessage) => boolean = () => true,
) {
  await settled(t, dev, tech, requestId);
  const says = (w: WaitMessage | undefined) => w?.key === key && also(w);
  const queued = tech ? nextEvent<QueueSnapshot>(tech.socket, 'queue:updated', (s) => says(positionIn(s, requestId)?.wait)) : null;
  await trigger();
  const p = await deviceSays(dev, requestId, says);
  const console = queued ? positionIn(await queued, requestId) : positionIn(await t.hub.realtime.snapshot(), requestId);
  expect(console && toldKey(console)).toEqual(toldKey(p));
  expect(console?.position).toBe(p.position);
  return p;
}

describe('waiting time tells the truth', () => {
  it('no technician connected: says so and gives the phone number, never a number of minutes', async () => {
    const t = await clockHub();
    expect((await hubCli(t, 'settings', 'phone', 'set', '01 23 45 67 89')).rc).toBe(0);
    const dev = await newDevice(t, 'Accueil');
    const { request, position } = await askHelp(dev);
    expect(position?.wait).toMatchObject({
      key: 'noTechnician',
      params: {
        position: 1,
        waiting: 1,
        techniciansAvailable: 0,
        etaMinutes: null,
        phone: '01 23 45 67 89',
        opensAt: null,
        timeZone: 'Europe/Paris',
      },
    });
    // The queue the consoles get says the same for this request.
    expect(stable(positionIn(await t.hub.realtime.snapshot(), request.id)?.wait)).toEqual(stable(position?.wait));

    // Still true past 3 minutes: nobody was alerted, the practice is told nobody is there.
    t.advance(SLA.breachMs + 5_000);
    await settled(t, dev, null, request.id);
    t.hub.realtime.queueChanged();
    await settled(t, dev, null, request.id);
    const later = positionIn(await t.hub.realtime.snapshot(), request.id);
    expect(later?.wait?.key).toBe('noTechnician');
    expect(later?.wait?.params.waitedSeconds).toBeGreaterThan(SLA.breachMs / 1000);
    // What the practitioner reads did not change (never « overdue » with nobody there): the device holds the same.
    expect(toldKey(lastTold.get(dev)!)).toEqual(toldKey(later!));
  });

  it('a technician on a break is not available: practices and consoles are told nobody is', async () => {
    const t = await clockHub();
    const dev = await newDevice(t);
    const { request } = await askHelp(dev);
    const pushed = nextEvent<QueuePosition>(dev.socket, 'help:position', (p) => p.wait?.key === 'noEstimate');
    const tech = await newTech(t, 'technician', 'Julie Martin');
    expect((await pushed).wait?.params.techniciansAvailable).toBe(1);

    const onBreak = await bothSay(
      dev,
      tech,
      request.id,
      'noTechnician',
      async () => expect(data(await emitAck(tech.socket, 'tech:availability', { available: false }))).toEqual({ available: false }),
      t,
    );
    expect(onBreak.wait?.params.techniciansAvailable).toBe(0);
    const snap = await t.hub.realtime.snapshot();
    expect(snap.support).toMatchObject({ techniciansOnline: 1, techniciansAvailable: 0 });
    // Every tab of that technician hears it; a new tab reads it.
    const other = await newTech(t, 'technician', 'Bruno Durand');
    expect(data(await emitAck(other.socket, 'tech:availability', {}))).toEqual({ available: true });
    const back = await bothSay(
      dev,
      tech,
      request.id,
      'noEstimate',
      () =>
        emitAck(other.socket, 'tech:availability', { available: false }).then(() =>
          emitAck(tech.socket, 'tech:availability', { available: true }),
        ),
      t,
    );
    expect(back.wait?.params.techniciansAvailable).toBe(1);
    // A break ends with the technician's last socket.
    await bothSay(dev, null, request.id, 'noTechnician', () => tech.socket.close(), t);
  });

  it('outside the support hours with nobody connected: when it opens, and the phone', async () => {
    const t = await clockHub();
    // Open only two days from now, 10:00–11:00 in Paris: closed now whatever the time of the test.
    const today = wallTime(Date.now(), 'Europe/Paris').weekday;
    const day = WEEKDAYS[(today + 2) % 7]!;
    expect((await hubCli(t, 'settings', 'hours', 'set', `${day} 10:00-11:00`)).rc).toBe(0);
    expect((await hubCli(t, 'settings', 'phone', 'set', '+33 1 23 45 67 89')).rc).toBe(0);
    const dev = await newDevice(t);
    const { position } = await askHelp(dev);
    expect(position?.wait).toMatchObject({
      key: 'closed',
      params: { phone: '+33 1 23 45 67 89', timeZone: 'Europe/Paris', techniciansAvailable: 0, etaMinutes: null },
    });
    const opensAt = new Date(position!.wait!.params.opensAt!);
    const paris = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(opensAt);
    const shortDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short' }).format(
      new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day))),
    ); // 2024-01-01 was a Monday
    expect(paris).toBe(`${shortDay} 10:00`);
    expect(opensAt.getTime() - Date.now()).toBeGreaterThan(24 * 3_600_000);
    expect(opensAt.getTime() - Date.now()).toBeLessThan(3 * 24 * 3_600_000 + 3_600_000);
    const snap = await t.hub.realtime.snapshot();
    expect(snap.support).toMatchObject({ open: false, nextChangeAt: opensAt.toISOString(), settings: { phone: '+33 1 23 45 67 89' } });

    // Inside the hours (open all week, all day) with nobody connected: no « fermé », still the phone.
    expect((await hubCli(t, 'settings', 'hours', 'set', 'mon-sun 00:00-24:00')).rc).toBe(0);
    const open = await bothSay(dev, null, position!.requestId, 'noTechnician', () => t.hub.realtime.queueChanged(), t);
    expect(open.wait?.params).toMatchObject({ opensAt: null, phone: '+33 1 23 45 67 89' });
    expect((await t.hub.realtime.snapshot()).support.open).toBe(true);
  });

  it('the estimate comes from recorded pickups and the technicians available, counts down, then gives way past 3 minutes', async () => {
    const t = await clockHub();
    const tech = await newTech(t, 'technician', 'Julie Martin');
    // One pickup that took just under 2 minutes on the hub's clock (119 s moved by hand, plus the
    // real time the accept takes to arrive: a busy machine's second of slack, not 50 ms).
    const first = await newDevice(t);
    const done = await askHelp(first);
    t.advance(119_000);
    data(await emitAck(tech.socket, 'help:accept', { requestId: done.request.id }));
    data(await emitAck(tech.socket, 'help:resolve', { requestId: done.request.id, note: 'Réglé' }));

    const devA = await newDevice(t, 'Poste A');
    const a = await askHelp(devA);
    expect(a.position?.wait).toMatchObject({
      key: 'estimate',
      params: { position: 1, etaMinutes: 2, samples: 1, techniciansAvailable: 1 },
    });
    expect(a.position!.wait!.params.medianPickupSeconds).toBeGreaterThanOrEqual(119);
    const devB = await newDevice(t, 'Poste B');
    const b = await askHelp(devB);
    expect(b.position?.wait).toMatchObject({ key: 'estimate', params: { position: 2, waiting: 2, etaMinutes: 4 } });

    // A second technician available: twice as fast, pushed to both sides.
    const bHalf = nextEvent<QueuePosition>(devB.socket, 'help:position', (p) => p.wait?.params.etaMinutes === 2);
    const aHalf = await bothSay(
      devA,
      tech,
      a.request.id,
      'estimate',
      () => newTech(t, 'technician', 'Bruno Durand'),
      t,
      (w) => w.params.techniciansAvailable === 2,
    );
    expect(aHalf.wait?.params).toMatchObject({ etaMinutes: 1, techniciansAvailable: 2 });
    await bHalf;

    // Time passes: A's minute runs out, the hub pushes it by itself (no number once the estimate is spent).
    t.advance(60_000 - 300);
    const spent = await bothSay(devA, tech, a.request.id, 'noEstimate', () => t.hub.realtime.queueChanged(), t);
    expect(spent.wait?.params.etaMinutes).toBeNull();

    // Just before 3 minutes: the hub pushes « overdue » by itself when they pass, to the practice and the consoles.
    t.advance(SLA.breachMs - 60_000 - 400);
    const overdue = await bothSay(devA, tech, a.request.id, 'overdue', () => t.hub.realtime.queueChanged(), t);
    expect(overdue.wait?.params).toMatchObject({ position: 1, etaMinutes: null, techniciansAvailable: 2 });
    expect(overdue.wait!.params.waitedSeconds).toBeGreaterThanOrEqual(SLA.breachMs / 1000);
    // Its place is kept: still first, B still second.
    expect(overdue.position).toBe(1);
    expect((await t.hub.realtime.snapshot()).positions.find((p) => p.requestId === b.request.id)?.position).toBe(2);
  });

  it('with technicians but no pickup ever recorded: no number is made up', async () => {
    const t = await clockHub();
    await newTech(t);
    const dev = await newDevice(t);
    const { position } = await askHelp(dev);
    expect(position?.wait).toMatchObject({
      key: 'noEstimate',
      params: { etaMinutes: null, medianPickupSeconds: null, samples: 0, techniciansAvailable: 1 },
    });
  });
});
