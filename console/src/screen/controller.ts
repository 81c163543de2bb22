import { createStore } from 'zustand/vanilla';
import {
  DeviceDataMessage,
  SCREEN_LIMITS,
  SignalData,
  parseDataMessage,
  type ErrorCode,
  type IceConfig,
  type ScreenSession,
  type TechDataMessage,
} from '@vigie/common';
import type { Logger } from '../lib/log';
import type { TechClient } from '../lib/socket';
import { applyIce } from '../../../web/ice';
import type { Peer } from '../../../web/peer';
import { DataChannel } from './channel';
import { qualityBetween, readInboundVideo, type Quality, type StatsSample } from './quality';

const LIVE: ReadonlyArray<ScreenSession['state']> = ['viewing', 'control-pending', 'controlling'];
const PING_EVERY_MS = 2000;
const STATS_EVERY_MS = 1000;
const RECHECK_MS = 2000;

export type ScreenBusy = 'request' | 'control' | 'release' | 'switch' | 'end' | 'clipboard' | null;

/** An action the hub (or the browser) refused: the code, and the hub's reason when it gave one (`details.reason`). */
export interface ScreenError {
  code: ErrorCode;
  reason: string | null;
}

const screenError = (e: { code: ErrorCode; details?: Record<string, unknown> | undefined }): ScreenError => ({
  code: e.code,
  reason: typeof e.details?.reason === 'string' ? e.details.reason : null,
});

export interface ScreenViewState {
  /** The request whose screen is shown (one session at a time per console). */
  requestId: string | null;
  /** Latest session record from the hub (kept after the end, for the reason). */
  session: ScreenSession | null;
  /** True when this console tab holds the session (its socket is the bound one). */
  mine: boolean;
  stream: MediaStream | null;
  /** The device says control is granted (data channel); null until it says anything. */
  deviceControl: boolean | null;
  channelOpen: boolean;
  /** The shared monitor as the device names it (n of count). */
  display: { label: string; index: number; count: number } | null;
  quality: Quality | null;
  clipboard: { status: 'idle' | 'reading' | 'sending' | 'sent' | 'read' | 'error'; text: string | null; error: ErrorCode | null };
  busy: ScreenBusy;
  error: ScreenError | null;
  /** The connection dropped while viewing (the hub ends the session). */
  lost: boolean;
}

const initial = (): ScreenViewState => ({
  requestId: null,
  session: null,
  mine: false,
  stream: null,
  deviceControl: null,
  channelOpen: false,
  display: null,
  quality: null,
  clipboard: { status: 'idle', text: null, error: null },
  busy: null,
  error: null,
  lost: false,
});

export const isLive = (s: ScreenSession | null): boolean => !!s && LIVE.includes(s.state);
export const isOpen = (s: ScreenSession | null): boolean => !!s && s.state !== 'ended';

/** Input may be sent: the hub says controlling and the device has not said otherwise. */
export const canControl = (s: ScreenViewState): boolean =>
  s.mine && s.session?.state === 'controlling' && s.deviceControl !== false && s.channelOpen;

/**
 * The technician's side of a remote-screen session: asks (`screen:request`), follows the session
 * pushes, answers the device's WebRTC offer once the practitioner consented (ICE from the hub,
 * signals relayed by the hub), shows the stream, measures quality (getStats + ping/pong on the data
 * channel), sends input only while control is granted, clipboard on request, and tears everything
 * down when the session ends.
 */
export class ScreenController {
  readonly store = createStore<ScreenViewState>()(initial);
  private peer: Peer | null = null;
  private early: unknown[] = [];
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private lastStats: StatsSample | null = null;
  private rttMs: number | null = null;
  private recheck: ReturnType<typeof setTimeout> | null = null;
  private readonly channel: DataChannel;

  constructor(
    private readonly client: TechClient,
    private readonly log: Logger,
  ) {
    this.channel = new DataChannel(() => this.peer, log);
  }

  attach(): () => void {
    const offs = [
      this.client.on('screen:updated', (s) => this.onSession(s)),
      this.client.on('screen:signal', (s) => {
        const st = this.store.getState();
        if (!st.mine || st.session?.id !== s.sessionId) return;
        if (this.peer) this.peer.signal(s.data);
        else this.early.push(s.data);
      }),
      this.client.on('screen:ice-refresh', (r) => {
        const st = this.store.getState();
        if (!st.mine || st.session?.id !== r.sessionId || !this.peer) return;
        // Fresh TURN credentials from the hub: any later gathering of this peer uses them.
        if (!applyIce(this.peer, r.ice)) this.log.warn('fresh ICE configuration refused by the browser');
      }),
      this.client.onStatus((status) => {
        if (status === 'disconnected' && this.store.getState().mine && isOpen(this.store.getState().session)) {
          // The hub ends a session whose technician socket went away.
          this.teardown();
          this.store.setState({ mine: false, lost: true });
        }
        if (status === 'connected') {
          const id = this.store.getState().requestId;
          if (id) void this.load(id);
        }
      }),
    ];
    return () => {
      for (const off of offs) off();
      if (this.recheck) clearTimeout(this.recheck);
      this.recheck = null;
      this.teardown();
    };
  }

  reset(): void {
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = null;
    this.teardown();
    this.store.setState(initial());
  }

  /** The workspace of `requestId` is shown: the last session of that request (console reload). */
  async load(requestId: string): Promise<void> {
    const st = this.store.getState();
    if (st.requestId !== requestId) {
      if (st.mine && isOpen(st.session)) return; // a live session elsewhere stays as it is
      this.teardown();
      this.store.setState({ ...initial(), requestId });
    }
    if (this.store.getState().mine) return;
    const r = await this.client.request('screen:get', { requestId });
    if (!r.ok || this.store.getState().requestId !== requestId || this.store.getState().mine) return;
    this.store.setState({ session: r.data });
    // Open on another connection (another tab, or this page before a reload, which the hub is
    // about to end): its pushes go to that connection, so look again shortly.
    if (isOpen(r.data)) {
      if (this.recheck) clearTimeout(this.recheck);
      this.recheck = setTimeout(() => {
        this.recheck = null;
        void this.load(requestId);
      }, RECHECK_MS);
    }
  }

  /** "Voir l'écran". */
  async request(requestId: string): Promise<void> {
    const st = this.store.getState();
    if (st.busy) return;
    // One screen at a time: a session still open here (another request) ends first.
    if (st.mine && st.session && isOpen(st.session)) await this.client.request('screen:end', { sessionId: st.session.id });
    this.teardown();
    this.store.setState({ ...initial(), requestId, busy: 'request' });
    const r = await this.client.request('screen:request', { requestId });
    if (!r.ok) {
      this.store.setState({ busy: null, error: screenError(r.error) });
      return;
    }
    this.store.setState({ busy: null, session: r.data, mine: true });
    this.onSession(r.data);
  }

  /** "Prendre la main": the second consent. */
  async takeControl(): Promise<void> {
    await this.act('control', (sessionId) => this.client.request('screen:control', { sessionId }));
  }

  /** "Rendre la main". */
  async releaseControl(): Promise<void> {
    await this.act('release', (sessionId) => this.client.request('screen:release-control', { sessionId }));
  }

  /** "Changer d'écran": asks the practice to share its next monitor (a consent on their side again). */
  async switchDisplay(): Promise<void> {
    const d = this.store.getState().display;
    if (!d || d.count < 2) return;
    const index = (d.index % d.count) + 1;
    await this.act('switch', (sessionId) => this.client.request('screen:switch-display', { sessionId, index }));
  }

  /** "Terminer" (also ends a session left open in another tab). */
  async end(): Promise<void> {
    await this.act('end', (sessionId) => this.client.request('screen:end', { sessionId }), true);
  }

  private async act(
    busy: Exclude<ScreenBusy, null>,
    call: (
      sessionId: string,
    ) => Promise<{ ok: true; data: ScreenSession } | { ok: false; error: { code: ErrorCode; details?: Record<string, unknown> } }>,
    anyTab = false,
  ): Promise<void> {
    const st = this.store.getState();
    const s = st.session;
    if (!s || st.busy || (!st.mine && !anyTab)) return;
    this.store.setState({ busy, error: null });
    const r = await call(s.id);
    this.store.setState({ busy: null, ...(r.ok ? {} : { error: screenError(r.error) }) });
    if (r.ok) this.onSession(r.data);
  }

  /** Something the browser refused (full screen…): said like a hub refusal. */
  fail(code: ErrorCode, reason: string): void {
    this.store.setState({ error: { code, reason } });
  }

  /** Sends one input event (only while control is granted; the device checks again). */
  sendInput(ev: TechDataMessage): boolean {
    if (!canControl(this.store.getState())) return false;
    return this.channel.send(ev);
  }

  /** Puts text in the device's clipboard. */
  async sendClipboard(text: string): Promise<void> {
    if (!canControl(this.store.getState()) || text.length > SCREEN_LIMITS.clipboardChars) return;
    this.store.setState({ clipboard: { status: 'sending', text: null, error: null } });
    const reply = await this.channel.ask((id) => ({ t: 'clipboard.set', id, text }));
    if (reply?.t === 'clipboard.ok') this.store.setState({ clipboard: { status: 'sent', text: null, error: null } });
    else
      this.store.setState({ clipboard: { status: 'error', text: null, error: reply?.t === 'clipboard.error' ? reply.code : 'TIMEOUT' } });
  }

  /** Reads the device's clipboard text. */
  async readClipboard(): Promise<void> {
    if (!canControl(this.store.getState())) return;
    this.store.setState({ clipboard: { status: 'reading', text: null, error: null } });
    const reply = await this.channel.ask((id) => ({ t: 'clipboard.get', id }));
    if (reply?.t === 'clipboard.text') this.store.setState({ clipboard: { status: 'read', text: reply.text, error: null } });
    else
      this.store.setState({ clipboard: { status: 'error', text: null, error: reply?.t === 'clipboard.error' ? reply.code : 'TIMEOUT' } });
  }

  // ---------------------------------------------------------------- session

  private onSession(s: ScreenSession): void {
    const st = this.store.getState();
    if (!st.session || st.session.id !== s.id) {
      // A push about another session of the request being shown (another tab of mine).
      if (!st.mine && st.requestId === s.requestId) this.store.setState({ session: s });
      return;
    }
    const wasControlling = st.session.state === 'controlling';
    this.store.setState({ session: s, ...(s.state === 'controlling' && !wasControlling ? { deviceControl: null } : {}) });
    if (!st.mine) return;
    if (s.state === 'ended') {
      this.teardown();
      this.store.setState({ mine: false });
      return;
    }
    if (isLive(s) && !this.peer) void this.connect(s.id);
  }

  private async connect(sessionId: string): Promise<void> {
    // A placeholder while the ICE configuration comes: signals that arrive meanwhile are kept.
    if (this.peer) return;
    const ice = await this.client.request('screen:ice', { sessionId });
    const st = this.store.getState();
    if (this.peer || !st.mine || st.session?.id !== sessionId || !isLive(st.session)) return;
    if (!ice.ok) {
      this.store.setState({ error: screenError(ice.error) });
      return;
    }
    // WebRTC code is loaded the first time a screen is shown, not with the console.
    let SimplePeer: typeof import('../../../web/peer').SimplePeer;
    try {
      SimplePeer = (await import('../../../web/peer')).SimplePeer;
    } catch {
      this.store.setState({ error: { code: 'UNAVAILABLE', reason: 'viewer-load' } });
      return;
    }
    const now = this.store.getState();
    if (this.peer || !now.mine || now.session?.id !== sessionId || !isLive(now.session)) return;
    this.startPeer(sessionId, ice.data, SimplePeer);
  }

  private startPeer(sessionId: string, ice: IceConfig, SimplePeer: typeof import('../../../web/peer').SimplePeer): void {
    const peer = new SimplePeer({
      initiator: false,
      trickle: true,
      objectMode: true,
      // Only the hub's STUN/TURN (never simple-peer's public defaults).
      config: { iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy },
    });
    this.peer = peer;
    const current = () => this.peer === peer;
    peer.on('signal', (raw) => {
      if (!current()) return;
      const data = SignalData.safeParse(raw);
      if (!data.success) return this.log.debug('signal outside the contract dropped');
      void this.client.request('screen:signal', { sessionId, data: data.data }).then((r) => {
        if (!r.ok) this.log.warn('screen signal refused', r.error);
      });
    });
    peer.on('stream', (stream) => {
      if (current()) this.store.setState({ stream });
    });
    peer.on('connect', () => {
      if (!current()) return;
      this.store.setState({ channelOpen: true });
      this.channel.ping();
    });
    peer.on('data', (raw) => {
      if (current()) this.onData(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
    });
    peer.on('error', (e) => {
      if (!current()) return;
      this.log.warn('screen peer error', e.code ?? e.name);
      this.peerGone();
    });
    peer.on('close', () => {
      if (current()) this.peerGone();
    });
    for (const s of this.early.splice(0)) peer.signal(s);
    this.timers.push(
      setInterval(() => void this.sampleStats(), STATS_EVERY_MS),
      setInterval(() => this.channel.ping(), PING_EVERY_MS),
    );
  }

  /** The media link died while the session is live: end it (the device ends it too). */
  private peerGone(): void {
    const s = this.store.getState().session;
    this.teardown();
    if (s && isLive(s)) void this.client.request('screen:end', { sessionId: s.id }).then((r) => r.ok && this.onSession(r.data));
  }

  private onData(raw: string): void {
    const parsed = parseDataMessage(DeviceDataMessage, raw);
    if (!parsed.ok) return;
    const m = parsed.message;
    if (m.t === 'control') this.store.setState({ deviceControl: m.granted });
    else if (m.t === 'display') this.store.setState({ display: { label: m.label, index: m.index, count: m.count } });
    else if (m.t === 'pong') {
      this.rttMs = Math.max(0, performance.now() - m.sentAt);
      const q = this.store.getState().quality;
      if (q) this.store.setState({ quality: { ...q, rttMs: this.rttMs } });
    } else {
      this.channel.settle(m);
    }
  }

  private async sampleStats(): Promise<void> {
    const pc = this.peer?._pc;
    if (!pc) return;
    try {
      const report = await pc.getStats();
      const sample = readInboundVideo(report.values() as Iterable<Record<string, unknown>>);
      if (!sample || this.peer?._pc !== pc) return;
      const q = qualityBetween(this.lastStats, sample, this.rttMs);
      this.lastStats = sample;
      this.store.setState({ quality: q });
    } catch (e) {
      this.log.debug('stats unavailable', e);
    }
  }

  /** Closes the peer and forgets the stream (the device stops its capture on its side). */
  private teardown(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.channel.cancelAll();
    const p = this.peer;
    this.peer = null;
    this.early = [];
    this.lastStats = null;
    this.rttMs = null;
    p?.destroy();
    const st = this.store.getState();
    if (st.stream || st.channelOpen || st.quality || st.display)
      this.store.setState({ stream: null, channelOpen: false, quality: null, deviceControl: null, display: null });
  }
}
