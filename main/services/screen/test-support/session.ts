/**
 * Shared by the ScreenSessionService tests (session*.test.ts, capability.test.ts): a real hub on
 * loopback (server/src/screen/test-support/index.ts) and real socket.io technicians. The
 * InputInjector here records what it is asked to inject (the real nut-js injector is tested under
 * Xvfb in platform/node/input-nutjs.test.ts); the clock is manual for the 30 s consent.
 * A test file calls `useScreenHub()` once: one hub for the file, each rig's service stopped after its test.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type DisplayInfo, type InputEvent, type ScreenSession, type ScreenState } from '@vigie/common';
import { emitAck, type Socket } from '../../../../server/src/test-support/sockets.js';
import {
  startScreenTestHub,
  type ScreenTestDevice,
  type ScreenTestHub,
  type ScreenTestTech,
} from '../../../../server/src/screen/test-support/index.js';
import { nutKeyFor } from '../../../platform/node/input-keymap.js';
import { createLogger } from '../../lib/logger.js';
import type { InjectorAvailability, InjectResult, InputInjector, ScreenDisplays } from '../ports.js';
import { ScreenSessionService } from '../session.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { socketHubLink } from './index.js';

export const log = createLogger({ level: 'silent' });

export const DISPLAYS: DisplayInfo[] = [
  { id: 'left', label: 'Écran 1', bounds: { x: 0, y: 0, width: 1920, height: 1080 }, scaleFactor: 1, primary: true },
  { id: 'right', label: 'Écran 2', bounds: { x: 1920, y: 0, width: 1280, height: 1024 }, scaleFactor: 1, primary: false },
];

/** The InputInjector port's test double: records injections, knows the same keys as nut-js. */
export class RecordingInjector implements InputInjector {
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

export const displays: ScreenDisplays = { list: async () => DISPLAYS };

export function waitState(
  svc: ScreenSessionService,
  pred: (s: ScreenState) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<ScreenState> {
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

export const mods = { alt: false, ctrl: false, meta: false, shift: false };
export const json = (v: unknown) => JSON.stringify(v);

export let h: ScreenTestHub;
export let counter = 0;
export const cleanups: Array<() => void | Promise<void>> = [];

/** The file's hub (started once), and each test's services stopped after it. */
export function useScreenHub(): void {
  beforeAll(async () => {
    h = await startScreenTestHub({ providerName: 'InfoSanté Services', stunUrls: ['stun:stun.example.org:3478'], sweepIntervalMs: 60_000 });
  });
  afterAll(() => h?.close());
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
}

export type Rig = {
  svc: ScreenSessionService;
  injector: RecordingInjector;
  clock: ManualClock;
  tech: ScreenTestTech;
  dev: ScreenTestDevice;
  t: Socket;
  d: Socket;
  requestId: string;
};

export async function rig(opts: { inputAvailable?: boolean } = {}): Promise<Rig> {
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

export async function ask(r: Rig): Promise<ScreenSession> {
  const asked = await emitAck<ScreenSession>(r.t, 'screen:request', { requestId: r.requestId });
  if (!asked.ok) throw new Error(asked.error.code);
  await waitState(r.svc, (s) => s.consent?.sessionId === asked.data.id && s.consent.displays.length === 2, 'consent window');
  return asked.data;
}

export async function viewing(r: Rig, displayId?: string): Promise<ScreenSession> {
  const s = await ask(r);
  await r.svc.grant(s.id, displayId);
  return s;
}

export async function controlling(r: Rig, already?: ScreenSession): Promise<ScreenSession> {
  const s = already ?? (await viewing(r));
  expect((await emitAck(r.t, 'screen:control', { sessionId: s.id })).ok).toBe(true);
  await waitState(r.svc, (st) => st.consent?.kind === 'control', 'control consent');
  await r.svc.grant(s.id);
  expect(r.svc.isControlling()).toBe(true);
  return s;
}

export async function hubRecord(r: Rig, sessionId: string): Promise<ScreenSession> {
  const g = await emitAck<ScreenSession | null>(r.t, 'screen:get', { requestId: r.requestId });
  if (!g.ok || !g.data || g.data.id !== sessionId) throw new Error('no session record');
  return g.data;
}
