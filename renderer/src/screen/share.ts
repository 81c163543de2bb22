import { SCREEN_LIMITS, SignalData, type ScreenState, type VigieApi } from '@vigie/common';
import { applyIce } from '../../../web/ice.js';
import type { Peer } from '../../../web/peer.js';

/** Sender cap for a desktop: sharp text at up to 30 fps without flooding a practice's uplink. */
export const MAX_BITRATE = 4_000_000;
export const MAX_FRAMERATE = 30;

type Capture = NonNullable<ScreenState['capture']>;

interface Active {
  sessionId: string;
  stream: MediaStream | null;
  peer: Peer | null;
  /** Hub signals that came before the peer existed. */
  early: unknown[];
  controlling: boolean;
  tuned: boolean;
  /** The shared monitor, told to the technician once the data channel opens (and after a switch). */
  display: Capture['display'];
  /** The monitor the running capture shows, and the one consented now (they differ until a switch is done). */
  capturedId: string | null;
  wantedId: string | null;
  switching: boolean;
  /** The ICE configuration the peer has (the hub renews TURN credentials during long sessions). */
  ice: Capture['ice'];
}

export interface ScreenShareOptions {
  api: VigieApi;
  /** Screen capture (default: navigator.mediaDevices.getDisplayMedia; Electron's handler picks the consented screen). */
  getDisplayMedia?: (constraints: DisplayMediaStreamOptions) => Promise<MediaStream>;
  log?: (message: string, detail?: unknown) => void;
}

/**
 * The practitioner's side of the media: captures the screen only once `state.capture` is set (the
 * main process sets it after "Autoriser"), creates the WebRTC peer (initiator) with the hub's ICE
 * configuration, relays its signals through `screen.signal`, forwards data-channel messages to
 * `screen.input` and sends the replies back. When `state.capture` turns null every track is
 * stopped and the peer destroyed: nothing is left behind.
 */
export class ScreenShare {
  private active: Active | null = null;
  private offs: Array<() => void> = [];
  private readonly log: (message: string, detail?: unknown) => void;

  constructor(private readonly o: ScreenShareOptions) {
    this.log = o.log ?? (() => undefined);
  }

  /** Follows the screen state; returns the stop function (which also ends any capture). */
  attach(): () => void {
    const { api } = this.o;
    this.offs = [
      api.on('screen:state', (st) => this.onState(st)),
      api.on('screen:signal', (s) => {
        const a = this.active;
        if (!a || a.sessionId !== s.sessionId) return;
        if (a.peer) a.peer.signal(s.data);
        else a.early.push(s.data);
      }),
    ];
    void api.screen.getState({}).then(
      (r) => {
        if (r.ok) this.onState(r.data);
      },
      () => undefined,
    );
    return () => {
      for (const off of this.offs.splice(0)) off();
      this.stop();
    };
  }

  /** True while a capture is running (tests, diagnostics). */
  get sharing(): boolean {
    return !!this.active?.stream;
  }

  private onState(st: ScreenState): void {
    const c = st.capture;
    if (!c) {
      if (this.active) this.stop();
      return;
    }
    if (this.active && this.active.sessionId !== c.sessionId) this.stop();
    if (!this.active) void this.start(c);
    const a = this.active as Active | null;
    if (!a) return;
    if (c.displayId !== a.wantedId) {
      // The practitioner consented to share another monitor: same peer, new track.
      a.wantedId = c.displayId;
      a.display = c.display ?? null;
      if (a.peer) void this.switchCapture(a);
    }
    if (c.ice && JSON.stringify(c.ice) !== JSON.stringify(a.ice)) {
      // Fresh TURN credentials: the running peer takes them for any later gathering.
      a.ice = c.ice;
      if (a.peer && !applyIce(a.peer, c.ice)) this.log('fresh ICE configuration refused by the browser');
    }
    const controlling = st.phase === 'controlling';
    if (controlling !== a.controlling) {
      a.controlling = controlling;
      this.sendTo(a, { t: 'control', granted: controlling });
    }
  }

  private async start(c: Capture): Promise<void> {
    const a: Active = {
      sessionId: c.sessionId,
      stream: null,
      peer: null,
      early: [],
      controlling: false,
      tuned: false,
      display: c.display ?? null,
      capturedId: c.displayId,
      wantedId: c.displayId,
      switching: false,
      ice: c.ice,
    };
    this.active = a;
    const stream = await this.capture(a);
    if (!stream) return;
    if (this.active !== a) {
      // The session ended while the capture was starting.
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    a.stream = stream;
    const track = stream.getVideoTracks()[0];
    if (!track) return this.fail(a, 'capture: no video track');
    this.prepareTrack(a, track);

    // WebRTC code is loaded the first time the screen is shared, not with the app.
    let SimplePeer: typeof import('../../../web/peer.js').SimplePeer;
    try {
      SimplePeer = (await import('../../../web/peer.js')).SimplePeer;
    } catch {
      if (this.active === a) this.fail(a, 'peer: code not loaded');
      return;
    }
    if (this.active !== a) return; // ended meanwhile: stop() stopped the tracks
    const ice = a.ice;
    const peer = new SimplePeer({
      initiator: true,
      stream,
      channelName: 'vigie-input',
      trickle: true,
      objectMode: true,
      // Never simple-peer's default public STUN servers: only what the hub hands out.
      config: { iceServers: ice?.iceServers ?? [], iceTransportPolicy: ice?.iceTransportPolicy ?? 'all' },
    });
    a.peer = peer;
    peer.on('signal', (raw) => {
      if (this.active !== a) return;
      const data = SignalData.safeParse(raw);
      if (!data.success) return this.log('signal outside the contract dropped');
      if (data.data.type === 'offer') void this.tune(a);
      void this.o.api.screen.signal({ sessionId: a.sessionId, data: data.data }).then((r) => {
        if (!r.ok) this.log('signal refused', r.error);
      });
    });
    peer.on('connect', () => {
      void this.tune(a);
      this.sendTo(a, { t: 'control', granted: a.controlling });
      if (a.display) this.sendTo(a, { t: 'display', label: a.display.label.slice(0, 200), index: a.display.index, count: a.display.count });
    });
    peer.on('data', (raw) => void this.onData(a, raw));
    peer.on('error', (e) => this.fail(a, `peer: ${e.code ?? e.name}`));
    peer.on('close', () => {
      if (this.active === a) this.fail(a, 'peer closed');
    });
    for (const s of a.early.splice(0)) peer.signal(s);
    // A monitor switch consented while the capture was starting.
    if (a.wantedId !== a.capturedId) void this.switchCapture(a);
  }

  /** One screen capture (the consented screen); a failure ends the session (null then). */
  private async capture(a: Active): Promise<MediaStream | null> {
    try {
      const gdm = this.o.getDisplayMedia ?? ((k: DisplayMediaStreamOptions) => navigator.mediaDevices.getDisplayMedia(k));
      return await gdm({ video: { frameRate: { ideal: MAX_FRAMERATE, max: MAX_FRAMERATE } }, audio: false });
    } catch (e) {
      if (this.active === a) this.fail(a, `capture: ${(e as Error)?.name ?? 'error'}`);
      return null;
    }
  }

  /** Text and fine lines matter more than motion; the browser's own "stop sharing" ends the session like "Arrêter". */
  private prepareTrack(a: Active, track: MediaStreamTrack): void {
    track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this.active === a && a.stream?.getVideoTracks().includes(track)) void this.o.api.screen.stop({});
    });
  }

  /**
   * Captures the newly consented monitor and replaces the video track on the existing peer (the
   * technician's picture changes without a new connection), then stops the old track.
   */
  private async switchCapture(a: Active): Promise<void> {
    if (a.switching) return;
    a.switching = true;
    try {
      while (this.active === a && a.peer && a.wantedId !== a.capturedId) {
        const wanted = a.wantedId;
        const stream = await this.capture(a);
        if (!stream) return;
        const track = stream.getVideoTracks()[0];
        const pc = a.peer?._pc;
        if (this.active !== a || !track || !pc) {
          for (const t of stream.getTracks()) t.stop();
          if (this.active === a && !track) this.fail(a, 'capture: no video track');
          return;
        }
        this.prepareTrack(a, track);
        const old = a.stream;
        const sender = pc.getSenders().find((s) => s.track?.kind === 'video');
        try {
          if (!sender) throw new Error('no video sender');
          await sender.replaceTrack(track);
        } catch (e) {
          for (const t of stream.getTracks()) t.stop();
          if (this.active === a) this.fail(a, `peer: replaceTrack ${(e as Error)?.name ?? 'error'}`);
          return;
        }
        if (this.active !== a) {
          for (const t of stream.getTracks()) t.stop();
          return;
        }
        a.stream = stream;
        a.capturedId = wanted;
        for (const t of old?.getTracks() ?? []) t.stop();
        if (a.display)
          this.sendTo(a, { t: 'display', label: a.display.label.slice(0, 200), index: a.display.index, count: a.display.count });
      }
    } finally {
      a.switching = false;
    }
  }

  /** Bitrate cap and "keep the resolution, drop frames first" on the video sender. */
  private async tune(a: Active): Promise<void> {
    const pc = a.peer?._pc;
    if (!pc || a.tuned) return;
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind !== 'video') continue;
      const p = sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: string };
      if (!p.encodings?.length) return; // not negotiated yet: tried again on connect
      for (const enc of p.encodings) {
        enc.maxBitrate = MAX_BITRATE;
        enc.maxFramerate = MAX_FRAMERATE;
      }
      p.degradationPreference = 'maintain-resolution';
      try {
        await sender.setParameters(p);
        a.tuned = true;
      } catch (e) {
        this.log('sender parameters refused', e);
      }
    }
  }

  private async onData(a: Active, raw: string | Uint8Array): Promise<void> {
    if (this.active !== a) return;
    const message = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
    if (message.length > SCREEN_LIMITS.dataMessageChars) return;
    const r = await this.o.api.screen.input({ sessionId: a.sessionId, message });
    if (r.ok && r.data.reply) this.sendTo(a, r.data.reply);
  }

  private sendTo(a: Active, message: object): void {
    if (this.active !== a || !a.peer?.connected) return;
    try {
      a.peer.send(JSON.stringify(message));
    } catch (e) {
      this.log('data channel send failed', e);
    }
  }

  private fail(a: Active, detail: string): void {
    this.log('screen share failed', detail);
    this.stop();
    void this.o.api.screen.peerFailed({ sessionId: a.sessionId, detail: detail.slice(0, 200) });
  }

  /** Stops every track and destroys the peer. */
  private stop(): void {
    const a = this.active;
    this.active = null;
    if (!a) return;
    for (const t of a.stream?.getTracks() ?? []) t.stop();
    a.peer?.destroy();
  }
}
