import type { z } from 'zod';
import {
  parseDataMessage,
  SAFETY_LIMITS,
  SCREEN_LIMITS,
  SCREEN_STOP_ACCELERATOR,
  TechDataMessage,
  VigieError,
  type DeviceDataMessage,
  type DisplayInfo,
  type IceConfig,
  type InputEvent,
  type PointerButton,
  type BackupReason,
  type Result,
  type SCREEN_DEVICE_EVENTS,
  type SCREEN_DEVICE_PUSH,
  type ScreenConsentDecision,
  type ScreenConsentRequest,
  type ScreenControlUnavailableReason,
  type ScreenDeviceEvent,
  type ScreenEndedBy,
  type ScreenEndReason,
  type ScreenIceRefresh,
  type ScreenKind,
  type ScreenPhase,
  type ScreenSession,
  type ScreenSignal,
  type ScreenState,
  type ScreenSwitchDecision,
  type ScreenSwitchRequest,
  type SignalData,
} from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { Emitter } from '../lib/emitter.js';
import { systemClock, type InputInjector, type SafetyGate, type SafetyOutcome, type ScreenClock, type ScreenDisplays } from './ports.js';

type DevicePushName = keyof typeof SCREEN_DEVICE_PUSH;

/** The hub as the screen service sees it (the app's HubConnection, adapted in one line per method). */
export interface ScreenHubLink {
  request<K extends ScreenDeviceEvent>(
    event: K,
    payload: z.input<(typeof SCREEN_DEVICE_EVENTS)[K]['request']>,
  ): Promise<Result<z.infer<(typeof SCREEN_DEVICE_EVENTS)[K]['response']>>>;
  onPush<K extends DevicePushName>(name: K, listener: (payload: z.infer<(typeof SCREEN_DEVICE_PUSH)[K]>) => void): () => void;
  /** Connection state changes (false: the hub is unreachable). */
  onConnection(listener: (online: boolean) => void): () => void;
}

export interface ScreenSessionOptions {
  hub: ScreenHubLink;
  injector: InputInjector;
  displays: ScreenDisplays;
  logger: Logger;
  clock?: ScreenClock;
  /** Consent window lifetime (default SCREEN_LIMITS.consentTimeoutMs, 30 s). */
  consentTimeoutMs?: number;
  /** Pending input events kept while the injector is busy; pointer moves coalesce (default 256). */
  maxQueue?: number;
  /** The safety backup taken before control starts (issue 12); none: control starts at once. */
  safety?: () => SafetyGate | null;
  /** How long control waits for the safety snapshot before starting anyway (default SAFETY_LIMITS.waitMs). */
  safetyWaitMs?: number;
}

export type DropReason = 'not-live' | 'not-controlling' | 'invalid' | 'outside' | 'too-large' | 'unsupported' | 'overflow' | 'failed';

type ScreenEvents = {
  state: [ScreenState];
  /** Signal data from the technician, for the renderer's peer (only once consent is given). */
  signal: [ScreenSignal];
};

type Current = {
  id: string;
  requestId: string;
  technicianName: string;
  technicianInitials: string;
  providerName: string;
  shortCode: string;
};

type Pending = {
  sessionId: string;
  kind: ScreenKind;
  expiresAt: number;
  displays: DisplayInfo[];
  inputAvailable: boolean;
  cancelTimer: () => void;
  /** Set once an answer (grant, refuse, timeout) is on its way: later answers are ignored. */
  answered: boolean;
  /** A view consent asked again during a live session: the technician wants another monitor. */
  switching?: { index: number; displayId: string };
};

const LIVE: ScreenPhase[] = ['viewing', 'control-pending', 'controlling'];
const MODIFIER_KEYS: Record<'alt' | 'ctrl' | 'meta' | 'shift', string[]> = {
  alt: ['AltLeft', 'AltRight'],
  ctrl: ['ControlLeft', 'ControlRight'],
  meta: ['MetaLeft', 'MetaRight'],
  shift: ['ShiftLeft', 'ShiftRight'],
};

/**
 * The practitioner side of a remote-screen session: a state machine
 *   idle → consent-pending → viewing ⇄ control-pending → controlling → … → ended
 * that enforces consent in code. Nothing may be captured (canCapture) nor signaled before
 * "Autoriser"; the consent refuses itself after 30 s; "Arrêter", the global shortcut, a hub
 * disconnect or the technician's end stop everything at once; control can be withdrawn while the
 * view goes on. Input from the data channel is parsed, checked (control granted, inside the
 * shared screen) and injected in order through the InputInjector; everything else is dropped
 * and counted.
 */
export class ScreenSessionService extends Emitter<ScreenEvents> {
  private phase: ScreenPhase = 'idle';
  private current: Current | null = null;
  private pending: Pending | null = null;
  private display: DisplayInfo | null = null;
  /** The shared monitor's rank among the machine's monitors, for the technician's label. */
  private displayRank: { index: number; count: number } | null = null;
  private ice: IceConfig | null = null;
  private ended: { sessionId: string; by: ScreenEndedBy; reason: ScreenEndReason; at: string } | null = null;
  private inputAvailable = false;
  /** Why the injector cannot work here (told to the technician when control is asked). */
  private inputUnavailable: ScreenControlUnavailableReason | null = null;
  /** Bumped whenever control starts or stops: queued events of an older generation are dropped. */
  private controlGen = 0;
  private queue: Array<{ ev: InputEvent; gen: number }> = [];
  private draining = false;
  private readonly heldKeys = new Set<string>();
  private readonly heldButtons = new Set<PointerButton>();
  private lastPointer: { x: number; y: number } = { x: 0.5, y: 0.5 };
  private injected = 0;
  private readonly drops: Record<DropReason, number> = { 'not-live': 0, 'not-controlling': 0, invalid: 0, outside: 0, 'too-large': 0, unsupported: 0, overflow: 0, failed: 0 };
  private readonly clock: ScreenClock;
  private readonly log: Logger;
  private readonly consentTimeoutMs: number;
  private readonly maxQueue: number;
  private unsubscribe: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  /** The safety snapshot of this session's latest control grant (issue 12), for the consent and the banner. */
  private safety: { state: 'running' | 'done' | 'failed'; reason: BackupReason | null } | null = null;
  /** Control was granted in this session: its changes are listed when it ends. */
  private controlled = false;

  constructor(private readonly o: ScreenSessionOptions) {
    super();
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ svc: 'screen' });
    this.consentTimeoutMs = o.consentTimeoutMs ?? SCREEN_LIMITS.consentTimeoutMs;
    this.maxQueue = o.maxQueue ?? 256;
  }

  /** Subscribes to the hub and probes the injector once (never loads nut-js without a display). */
  async start(): Promise<void> {
    if (this.unsubscribe.length) return;
    this.unsubscribe = [
      this.o.hub.onPush('screen:consent-request', (c) => void this.onConsentRequest(c)),
      this.o.hub.onPush('screen:updated', (s) => this.onSessionUpdated(s)),
      this.o.hub.onPush('screen:switch-request', (r) => void this.onSwitchRequest(r)),
      this.o.hub.onPush('screen:signal', (s) => this.onHubSignal(s)),
      this.o.hub.onPush('screen:ice-refresh', (r) => this.onIceRefresh(r)),
      this.o.hub.onConnection((online) => {
        if (!online) this.endLocally('device', 'disconnect');
      }),
    ];
    const a = await this.o.injector.availability();
    this.inputAvailable = a.available;
    this.inputUnavailable = a.available ? null : a.reason;
    if (!a.available) this.log.info('remote control unavailable on this machine', { reason: a.reason });
    this.changed();
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.endLocally('device', 'disconnect');
  }

  // ---------- what the renderer and the shell read ----------
  /** True only between a granted view consent and the end: the one gate for capture and signaling. */
  canCapture(): boolean {
    return this.current !== null && LIVE.includes(this.phase);
  }

  /** The screen the renderer may capture now (null before consent or after the end). */
  captureTarget(): { sessionId: string; display: DisplayInfo | null } | null {
    return this.canCapture() && this.current ? { sessionId: this.current.id, display: this.display } : null;
  }

  isControlling(): boolean {
    return this.phase === 'controlling';
  }

  dropCounts(): Readonly<Record<DropReason, number>> {
    return { ...this.drops };
  }

  state(): ScreenState {
    const c = this.current;
    const p = this.pending;
    const dropped = Object.values(this.drops).reduce((a, b) => a + b, 0);
    return {
      phase: this.phase,
      sessionId: c?.id ?? null,
      consent:
        c && p
          ? {
              sessionId: p.sessionId,
              kind: p.kind,
              technicianName: c.technicianName,
              technicianInitials: c.technicianInitials,
              providerName: c.providerName,
              shortCode: c.shortCode,
              expiresAt: new Date(p.expiresAt).toISOString(),
              displays: p.displays,
              defaultDisplayId: p.switching ? p.switching.displayId : ((p.displays.find((d) => d.primary) ?? p.displays[0])?.id ?? null),
              inputAvailable: p.inputAvailable,
              ...(p.switching ? { switching: true } : {}),
              ...(p.kind === 'control' && this.safetyGate() ? { safetyBackup: true } : {}),
            }
          : null,
      banner:
        c && LIVE.includes(this.phase)
          ? { mode: this.phase === 'controlling' ? 'controlling' : 'viewing', technicianName: c.technicianName, controlPending: this.phase === 'control-pending', stopAccelerator: SCREEN_STOP_ACCELERATOR }
          : null,
      capture:
        c && this.canCapture()
          ? {
              sessionId: c.id,
              displayId: this.display?.id ?? null,
              ice: this.ice,
              display: this.display && this.displayRank ? { label: this.display.label, ...this.displayRank } : null,
            }
          : null,
      safety: c ? this.safety : null,
      ended: this.ended,
      input: { available: this.inputAvailable, injected: this.injected, dropped },
    };
  }

  // ---------- the practitioner's answers ----------
  /** "Autoriser" (view: on the chosen screen; control: the second consent). */
  async grant(sessionId: string, displayId?: string, withoutSafety = false): Promise<ScreenState> {
    const p = this.takePending(sessionId);
    const c = this.current!;
    if (p.switching) return this.grantSwitch(p, displayId);
    if (p.kind === 'view') {
      const display = displayId ? p.displays.find((d) => d.id === displayId) : (p.displays.find((d) => d.primary) ?? p.displays[0] ?? null);
      if (displayId && !display) {
        p.answered = false;
        this.armTimer(p);
        throw new VigieError('BAD_REQUEST', 'Écran inconnu.');
      }
      const r = await this.o.hub.request('screen:consent', { sessionId, phase: 'view', decision: 'granted' });
      if (this.current !== c) throw new VigieError('CONFLICT', 'Le partage d’écran a été arrêté entre-temps.');
      if (!r.ok) {
        this.endLocally('device', r.error.code === 'CONFLICT' ? 'timeout' : 'error');
        throw new VigieError(r.error.code, r.error.message);
      }
      if (r.data.session.state !== 'viewing') {
        this.applyEnded(r.data.session);
        throw new VigieError('CONFLICT', 'Le partage d’écran a été arrêté entre-temps.');
      }
      this.pending = null;
      this.display = display ?? null;
      this.displayRank = display ? { index: p.displays.indexOf(display) + 1, count: p.displays.length } : null;
      this.ice = r.data.ice;
      this.phase = 'viewing';
      this.log.info('view consent granted', { sessionId, display: this.display?.id ?? null });
      this.changed();
      return this.state();
    }
    if (!this.inputAvailable || !this.display) {
      await this.answerControl(p, 'unavailable');
      throw new VigieError('UNAVAILABLE', 'La prise en main n’est pas possible sur cet ordinateur.');
    }
    // A safety backup first (issue 12): waited for a few seconds; failed → the practitioner decides.
    // Going on without it is theirs to choose, and only once it failed.
    const gate = this.safetyGate();
    if (gate && !(withoutSafety && this.safety?.state === 'failed') && !(await this.safetyFirst(p, c, gate))) return this.state();
    const r = await this.o.hub.request('screen:consent', { sessionId, phase: 'control', decision: 'granted' });
    if (this.current !== c || this.phase !== 'control-pending') throw new VigieError('CONFLICT', 'Le partage d’écran a changé entre-temps.');
    this.pending = null;
    if (!r.ok || r.data.session.state !== 'controlling') {
      this.phase = 'viewing';
      this.changed();
      if (!r.ok) throw new VigieError(r.error.code, r.error.message);
      throw new VigieError('CONFLICT', 'La demande de prise en main a expiré.');
    }
    this.phase = 'controlling';
    this.controlGen++;
    this.controlled = true;
    this.log.info('control consent granted', { sessionId, safety: this.safety?.state ?? 'none' });
    this.changed();
    return this.state();
  }

  /** "Refuser". */
  async refuse(sessionId: string): Promise<ScreenState> {
    const p = this.takePending(sessionId);
    await this.answer(p, 'refused');
    return this.state();
  }

  /** "Arrêter" on the banner or the global shortcut: stops everything at once, then tells the hub. */
  async stopSharing(reason: 'practitioner-stop' | 'shortcut' = 'practitioner-stop'): Promise<ScreenState> {
    const c = this.current;
    if (!c || this.phase === 'idle' || this.phase === 'ended') return this.state();
    if (this.phase === 'consent-pending' && this.pending && !this.pending.switching) {
      await this.answer(this.takePending(this.pending.sessionId), 'refused');
      return this.state();
    }
    const stats = this.statsForHub();
    this.endLocally('device', reason);
    const r = await this.o.hub.request('screen:end', { sessionId: c.id, reason, stats });
    if (!r.ok) this.log.warn('hub did not record the end of the session', { code: r.error.code });
    return this.state();
  }

  /** Withdraws control; the technician keeps seeing the screen. */
  async revokeControl(): Promise<ScreenState> {
    const c = this.current;
    if (!c || (this.phase !== 'controlling' && this.phase !== 'control-pending')) return this.state();
    if (this.pending?.kind === 'control') {
      this.pending.cancelTimer();
      this.pending = null;
    }
    this.leaveControl();
    this.changed();
    const r = await this.o.hub.request('screen:revoke-control', { sessionId: c.id });
    if (!r.ok) this.log.warn('hub did not record the control withdrawal', { code: r.error.code });
    return this.state();
  }

  /** The renderer's capture or peer failed: the session ends with "error". */
  async peerFailed(sessionId: string, detail?: string): Promise<ScreenState> {
    const c = this.current;
    if (!c || c.id !== sessionId || !LIVE.includes(this.phase)) return this.state();
    this.log.warn('capture or peer failed', { sessionId, detail });
    const stats = this.statsForHub();
    this.endLocally('device', 'error');
    const r = await this.o.hub.request('screen:end', { sessionId, reason: 'error', stats });
    if (!r.ok) this.log.warn('hub did not record the end of the session', { code: r.error.code });
    return this.state();
  }

  // ---------- signaling ----------
  /** simple-peer signal data from the renderer: forwarded only once consent is given. */
  async sendSignal(sessionId: string, data: SignalData): Promise<void> {
    if (!this.canCapture() || this.current?.id !== sessionId) throw new VigieError('CONFLICT', 'Aucun partage d’écran autorisé en ce moment.');
    const r = await this.o.hub.request('screen:signal', { sessionId, data });
    if (!r.ok) throw new VigieError(r.error.code, r.error.message);
  }

  // ---------- input from the data channel ----------
  /**
   * One raw data-channel message from the technician. Input events are queued for injection
   * (only while controlling); clipboard and ping get their reply, to send back on the channel.
   */
  async handleData(sessionId: string, raw: unknown): Promise<DeviceDataMessage | null> {
    if (!this.current || this.current.id !== sessionId || !LIVE.includes(this.phase)) return this.drop('not-live');
    const parsed = parseDataMessage(TechDataMessage, raw);
    if (!parsed.ok) {
      this.drop(parsed.reason === 'not-json' ? 'invalid' : parsed.reason);
      return null;
    }
    const m = parsed.message;
    switch (m.t) {
      case 'ping':
        return { t: 'pong', id: m.id, sentAt: m.sentAt };
      case 'clipboard.get':
      case 'clipboard.set':
        return this.clipboard(m);
      default:
        this.enqueue(m);
        return null;
    }
  }

  /** Resolves once every queued input event has been injected or dropped (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // ---------- hub pushes ----------
  private async onConsentRequest(c: ScreenConsentRequest): Promise<void> {
    if (c.kind === 'view') {
      if (this.current && this.phase !== 'ended' && this.phase !== 'idle') {
        if (c.sessionId === this.current.id) return;
        // One session at a time: a second ask while busy is refused without bothering anyone.
        const r = await this.o.hub.request('screen:consent', { sessionId: c.sessionId, phase: 'view', decision: 'refused' });
        if (!r.ok) this.log.warn('could not refuse a second screen session', { code: r.error.code });
        return;
      }
      this.current = {
        id: c.sessionId,
        requestId: c.requestId,
        technicianName: c.technician.displayName,
        technicianInitials: c.technician.initials,
        providerName: c.providerName,
        shortCode: c.shortCode,
      };
      this.display = null;
      this.displayRank = null;
      this.ice = null;
      this.ended = null;
      this.safety = null;
      this.controlled = false;
      this.injected = 0;
      for (const k of Object.keys(this.drops) as DropReason[]) this.drops[k] = 0;
      this.phase = 'consent-pending';
      const pending = this.newPending(c.sessionId, 'view', []);
      this.pending = pending;
      this.changed();
      let displays: DisplayInfo[] = [];
      try {
        displays = await this.o.displays.list();
      } catch (e) {
        this.log.warn('could not list the screens', { err: e });
      }
      if (this.pending === pending) {
        pending.displays = displays;
        this.changed();
      }
      return;
    }
    // Control: only on the session being viewed, and not while a monitor switch is asked.
    if (!this.current || this.current.id !== c.sessionId || this.phase !== 'viewing') return;
    if (this.pending) {
      const r = await this.o.hub.request('screen:consent', { sessionId: c.sessionId, phase: 'control', decision: 'refused' });
      if (!r.ok) this.log.warn('could not refuse a control request during a monitor switch', { code: r.error.code });
      return;
    }
    this.phase = 'control-pending';
    // A new control consent: its own safety backup (an earlier one's outcome is not this one's).
    this.safety = null;
    const p = this.newPending(c.sessionId, 'control', []);
    this.pending = p;
    if (!this.inputAvailable || !this.display) {
      // Nothing to ask the practitioner: control cannot happen on this machine.
      p.answered = true;
      p.cancelTimer();
      await this.answerControl(p, 'unavailable');
      return;
    }
    this.changed();
  }

  /**
   * The technician asks for another monitor: the practitioner sees the consent window again (the
   * requested monitor preselected). Nothing changes until "Autoriser"; "Refuser" or 30 s keep the
   * current monitor shared.
   */
  private async onSwitchRequest(r: ScreenSwitchRequest): Promise<void> {
    const c = this.current;
    if (!c || c.id !== r.sessionId || (this.phase !== 'viewing' && this.phase !== 'controlling') || this.pending) {
      if (c?.id === r.sessionId && this.pending?.switching) return; // already shown
      return this.answerSwitchToHub(r.sessionId, 'refused');
    }
    let displays: DisplayInfo[] = [];
    try {
      displays = await this.o.displays.list();
    } catch (e) {
      this.log.warn('could not list the screens', { err: e });
    }
    const wanted = displays[r.index - 1];
    if (this.current !== c || (this.phase !== 'viewing' && this.phase !== 'controlling') || this.pending || !wanted) {
      return this.answerSwitchToHub(r.sessionId, 'refused');
    }
    const p = this.newPending(c.id, 'view', displays);
    p.switching = { index: r.index, displayId: wanted.id };
    this.pending = p;
    this.log.info('monitor switch asked', { sessionId: c.id, index: r.index });
    this.changed();
  }

  /** "Autoriser" on a monitor switch: the chosen monitor becomes the captured one and input maps to its bounds. */
  private async grantSwitch(p: Pending, displayId?: string): Promise<ScreenState> {
    const chosen = p.displays.find((d) => d.id === (displayId ?? p.switching!.displayId));
    if (!chosen) {
      p.answered = false;
      this.armTimer(p);
      throw new VigieError('BAD_REQUEST', 'Écran inconnu.');
    }
    this.pending = null;
    if (chosen.id !== this.display?.id) {
      if (this.phase === 'controlling') {
        // Held keys and buttons are released on the old monitor; events queued for it are dropped.
        await this.releaseHeld();
        this.controlGen++;
      }
      this.display = chosen;
    }
    const index = p.displays.indexOf(chosen) + 1;
    this.displayRank = { index, count: p.displays.length };
    this.log.info('monitor switch granted', { sessionId: p.sessionId, display: chosen.id });
    this.changed();
    await this.answerSwitchToHub(p.sessionId, 'granted', index);
    return this.state();
  }

  private async answerSwitchToHub(sessionId: string, decision: ScreenSwitchDecision, index?: number): Promise<void> {
    const r = await this.o.hub.request('screen:switch-answer', { sessionId, decision, ...(index ? { index } : {}) });
    if (!r.ok) this.log.warn('hub did not record the monitor switch answer', { code: r.error.code, decision });
  }

  private onSessionUpdated(s: ScreenSession): void {
    if (!this.current || s.id !== this.current.id) return;
    if (s.state === 'ended') return this.applyEnded(s);
    // The technician handed control back (or the hub expired the control consent).
    if (s.state === 'viewing' && (this.phase === 'controlling' || (this.phase === 'control-pending' && !this.pending?.answered))) {
      this.pending?.cancelTimer();
      this.pending = null;
      this.leaveControl();
      this.changed();
    }
  }

  /** Fresh TURN credentials for the live session (the renderer applies them to its peer). */
  private onIceRefresh(r: ScreenIceRefresh): void {
    if (!this.canCapture() || this.current?.id !== r.sessionId) return;
    this.ice = r.ice;
    this.log.info('ICE configuration renewed', { sessionId: r.sessionId, expiresAt: r.ice.expiresAt });
    this.changed();
  }

  private onHubSignal(s: ScreenSignal): void {
    if (!this.canCapture() || this.current?.id !== s.sessionId) {
      this.log.debug('signal outside a consented session dropped', { sessionId: s.sessionId });
      return;
    }
    this.emit('signal', s);
  }

  // ---------- safety backup (issue 12) ----------
  private safetyGate(): SafetyGate | null {
    const g = this.o.safety?.() ?? null;
    return g?.available() ? g : null;
  }

  /**
   * Takes the safety snapshot and waits for it a few seconds (never past the consent's deadline):
   * true → control starts (done, or still running: the banner says so); false → it failed and the
   * consent is shown again for the practitioner to decide, or the session changed meanwhile.
   */
  private async safetyFirst(p: Pending, c: Current, gate: SafetyGate): Promise<boolean> {
    this.safety = { state: 'running', reason: null };
    this.changed();
    const outcome = gate.before({ requestId: c.requestId, technicianName: c.technicianName });
    // Registered first: the state is right before the wait below resumes, and later for the banner.
    void outcome.then((o) => this.safetyOver(c, o));
    let cancel: () => void = () => undefined;
    const wait = Math.max(0, Math.min(this.o.safetyWaitMs ?? SAFETY_LIMITS.waitMs, p.expiresAt - this.clock.now()));
    const first = await Promise.race([outcome, new Promise<'slow'>((resolve) => (cancel = this.clock.timer(() => resolve('slow'), wait)))]);
    cancel();
    if (this.current !== c || this.pending !== p || this.phase !== 'control-pending') return false;
    if (first === 'slow') {
      this.log.info('safety snapshot still running: control starts anyway', { sessionId: c.id });
      return true;
    }
    if (first.ok) return true;
    // Failed: the same consent again, with the choice (refuse, or allow without it) and its deadline.
    p.answered = false;
    this.armTimer(p);
    this.changed();
    return false;
  }

  private safetyOver(c: Current, o: SafetyOutcome): void {
    if (this.current !== c) return;
    this.safety = o.ok ? { state: 'done', reason: null } : { state: 'failed', reason: o.reason };
    this.changed();
  }

  // ---------- internals ----------
  private newPending(sessionId: string, kind: ScreenKind, displays: DisplayInfo[]): Pending {
    const p: Pending = { sessionId, kind, expiresAt: this.clock.now() + this.consentTimeoutMs, displays, inputAvailable: this.inputAvailable, cancelTimer: () => undefined, answered: false };
    this.armTimer(p);
    return p;
  }

  private armTimer(p: Pending): void {
    p.cancelTimer();
    const left = Math.max(0, p.expiresAt - this.clock.now());
    p.cancelTimer = this.clock.timer(() => {
      if (this.pending !== p || p.answered) return;
      p.answered = true;
      this.log.info('consent timed out', { sessionId: p.sessionId, kind: p.kind });
      void this.answer(p, 'timeout').catch((e: unknown) => this.log.error('timeout answer failed', { err: e }));
    }, left);
  }

  /** The pending consent of `sessionId`, marked answered; CONFLICT when there is none or it expired. */
  private takePending(sessionId: string): Pending {
    const p = this.pending;
    if (!p || p.sessionId !== sessionId || p.answered || !this.current) throw new VigieError('CONFLICT', 'Aucune demande en attente.');
    if (this.clock.now() >= p.expiresAt) {
      p.answered = true;
      p.cancelTimer();
      void this.answer(p, 'timeout').catch((e: unknown) => this.log.error('timeout answer failed', { err: e }));
      throw new VigieError('CONFLICT', 'La demande a expiré.');
    }
    p.answered = true;
    p.cancelTimer();
    return p;
  }

  private async answer(p: Pending, decision: Exclude<ScreenConsentDecision, 'granted'>): Promise<void> {
    if (p.kind === 'control') return this.answerControl(p, decision);
    if (p.switching) {
      // Refused or no answer: the current monitor stays shared.
      if (this.pending === p) this.pending = null;
      this.changed();
      return this.answerSwitchToHub(p.sessionId, decision === 'timeout' ? 'timeout' : 'refused');
    }
    const c = this.current;
    this.pending = null;
    if (c && c.id === p.sessionId) this.endLocally('device', decision === 'timeout' ? 'timeout' : 'refused');
    const r = await this.o.hub.request('screen:consent', { sessionId: p.sessionId, phase: 'view', decision });
    if (!r.ok) this.log.warn('hub did not record the consent answer', { code: r.error.code, decision });
  }

  private async answerControl(p: Pending, decision: Exclude<ScreenConsentDecision, 'granted'>): Promise<void> {
    if (this.pending === p) this.pending = null;
    if (this.phase === 'control-pending' && this.current?.id === p.sessionId) {
      this.phase = 'viewing';
      this.changed();
    }
    // Impossible here: the technician is told why (no graphical session, Wayland only…).
    const reason = decision === 'unavailable' ? (this.inputUnavailable ?? (this.display ? null : 'no-shared-screen')) : null;
    const r = await this.o.hub.request('screen:consent', { sessionId: p.sessionId, phase: 'control', decision, ...(reason ? { reason } : {}) });
    if (!r.ok) this.log.warn('hub did not record the control answer', { code: r.error.code, decision });
  }

  private applyEnded(s: ScreenSession): void {
    this.endLocally(s.endedBy ?? 'system', s.endReason ?? 'error');
  }

  /** Stops everything locally, at once: no capture, no input, held keys released. */
  private endLocally(by: ScreenEndedBy, reason: ScreenEndReason): void {
    const c = this.current;
    if (!c || this.phase === 'ended' || this.phase === 'idle') return;
    this.pending?.cancelTimer();
    this.pending = null;
    if (this.phase === 'controlling' || this.phase === 'control-pending') this.leaveControl();
    this.phase = 'ended';
    this.ice = null;
    this.ended = { sessionId: c.id, by, reason, at: new Date(this.clock.now()).toISOString() };
    // Control was granted: what changed during the session is listed (in the background).
    if (this.controlled) this.safetyGate()?.after(c.requestId);
    this.controlled = false;
    this.log.info('screen session ended', { sessionId: c.id, by, reason, injected: this.injected, dropped: this.statsForHub().dropped });
    this.changed();
  }

  /** Leaves control: queued events die with the old generation; held keys and buttons are released. */
  private leaveControl(): void {
    const wasControlling = this.phase === 'controlling';
    this.controlGen++;
    if (this.phase === 'controlling' || this.phase === 'control-pending') this.phase = 'viewing';
    if (wasControlling) void this.releaseHeld();
  }

  private async releaseHeld(): Promise<void> {
    const display = this.display;
    if (!display) return;
    const keys = [...this.heldKeys];
    const buttons = [...this.heldButtons];
    this.heldKeys.clear();
    this.heldButtons.clear();
    const none = { alt: false, ctrl: false, meta: false, shift: false };
    try {
      for (const code of keys) await this.o.injector.inject({ t: 'key.up', code, mods: none }, display);
      for (const button of buttons) await this.o.injector.inject({ t: 'pointer.up', button, ...this.lastPointer }, display);
    } catch (e) {
      this.log.warn('could not release held keys', { err: e });
    }
  }

  private enqueue(ev: InputEvent): void {
    if (this.phase !== 'controlling') {
      this.drop('not-controlling');
      return;
    }
    const last = this.queue[this.queue.length - 1];
    if (ev.t === 'pointer.move' && last?.ev.t === 'pointer.move' && last.gen === this.controlGen) {
      last.ev = ev; // coalesce: only the latest position matters
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.drop('overflow');
      return;
    }
    this.queue.push({ ev, gen: this.controlGen });
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const { ev, gen } = this.queue.shift()!;
        // Checked again at the last moment: control may have been withdrawn meanwhile.
        if (gen !== this.controlGen || this.phase !== 'controlling' || !this.display) {
          this.drop('not-controlling');
          continue;
        }
        await this.injectOne(ev, this.display);
      }
    } finally {
      this.draining = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async injectOne(ev: InputEvent, display: DisplayInfo): Promise<void> {
    try {
      if (ev.t === 'key.down' || ev.t === 'key.up') await this.releaseStuckModifiers(ev.mods, display, ev.code);
      const r = await this.o.injector.inject(ev, display);
      if (r === 'unsupported') {
        this.drop('unsupported');
        return;
      }
      this.injected++;
      if (ev.t === 'key.down') this.heldKeys.add(ev.code);
      else if (ev.t === 'key.up') this.heldKeys.delete(ev.code);
      else if (ev.t === 'pointer.down') this.heldButtons.add(ev.button);
      else if (ev.t === 'pointer.up') this.heldButtons.delete(ev.button);
      if ('x' in ev) this.lastPointer = { x: ev.x, y: ev.y };
    } catch (e) {
      this.drop('failed');
      this.log.warn('input injection failed', { t: ev.t, err: e });
    }
  }

  /** A modifier the technician no longer holds (key-up lost when their window lost focus) is released. */
  private async releaseStuckModifiers(mods: Record<'alt' | 'ctrl' | 'meta' | 'shift', boolean>, display: DisplayInfo, current: string): Promise<void> {
    for (const [mod, codes] of Object.entries(MODIFIER_KEYS) as Array<[keyof typeof MODIFIER_KEYS, string[]]>) {
      if (mods[mod]) continue;
      for (const code of codes) {
        // The modifier's own key-up (it reports the modifier as no longer held) is not a lost one.
        if (!this.heldKeys.has(code) || code === current) continue;
        this.heldKeys.delete(code);
        await this.o.injector.inject({ t: 'key.up', code, mods }, display);
      }
    }
  }

  private async clipboard(m: Extract<z.infer<typeof TechDataMessage>, { t: 'clipboard.get' | 'clipboard.set' }>): Promise<DeviceDataMessage> {
    if (this.phase !== 'controlling') {
      this.drop('not-controlling');
      return { t: 'clipboard.error', id: m.id, code: 'FORBIDDEN' };
    }
    try {
      if (m.t === 'clipboard.set') {
        await this.o.injector.writeClipboard(m.text);
        return { t: 'clipboard.ok', id: m.id };
      }
      const text = await this.o.injector.readClipboard();
      if (text.length > SCREEN_LIMITS.clipboardChars) return { t: 'clipboard.error', id: m.id, code: 'BAD_REQUEST' };
      // Control may have been withdrawn while reading: nothing leaves then.
      if (this.phase !== 'controlling') return { t: 'clipboard.error', id: m.id, code: 'FORBIDDEN' };
      return { t: 'clipboard.text', id: m.id, text };
    } catch (e) {
      this.log.warn('clipboard access failed', { err: e });
      return { t: 'clipboard.error', id: m.id, code: e instanceof VigieError ? e.code : 'UNAVAILABLE' };
    }
  }

  private drop(reason: DropReason): null {
    this.drops[reason]++;
    return null;
  }

  private statsForHub(): { injected: number; dropped: number } {
    return { injected: this.injected, dropped: Object.values(this.drops).reduce((a, b) => a + b, 0) };
  }

  private changed(): void {
    this.emit('state', this.state());
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('screen listener failed', { err: e });
  }
}
