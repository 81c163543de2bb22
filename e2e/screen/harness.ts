/**
 * Support for the remote-screen specs: a real hub serving the console, the browser host (same
 * renderer build and services as the Electron app) enrolled to it, Chromium pages for the
 * practitioner and the technician (real TOTP login), a page probe that records the pages' own
 * WebRTC objects, and the test ports the host may be given (a recording input injector — the real
 * nut-js one is exercised under Xvfb — fixed displays; the clock is `ManualClock.stepping()` of @vigie/common).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DisplayInfo, InputEvent } from '@vigie/common';
import { createHub, type Hub } from '../../server/src/app.js';
import type { ScreenSettingsInput } from '../../server/src/screen/config.js';
import { totpNow } from '../../server/src/test-support/sockets.js';
import { startHost, type Host, type HostOptions } from '../../main/host/server.js';
import { createLogger } from '../../main/services/lib/logger.js';
import type { InjectorAvailability, InjectResult, InputInjector } from '../../main/services/screen/ports.js';
import { CONSOLE_DIST } from '../support/console.js';
import { RENDERER_DIR, tempDir } from '../practitioner/harness.js';

export { ensureConsoleBuilt } from '../support/console.js';
export { ensureRendererBuilt, until } from '../practitioner/harness.js';

export const PASSWORD = 'cheval agrafe pile correcte';
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

export interface ScreenWorld {
  hub: Hub;
  host: Host;
  app: Page;
  console: Page;
  contexts: BrowserContext[];
  code: string;
  tech: { id: string; login: string; totpSecret: string; displayName: string };
  close(): Promise<void>;
}

/**
 * Hub + browser host enrolled to it + the practitioner page (asked for help) + the console page
 * (Julie Martin logged in with a real TOTP code, request accepted, workspace open).
 */
export async function screenWorld(
  browser: Browser,
  screen: NonNullable<Exclude<HostOptions['screen'], false>>,
  opts: {
    appBrowser?: Browser;
    appViewport?: { width: number; height: number } | null;
    /** The hub's screen settings (STUN/TURN) and clock. */
    hubScreen?: ScreenSettingsInput;
    hubNow?: () => number;
  } = {},
): Promise<ScreenWorld> {
  const hubDir = await tempDir('screen-hub');
  const appDir = await tempDir('screen-app');
  const hub = await createHub({
    dataDir: hubDir.path,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    consoleDir: CONSOLE_DIST,
    env: {},
    screen: { providerName: 'InfoSanté Services', ...opts.hubScreen },
    ...(opts.hubNow ? { now: opts.hubNow } : {}),
  });
  const practice = await hub.admin.createPractice({ name: PRACTICE });
  const t = await hub.admin.addTechnician({ login: 'julie', displayName: 'Julie Martin', password: PASSWORD });
  const host = await startHost({
    hubUrl: hub.url,
    dataDir: appDir.path,
    rendererDir: RENDERER_DIR,
    logger: createLogger({ level: (process.env.VIGIE_TEST_LOG as 'debug' | undefined) ?? 'silent' }),
    hub: { ackTimeoutMs: 5000, connectTimeoutMs: 5000 },
    health: false,
    backup: false,
    screen,
    enrollCode: practice.enrollmentCode,
    deviceName: 'Poste accueil',
  });
  const appContext = await (opts.appBrowser ?? browser).newContext({
    viewport: opts.appViewport === undefined ? { width: 1280, height: 720 } : opts.appViewport,
  });
  const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await appContext.addInitScript(PAGE_PROBE);
  await consoleContext.addInitScript(PAGE_PROBE);
  const app = await appContext.newPage();
  const consolePage = await consoleContext.newPage();
  const world: ScreenWorld = {
    hub,
    host,
    app,
    console: consolePage,
    contexts: [appContext, consoleContext],
    code: practice.enrollmentCode,
    tech: { id: t.id, login: t.login, totpSecret: t.totpSecret, displayName: 'Julie Martin' },
    async close() {
      for (const c of world.contexts) await c.close().catch(() => undefined);
      await host.close().catch(() => undefined);
      await hub.close().catch(() => undefined);
      await hubDir.remove();
      await appDir.remove();
    },
  };
  try {
    await app.goto(host.url);
    await app.getByRole('button', { name: 'Demander de l’aide' }).click();
    await app.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
    await loginAndOpen(consolePage, hub.url, t.login, t.totpSecret);
    await consolePage.locator('li.queue-card').filter({ hasText: PRACTICE }).getByRole('button', { name: 'Accepter' }).click();
    await consolePage.getByRole('heading', { name: `Demande — ${PRACTICE}` }).waitFor();
    await app.getByText('Julie Martin s’occupe de vous').waitFor();
  } catch (e) {
    await world.close();
    throw e;
  }
  return world;
}

/** Console login with password and the TOTP code of the moment; lands on the queue. */
export async function loginAndOpen(page: Page, hubUrl: string, login: string, totpSecret: string): Promise<void> {
  await page.goto(hubUrl + '/');
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByLabel('Code à 6 chiffres').fill(totpNow(totpSecret));
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
}
