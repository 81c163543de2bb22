/**
 * ScreenSessionService against a real hub on loopback (server/src/screen/test-support/index.ts) and real
 * socket.io technicians. The InputInjector here records what it is asked to inject (the real
 * nut-js injector is tested under Xvfb in platform/node/input-nutjs.test.ts); the clock is manual
 * for the 30 s consent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DisplayInfo, type InputEvent, type ScreenSession, type ScreenSignal, type ScreenState } from '@vigie/common';
import { emitAck, nextEvent, type Socket } from '../../../server/src/test-support/sockets.js';
import {
  startScreenTestHub,
  type ScreenTestDevice,
  type ScreenTestHub,
  type ScreenTestTech,
} from '../../../server/src/screen/test-support/index.js';
import { nutKeyFor } from '../../platform/node/input-keymap.js';
import { HubConnection } from '../hub/connection.js';
import { createDispatch } from '../ipc.js';
import { createLogger } from '../lib/logger.js';
import { ActivityTracker } from '../updates/activity.js';
import { screenCapability } from './capability.js';
import type { InjectorAvailability, InjectResult, InputInjector, ScreenDisplays } from './ports.js';
import { ScreenSessionService } from './session.js';
import { toPixel } from './geometry.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { socketHubLink } from './test-support/index.js';

const log = createLogger({ level: 'silent' });

const DISPLAYS: DisplayInfo[] = [
  { id: 'left', label: 'Écran 1', bounds: { x: 0, y: 0, width: 1920, height: 1080 }, scaleFactor: 1, primary: true },
  { id: 'right', label: 'Écran 2', bounds: { x: 1920, y: 0, width: 1280, height: 1024 }, scaleFactor: 1, primary: false },
];

/** The InputInjector port's test double: records injections, knows the same keys as nut-js. */
class RecordingInjector implements InputInjector {
  readonly name = 'recording';
  readonly events: Array<{ ev: InputEvent; display: string }> = [];
  clipboard = 'texte du cabinet';
  constructor(private readonly available = true) {}
  async availability(): Promise<InjectorAvailability> {
    return this.available ? { available: true } : { available: false, code: 'UNAVAILABLE', reason: 'no-display', message: 'pas d’écran' };
  }
  async inject(ev: InputEvent, display: DisplayInfo): Promise<InjectResult> {
    if ((ev.t === 'key.down' || ev.t === 'key.up') && !nutKeyFor(ev.code)) return 'unsupported';
    this.events.push({ ev, display: display.id });
    return 'injected';
  }
  async readClipboard() {
    return this.clipboard;
  }
  async writeClipboard(text: string) {
    this.clipboard = text;
  }
}

const displays: ScreenDisplays = { list: async () => DISPLAYS };

function waitState(svc: ScreenSessionService, pred: (s: ScreenState) => boolean, what: string, timeoutMs = 10_000): Promise<ScreenState> {
  if (pred(svc.state())) return Promise.resolve(svc.state());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what} (phase ${svc.state().phase})`));
    }, timeoutMs);
    const off = svc.on('state', (s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

const mods = { alt: false, ctrl: false, meta: false, shift: false };
const json = (v: unknown) => JSON.stringify(v);

let h: ScreenTestHub;
let counter = 0;
const cleanups: Array<() => void | Promise<void>> = [];

beforeAll(async () => {
  h = await startScreenTestHub({ providerName: 'InfoSanté Services', stunUrls: ['stun:stun.example.org:3478'], sweepIntervalMs: 60_000 });
});
afterAll(() => h?.close());
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

type Rig = {
  svc: ScreenSessionService;
  injector: RecordingInjector;
  clock: ManualClock;
  tech: ScreenTestTech;
  dev: ScreenTestDevice;
  t: Socket;
  d: Socket;
  requestId: string;
};

async function rig(opts: { inputAvailable?: boolean } = {}): Promise<Rig> {
  counter++;
  const tech = await h.newTech(`tech${counter}`, `Technicien ${counter}`);
  const dev = await h.newDevice(`Poste ${counter}`);
  const req = await h.openRequest(dev, tech);
  const d = await h.screenDevice(dev);
  const t = await h.screenTech(tech);
  const injector = new RecordingInjector(opts.inputAvailable ?? true);
  const clock = new ManualClock();
  const svc = new ScreenSessionService({ hub: socketHubLink(d), injector, displays, logger: log, clock });
  await svc.start();
  cleanups.push(() => svc.stop());
  return { svc, injector, clock, tech, dev, t, d, requestId: req.id };
}

async function ask(r: Rig): Promise<ScreenSession> {
  const asked = await emitAck<ScreenSession>(r.t, 'screen:request', { requestId: r.requestId });
  if (!asked.ok) throw new Error(asked.error.code);
  await waitState(r.svc, (s) => s.consent?.sessionId === asked.data.id && s.consent.displays.length === 2, 'consent window');
  return asked.data;
}

async function viewing(r: Rig, displayId?: string): Promise<ScreenSession> {
  const s = await ask(r);
  await r.svc.grant(s.id, displayId);
  return s;
}

async function controlling(r: Rig, already?: ScreenSession): Promise<ScreenSession> {
  const s = already ?? (await viewing(r));
  expect((await emitAck(r.t, 'screen:control', { sessionId: s.id })).ok).toBe(true);
  await waitState(r.svc, (st) => st.consent?.kind === 'control', 'control consent');
  await r.svc.grant(s.id);
  expect(r.svc.isControlling()).toBe(true);
  return s;
}

async function hubRecord(r: Rig, sessionId: string): Promise<ScreenSession> {
  const g = await emitAck<ScreenSession | null>(r.t, 'screen:get', { requestId: r.requestId });
  if (!g.ok || !g.data || g.data.id !== sessionId) throw new Error('no session record');
  return g.data;
}

describe('ScreenSessionService: consent', () => {
  it('shows the consent window with verified data, captures nothing before consent, and refuses by itself after 30 s', async () => {
    const r = await rig();
    const s = await ask(r);
    const st = r.svc.state();
    expect(st.phase).toBe('consent-pending');
    expect(st.consent).toMatchObject({
      kind: 'view',
      technicianName: 'Technicien ' + counter,
      providerName: 'InfoSanté Services',
      shortCode: s.shortCode,
      defaultDisplayId: 'left',
      inputAvailable: true,
    });
    expect(Date.parse(st.consent!.expiresAt) - r.clock.now()).toBe(30_000);
    expect(r.svc.canCapture()).toBe(false);
    expect(st.capture).toBeNull();
    expect(st.banner).toBeNull();
    await expect(r.svc.sendSignal(s.id, { type: 'offer', sdp: 'v=0' })).rejects.toMatchObject({ code: 'CONFLICT' });

    const ended = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'ended');
    r.clock.advance(29_999);
    expect(r.svc.state().phase).toBe('consent-pending');
    r.clock.advance(1);
    expect(r.svc.state()).toMatchObject({
      phase: 'ended',
      consent: null,
      capture: null,
      ended: { sessionId: s.id, reason: 'timeout', by: 'device' },
    });
    expect(await ended).toMatchObject({ endReason: 'timeout', endedBy: 'device' });
    await expect(r.svc.grant(s.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(r.svc.canCapture()).toBe(false);
  });

  it('"Refuser" ends it on both sides; no capture', async () => {
    const r = await rig();
    const s = await ask(r);
    const ended = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'ended');
    await r.svc.refuse(s.id);
    expect(r.svc.state()).toMatchObject({ phase: 'ended', capture: null, ended: { reason: 'refused' } });
    expect(await ended).toMatchObject({ endReason: 'refused', endedBy: 'device' });
    expect(r.svc.canCapture()).toBe(false);
  });

  it('"Autoriser" on the chosen screen opens capture and signaling both ways; "Arrêter" ends everything', async () => {
    const r = await rig();
    const s = await ask(r);
    await expect(r.svc.grant(s.id, 'nope')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const st = await r.svc.grant(s.id, 'right');
    expect(st).toMatchObject({
      phase: 'viewing',
      consent: null,
      banner: { mode: 'viewing', technicianName: `Technicien ${counter}` },
      capture: { sessionId: s.id, displayId: 'right' },
    });
    expect(st.capture!.ice!.iceServers).toEqual([{ urls: ['stun:stun.example.org:3478'] }]);
    expect(r.svc.captureTarget()).toMatchObject({ sessionId: s.id, display: { id: 'right' } });

    const toTech = nextEvent<ScreenSignal>(r.t, 'screen:signal');
    await r.svc.sendSignal(s.id, { type: 'offer', sdp: 'v=0\r\n' });
    expect(await toTech).toEqual({ sessionId: s.id, data: { type: 'offer', sdp: 'v=0\r\n' } });
    const toRenderer = new Promise<ScreenSignal>((resolve) => {
      const off = r.svc.on('signal', (x) => {
        off();
        resolve(x);
      });
    });
    expect((await emitAck(r.t, 'screen:signal', { sessionId: s.id, data: { type: 'answer', sdp: 'v=0\r\n' } })).ok).toBe(true);
    expect(await toRenderer).toEqual({ sessionId: s.id, data: { type: 'answer', sdp: 'v=0\r\n' } });

    const ended = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'ended');
    await r.svc.stopSharing('practitioner-stop');
    expect(r.svc.state()).toMatchObject({ phase: 'ended', banner: null, capture: null, ended: { reason: 'practitioner-stop' } });
    expect(await ended).toMatchObject({ endReason: 'practitioner-stop', endedBy: 'device' });
    await expect(r.svc.sendSignal(s.id, { type: 'offer', sdp: 'v=0' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('the global shortcut, the technician\'s "Terminer" and a hub disconnect each end the session', async () => {
    const r = await rig();
    const s1 = await viewing(r);
    await r.svc.stopSharing('shortcut');
    expect((await hubRecord(r, s1.id)).endReason).toBe('shortcut');

    const s2 = await viewing(r);
    expect((await emitAck(r.t, 'screen:end', { sessionId: s2.id })).ok).toBe(true);
    expect(await waitState(r.svc, (x) => x.phase === 'ended', 'ended by the technician')).toMatchObject({
      capture: null,
      ended: { reason: 'technician-end', by: 'technician' },
    });

    const s3 = await viewing(r);
    const gone = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s3.id && x.state === 'ended');
    r.d.disconnect();
    expect(await waitState(r.svc, (x) => x.phase === 'ended', 'ended by the disconnect')).toMatchObject({
      capture: null,
      ended: { reason: 'disconnect' },
    });
    expect(await gone).toMatchObject({ endReason: 'disconnect', endedBy: 'device' });
  });
});

describe('ScreenSessionService: control and input', () => {
  it('drops input before control, injects it once granted, and drops it again once control is withdrawn', async () => {
    const r = await rig();
    const s = await viewing(r);
    expect(await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.5, y: 0.5 }))).toBeNull();
    await r.svc.idle();
    expect(r.injector.events).toEqual([]);
    expect(r.svc.dropCounts()['not-controlling']).toBe(1);

    await controlling(r, s);
    expect(r.svc.state().banner).toMatchObject({ mode: 'controlling' });
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.25, y: 0.75 }));
    await r.svc.handleData(s.id, json({ t: 'pointer.down', x: 0.25, y: 0.75, button: 'left' }));
    await r.svc.handleData(s.id, json({ t: 'pointer.up', x: 0.25, y: 0.75, button: 'left' }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyA', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.up', code: 'KeyA', mods: { ...mods, shift: true } }));
    // Outside the shared screen, malformed, unknown key, another session: dropped and counted.
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 1.2, y: 0.5 }));
    await r.svc.handleData(s.id, json({ t: 'pointer.down', x: 0.5, y: -0.1, button: 'left' }));
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.5 }));
    await r.svc.handleData(s.id, '{not json');
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'LaunchRocket', mods: { ...mods, shift: true } }));
    await r.svc.handleData('another-session', json({ t: 'pointer.move', x: 0.5, y: 0.5 }));
    await r.svc.idle();
    expect(r.injector.events.map((e) => e.ev.t)).toEqual(['pointer.move', 'pointer.down', 'pointer.up', 'key.down', 'key.down', 'key.up']);
    expect(r.injector.events.every((e) => e.display === 'left')).toBe(true);
    expect(r.svc.dropCounts()).toMatchObject({ outside: 2, invalid: 2, unsupported: 1, 'not-live': 1 });

    // Withdraw control: Shift (still held) is released, the view goes on, input is dropped.
    const seen = r.injector.events.length;
    const techSees = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'viewing');
    await r.svc.revokeControl();
    expect(r.svc.state()).toMatchObject({ phase: 'viewing', banner: { mode: 'viewing' }, capture: { sessionId: s.id } });
    expect((await techSees).controlRevokedAt).not.toBeNull();
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.1, y: 0.1 }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyB', mods }));
    await r.svc.idle();
    expect(r.injector.events.slice(seen).map((e) => e.ev)).toEqual([{ t: 'key.up', code: 'ShiftLeft', mods }]);
    expect(r.svc.dropCounts()['not-controlling']).toBe(3);
    expect(r.svc.state().input).toMatchObject({ injected: 6 });
    expect(r.svc.canCapture()).toBe(true);
  });

  it('events queued when control ends are dropped, and the technician handing control back ends it too', async () => {
    const r = await rig();
    const s = await controlling(r);
    for (let i = 0; i < 20; i++) void r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyC', mods }));
    await r.svc.revokeControl();
    await r.svc.idle();
    const injectedBeforeRevoke = r.injector.events.filter((e) => e.ev.t === 'key.down').length;
    expect(injectedBeforeRevoke).toBeLessThan(20);
    expect(r.svc.dropCounts()['not-controlling']).toBe(20 - injectedBeforeRevoke);

    // Control again, then the technician releases it from the console.
    expect((await emitAck(r.t, 'screen:control', { sessionId: s.id })).ok).toBe(true);
    await waitState(r.svc, (st) => st.consent?.kind === 'control', 'control consent');
    await r.svc.grant(s.id);
    // A modifier whose key-up was lost on the technician's side is released before the next key.
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyD', mods }));
    await r.svc.idle();
    expect(r.injector.events.slice(-3).map((e) => e.ev)).toEqual([
      { t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } },
      { t: 'key.up', code: 'ShiftLeft', mods },
      { t: 'key.down', code: 'KeyD', mods },
    ]);
    // …while the modifier's own key-up (reporting it as no longer held) is injected once.
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftRight', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.up', code: 'ShiftRight', mods }));
    await r.svc.idle();
    expect(r.injector.events.slice(-2).map((e) => e.ev)).toEqual([
      { t: 'key.down', code: 'ShiftRight', mods: { ...mods, shift: true } },
      { t: 'key.up', code: 'ShiftRight', mods },
    ]);
    expect((await emitAck(r.t, 'screen:release-control', { sessionId: s.id })).ok).toBe(true);
    await waitState(r.svc, (st) => st.phase === 'viewing', 'back to viewing');
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.5, y: 0.5 }));
    await r.svc.idle();
    expect(r.injector.events.some((e) => e.ev.t === 'pointer.move')).toBe(false);
  });

  it('control consent refuses itself after 30 s and the view goes on; refused outright when input is unavailable', async () => {
    const r = await rig();
    const s = await viewing(r);
    expect((await emitAck(r.t, 'screen:control', { sessionId: s.id })).ok).toBe(true);
    await waitState(r.svc, (st) => st.phase === 'control-pending' && st.consent?.kind === 'control', 'control consent');
    expect(r.svc.state().banner).toMatchObject({ controlPending: true });
    const back = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'viewing');
    r.clock.advance(30_000);
    expect(r.svc.state()).toMatchObject({ phase: 'viewing', consent: null });
    await back;
    expect(r.svc.canCapture()).toBe(true);

    const u = await rig({ inputAvailable: false });
    const su = await viewing(u);
    expect(u.svc.state().input.available).toBe(false);
    const refused = nextEvent<ScreenSession>(u.t, 'screen:updated', (x) => x.id === su.id && x.state === 'viewing');
    expect((await emitAck(u.t, 'screen:control', { sessionId: su.id })).ok).toBe(true);
    // The technician is told why: the injector's own reason travels with the answer.
    expect((await refused).controlAnswer).toMatchObject({ decision: 'unavailable', reason: 'no-display' });
    expect(u.svc.state()).toMatchObject({ phase: 'viewing', consent: null });
  });

  it('clipboard both ways and ping only while controlling', async () => {
    const r = await rig();
    const s = await viewing(r);
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.get', id: 1 }))).toEqual({ t: 'clipboard.error', id: 1, code: 'FORBIDDEN' });
    expect(await r.svc.handleData(s.id, json({ t: 'ping', id: 2, sentAt: 123.5 }))).toEqual({ t: 'pong', id: 2, sentAt: 123.5 });
    await controlling(r, s);
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.get', id: 3 }))).toEqual({
      t: 'clipboard.text',
      id: 3,
      text: 'texte du cabinet',
    });
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.set', id: 4, text: 'mot de passe Wi-Fi' }))).toEqual({
      t: 'clipboard.ok',
      id: 4,
    });
    expect(r.injector.clipboard).toBe('mot de passe Wi-Fi');
    await r.svc.revokeControl();
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.set', id: 5, text: 'x' }))).toEqual({
      t: 'clipboard.error',
      id: 5,
      code: 'FORBIDDEN',
    });
    expect(r.injector.clipboard).toBe('mot de passe Wi-Fi');
  });
});

describe('ScreenSessionService: monitor switch', () => {
  async function askSwitch(r: Rig, sessionId: string, index: number): Promise<ScreenState> {
    const asked = await emitAck<ScreenSession>(r.t, 'screen:switch-display', { sessionId, index });
    if (!asked.ok) throw new Error(asked.error.code);
    expect(asked.data.displaySwitch).toMatchObject({ index, answeredAt: null, decision: null });
    return waitState(r.svc, (st) => !!st.consent?.switching, 'monitor switch consent');
  }

  it('asks the practitioner again; once granted the new monitor is captured and input maps to its bounds', async () => {
    const r = await rig();
    const s = await controlling(r);
    expect(r.svc.state().capture).toMatchObject({ displayId: 'left', display: { label: 'Écran 1', index: 1, count: 2 } });
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } }));
    await r.svc.idle();

    const st = await askSwitch(r, s.id, 2);
    // Same consent window, the requested monitor preselected; nothing switched yet, control goes on.
    expect(st).toMatchObject({
      phase: 'controlling',
      consent: { kind: 'view', switching: true, defaultDisplayId: 'right', sessionId: s.id },
      capture: { displayId: 'left' },
    });
    expect(st.consent!.displays.map((d) => d.id)).toEqual(['left', 'right']);
    expect(r.svc.captureTarget()?.display?.id).toBe('left');

    const recorded = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.displaySwitch?.decision === 'granted');
    const after = await r.svc.grant(s.id);
    expect(after).toMatchObject({
      phase: 'controlling',
      consent: null,
      capture: { sessionId: s.id, displayId: 'right', display: { label: 'Écran 2', index: 2, count: 2 } },
    });
    expect(r.svc.captureTarget()).toMatchObject({ sessionId: s.id, display: { id: 'right' } });
    // The key held on the old monitor was released there.
    expect(r.injector.events.at(-1)).toEqual({ ev: { t: 'key.up', code: 'ShiftLeft', mods }, display: 'left' });
    expect(await recorded).toMatchObject({ state: 'controlling', displaySwitch: { index: 2, decision: 'granted' }, displaySwitches: 1 });

    await r.svc.handleData(s.id, json({ t: 'pointer.down', x: 0.5, y: 0.5, button: 'left' }));
    await r.svc.idle();
    expect(r.injector.events.at(-1)).toEqual({ ev: { t: 'pointer.down', x: 0.5, y: 0.5, button: 'left' }, display: 'right' });
    expect(toPixel(0.5, 0.5, DISPLAYS[1]!.bounds)).toEqual({ x: 1920 + 640, y: 512 });
    expect((await hubRecord(r, s.id)).displaySwitches).toBe(1);
  });

  it('"Refuser" or no answer within 30 s keep the current monitor shared', async () => {
    const r = await rig();
    const s = await viewing(r, 'right');
    await askSwitch(r, s.id, 1);
    const refused = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.displaySwitch?.decision === 'refused');
    expect(await r.svc.refuse(s.id)).toMatchObject({
      phase: 'viewing',
      consent: null,
      capture: { displayId: 'right', display: { index: 2 } },
    });
    expect(await refused).toMatchObject({ state: 'viewing', displaySwitches: 0 });

    await askSwitch(r, s.id, 1);
    const timedOut = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.displaySwitch?.decision === 'timeout');
    r.clock.advance(30_000);
    expect(r.svc.state()).toMatchObject({ phase: 'viewing', consent: null, capture: { displayId: 'right' } });
    expect(await timedOut).toMatchObject({ state: 'viewing', displaySwitches: 0 });
    expect(r.svc.captureTarget()?.display?.id).toBe('right');
    // A monitor this machine does not have is refused without asking.
    const none = nextEvent<ScreenSession>(
      r.t,
      'screen:updated',
      (x) => x.id === s.id && x.displaySwitch?.index === 5 && x.displaySwitch.decision === 'refused',
    );
    expect((await emitAck(r.t, 'screen:switch-display', { sessionId: s.id, index: 5 })).ok).toBe(true);
    await none;
    expect(r.svc.state()).toMatchObject({ consent: null, capture: { displayId: 'right' } });
  });
});

describe('screen capability', () => {
  it('serves screen:* through the app dispatch (contract-checked) and publishes state from the app hub connection', async () => {
    counter++;
    const tech = await h.newTech(`cap${counter}`, `Technicien ${counter}`);
    const dev = await h.newDevice(`Poste ${counter}`);
    const req = await h.openRequest(dev, tech);
    const t = await h.screenTech(tech);
    // The app's own HubConnection, on the namespace that serves the screen events.
    const hub = new HubConnection({ logger: log });
    cleanups.push(() => hub.stop());
    const cap = screenCapability({ injector: new RecordingInjector(), displays });
    const dispatch = createDispatch({ ...cap.handlers }, log);
    expect(await dispatch('screen:getState', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    const published: Array<[string, unknown]> = [];
    const activity = new ActivityTracker();
    await cap.start!({ hub, publish: (name, payload) => published.push([name, payload]), logger: log, activity });
    cleanups.push(() => cap.stop!());
    hub.start(h.screenUrl, dev.token);
    await new Promise<void>((resolve) => (hub.connected ? resolve() : hub.on('connected', () => resolve())));

    expect(await dispatch('screen:getState', {})).toMatchObject({ ok: true, data: { phase: 'idle', capture: null } });
    const asked = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!asked.ok) throw new Error(asked.error.code);
    await waitState(cap.service!, (s) => s.consent?.displays.length === 2, 'consent via the app connection');
    expect(published.some(([n, p]) => n === 'screen:state' && (p as ScreenState).phase === 'consent-pending')).toBe(true);
    expect(activity.snapshot().remoteSession).toBe(true);
    expect(await dispatch('screen:grant', { sessionId: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch('screen:signal', { sessionId: asked.data.id, data: { type: 'offer', sdp: 'v=0' } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await dispatch('screen:input', { sessionId: asked.data.id, message: JSON.stringify({ t: 'ping', id: 1, sentAt: 1 }) })).toEqual({
      ok: true,
      data: { reply: null },
    });
    expect(await dispatch('screen:refuse', { sessionId: asked.data.id })).toMatchObject({
      ok: true,
      data: { phase: 'ended', ended: { reason: 'refused' } },
    });
    expect(activity.snapshot().remoteSession).toBe(false);
  });
});
