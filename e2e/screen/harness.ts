/**
 * Support for the remote-screen specs: their world (the e2e world fixture, e2e/support/world.ts,
 * with the request accepted), a page probe that records the pages' own WebRTC objects, and the
 * test ports the host may be given (a recording input injector — the real nut-js one is exercised
 * under Xvfb — fixed displays; the clock is `ManualClock.stepping()` of @vigie/common).
 */
import type { Page } from 'playwright-core';
import type { DisplayInfo, InputEvent } from '@vigie/common';
import type { Hub } from '../../server/src/app.js';
import type { ScreenSettingsInput } from '../../server/src/screen/config.js';
import type { Host, HostOptions } from '../../main/host/server.js';
import type { InjectorAvailability, InjectResult, InputInjector } from '../../main/services/screen/ports.js';
import { helpAccepted, worldTest, type WorldHub, type WorldOptions } from '../support/world.js';

export { until } from '../practitioner/harness.js';
export { PASSWORD } from '../support/world.js';

export const PRACTICE = 'Cabinet médical des Acacias';

/** WebRTC between pages of this machine: plain host candidates, video plays without a gesture. */
export const WEBRTC_FLAGS = ['--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required'];
/** getDisplayMedia answers with Chromium's synthetic screen, no picker (headless: the size of the page's viewport, 1280×720 here). */
export const FAKE_SCREEN_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
];

/** An InputInjector that records what it is asked to inject (and keeps a text clipboard). */
export class RecordingInjector implements InputInjector {
  readonly name = 'recording';
  readonly events: Array<{ event: InputEvent; display: DisplayInfo }> = [];
  clipboard = '';
  async availability(): Promise<InjectorAvailability> {
    return { available: true };
  }
  async inject(event: InputEvent, display: DisplayInfo): Promise<InjectResult> {
    this.events.push({ event, display });
    return 'injected';
  }
  async readClipboard(): Promise<string> {
    return this.clipboard;
  }
  async writeClipboard(text: string): Promise<void> {
    this.clipboard = text;
  }
}

export const TWO_DISPLAYS: DisplayInfo[] = [
  { id: 'screen-0', label: 'Écran principal', bounds: { x: 0, y: 0, width: 1280, height: 720 }, scaleFactor: 1, primary: true },
  { id: 'screen-1', label: 'Écran de droite', bounds: { x: 1280, y: 0, width: 1920, height: 1080 }, scaleFactor: 1, primary: false },
];

/**
 * Records the page's RTCPeerConnections, the data channels it receives and every getDisplayMedia
 * stream, so a spec can check what is live and what was closed (runs before the page's scripts).
 */
export const PAGE_PROBE = `(() => {
  const probe = { pcs: [], channels: [], streams: [], gdmCalls: 0 };
  window.__screenProbe = probe;
  const Orig = window.RTCPeerConnection;
  if (Orig) {
    const Wrapped = function (...args) {
      const pc = new Orig(...args);
      probe.pcs.push(pc);
      pc.addEventListener('datachannel', (e) => probe.channels.push(e.channel));
      return pc;
    };
    Wrapped.prototype = Orig.prototype;
    Object.setPrototypeOf(Wrapped, Orig);
    window.RTCPeerConnection = Wrapped;
  }
  const md = navigator.mediaDevices;
  if (md && md.getDisplayMedia) {
    const gdm = md.getDisplayMedia.bind(md);
    md.getDisplayMedia = async (c) => {
      probe.gdmCalls++;
      const s = await gdm(c);
      probe.streams.push(s);
      return s;
    };
  }
})();`;

export interface ProbeReport {
  gdmCalls: number;
  peers: number;
  openPeers: number;
  liveTracks: number;
  tracks: number;
}

/** What the page probe saw: captures asked, tracks still live, peers not closed. */
export function probe(page: Page): Promise<ProbeReport> {
  return page.evaluate<ProbeReport>(`(() => {
    const p = window.__screenProbe;
    const tracks = p.streams.flatMap((s) => s.getTracks());
    return {
      gdmCalls: p.gdmCalls,
      peers: p.pcs.length,
      openPeers: p.pcs.filter((pc) => pc.signalingState !== 'closed').length,
      liveTracks: tracks.filter((t) => t.readyState === 'live').length,
      tracks: tracks.length,
    };
  })()`);
}

/** The technician's decoding: frames decoded by the newest peer and the video element's real size. */
export function decoded(page: Page): Promise<{ framesDecoded: number; videoWidth: number; videoHeight: number }> {
  return page.evaluate(`(async () => {
    const p = window.__screenProbe;
    const pc = p.pcs[p.pcs.length - 1];
    let framesDecoded = 0;
    if (pc && pc.signalingState !== 'closed') {
      for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded = s.framesDecoded || 0;
    }
    const v = document.querySelector('[data-testid="screen-video"]');
    return { framesDecoded, videoWidth: v ? v.videoWidth : 0, videoHeight: v ? v.videoHeight : 0 };
  })()`);
}

/** Sends a raw message on the technician page's data channel (what a tampered console could send). */
export function sendRaw(page: Page, message: unknown): Promise<void> {
  return page.evaluate(`(() => {
    const open = window.__screenProbe.channels.filter((c) => c.readyState === 'open');
    if (!open.length) throw new Error('no open data channel');
    open[open.length - 1].send(${JSON.stringify(JSON.stringify(message))});
  })()`);
}

/** What the screen specs use of their world, once the practitioner's request is accepted. */
export interface ScreenWorld {
  world: WorldHub;
  hub: Hub;
  host: Host;
  /** The practitioner's page: the app, help asked, « Julie Martin s’occupe de vous ». */
  app: Page;
  /** Julie Martin's console: signed in with a real TOTP code, the request accepted, its workspace open. */
  console: Page;
}

export interface ScreenTestOptions {
  /** The host's screen ports (an injector, displays, a clock); `{}`: the real ones. */
  screen: NonNullable<Exclude<HostOptions['screen'], false>>;
  /** The hub's screen settings (STUN, sweep…); `turn` relays it through a throwaway coturn. */
  hubScreen?: Omit<ScreenSettingsInput, 'turn'>;
  turn?: WorldOptions['turn'];
  /** The hub's clock. */
  hubNow?: () => number;
  /** Flags of the world's browser (default: WebRTC between pages, Chromium's synthetic screen). */
  browserArgs?: string[];
  /** The practitioner's viewport (default 1280×720, the synthetic screen's size); null: a headed window's own. */
  appViewport?: { width: number; height: number } | null;
  practitionerBrowser?: WorldOptions['practitionerBrowser'];
  xvfb?: WorldOptions['xvfb'];
}

/**
 * The world of a screen spec file (one world for the file, e2e/support/world.ts): hub (provider «
 * InfoSanté Services ») + browser host enrolled to it (« Poste accueil ») + the practitioner's page
 * and the console's, both probed (PAGE_PROBE); `w`: the practitioner has asked for help and Julie
 * Martin has accepted it, the workspace is open.
 */
export function screenTest(opts: ScreenTestOptions) {
  return worldTest({
    scope: 'file',
    practice: PRACTICE,
    enroll: { deviceName: 'Poste accueil' },
    hub: {
      screen: { providerName: 'InfoSanté Services', ...opts.hubScreen },
      ...(opts.hubNow ? { now: opts.hubNow } : {}),
    },
    ...(opts.turn ? { turn: opts.turn } : {}),
    host: () => ({ health: false, backup: false, screen: opts.screen }),
    browserArgs: opts.browserArgs ?? [...WEBRTC_FLAGS, ...FAKE_SCREEN_FLAGS],
    appViewport: opts.appViewport === undefined ? { width: 1280, height: 720 } : opts.appViewport,
    consoleViewport: { width: 1280, height: 900 },
    initScripts: [PAGE_PROBE],
    ...(opts.practitionerBrowser ? { practitionerBrowser: opts.practitionerBrowser } : {}),
    ...(opts.xvfb ? { xvfb: opts.xvfb } : {}),
  }).extend<{ w: ScreenWorld }>({
    w: [
      async ({ world, host, app, console, signIn }, use) => {
        await helpAccepted({ app, console, host, signIn }, PRACTICE);
        await app.getByText('Julie Martin s’occupe de vous').waitFor();
        await use({ world, hub: world.hub, host, app, console });
      },
      { scope: 'file' },
    ],
  });
}
