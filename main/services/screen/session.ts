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
  type BackupReason,
  type Result,
  type SCREEN_DEVICE_EVENTS,
  type SCREEN_DEVICE_PUSH,
  type ScreenConsentRequest,
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
  type ScreenControlUnavailableReason,
  type SignalData,
} from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { Emitter } from '../lib/emitter.js';
import { InputPump, type DropReason } from './input-pump.js';
import { isLivePhase, transition, type Answer, type Asking, type DeviceScreenEvent, type DeviceScreenState } from './lifecycle.js';
import { systemClock, type InputInjector, type SafetyGate, type SafetyOutcome, type ScreenClock, type ScreenDisplays } from './ports.js';

export type { DropReason } from './input-pump.js';

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

/** What a step needs beyond the event: the session's request (a new view consent), the monitor asked (a switch). */
type StepCtx = { request?: ScreenConsentRequest; switching?: { index: number; displayId: string; displays: DisplayInfo[] } };

/**
 * The practitioner side of a remote-screen session. Its lifecycle (lifecycle.ts: which consent is
 * shown, when the session is live, controlled, over) is a pure transition; this service carries
 * out the effects: the consent's 30 s timer, the answers to the hub, the local end. Nothing may be
 * captured (canCapture) nor signaled before "Autoriser"; "Arrêter", the global shortcut, a hub
 * disconnect or the technician's end stop everything at once; control can be withdrawn while the
 * view goes on. Input from the data channel is parsed, checked (control granted, inside the
 * shared screen) and handed to the InputPump (input-pump.ts); everything else is dropped and counted.
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
  private readonly pump: InputPump;
  private readonly clock: ScreenClock;
  private readonly log: Logger;
  private readonly consentTimeoutMs: number;
  private unsubscribe: Array<() => void> = [];
  /** The safety snapshot of this session's latest control grant (issue 12), for the consent and the banner. */
  private safety: { state: 'running' | 'done' | 'failed'; reason: BackupReason | null } | null = null;
  /** Control was granted in this session: its changes are listed when it ends. */
  private controlled = false;

  constructor(private readonly o: ScreenSessionOptions) {
    super();
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ svc: 'screen' });
    this.consentTimeoutMs = o.consentTimeoutMs ?? SCREEN_LIMITS.consentTimeoutMs;
    this.pump = new InputPump({ injector: o.injector, log: this.log, maxQueue: o.maxQueue ?? 256, controlling: () => this.phase === 'controlling', display: () => this.display });
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
        if (!online) this.endHere('device', 'disconnect');
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
    this.endHere('device', 'disconnect');
  }

  // ---------- what the renderer and the shell read ----------
  /** True only between a granted view consent and the end: the one gate for capture and signaling. */
  canCapture(): boolean {
    return this.current !== null && isLivePhase(this.phase);
  }

  /** The screen the renderer may capture now (null before consent or after the end). */
  captureTarget(): { sessionId: string; display: DisplayInfo | null } | null {
    return this.canCapture() && this.current ? { sessionId: this.current.id, display: this.display } : null;
  }

  isControlling(): boolean {
    return this.phase === 'controlling';
  }

  dropCounts(): Readonly<Record<DropReason, number>> {
    return this.pump.dropCounts();
  }

  state(): ScreenState {
    const c = this.current;
    const p = this.pending;
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
        c && isLivePhase(this.phase)
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
      input: { available: this.inputAvailable, injected: this.pump.injected, dropped: this.pump.dropped },
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
      if (displayId && !display) return this.showAgain(p, new VigieError('BAD_REQUEST', 'Écran inconnu.'));
      const r = await this.o.hub.request('screen:consent', { sessionId, phase: 'view', decision: 'granted' });
      if (this.current !== c) throw new VigieError('CONFLICT', 'Le partage d’écran a été arrêté entre-temps.');
      if (!r.ok) {
        await this.step({ type: 'ended', by: 'device', reason: r.error.code === 'CONFLICT' ? 'timeout' : 'error' }, sessionId);
        throw new VigieError(r.error.code, r.error.message);
      }
      if (r.data.session.state !== 'viewing') {
        this.applyEnded(r.data.session);
        throw new VigieError('CONFLICT', 'Le partage d’écran a été arrêté entre-temps.');
      }
      this.display = display ?? null;
      this.displayRank = display ? { index: p.displays.indexOf(display) + 1, count: p.displays.length } : null;
      this.ice = r.data.ice;
      this.log.info('view consent granted', { sessionId, display: this.display?.id ?? null });
      await this.step({ type: 'view-granted' }, sessionId);
      return this.state();
    }
    if (!this.inputAvailable || !this.display) {
      await this.step({ type: 'answer', decision: 'unavailable' }, sessionId);
      throw new VigieError('UNAVAILABLE', 'La prise en main n’est pas possible sur cet ordinateur.');
    }
    // A safety backup first (issue 12): waited for a few seconds; failed → the practitioner decides.
    // Going on without it is theirs to choose, and only once it failed.
    const gate = this.safetyGate();
    if (gate && !(withoutSafety && this.safety?.state === 'failed') && !(await this.safetyFirst(p, c, gate))) return this.state();
    const r = await this.o.hub.request('screen:consent', { sessionId, phase: 'control', decision: 'granted' });
    if (this.current !== c || this.phase !== 'control-pending') throw new VigieError('CONFLICT', 'Le partage d’écran a changé entre-temps.');
    const ok = r.ok && r.data.session.state === 'controlling';
    await this.step({ type: 'control-granted', ok }, sessionId);
    if (!r.ok) throw new VigieError(r.error.code, r.error.message);
    if (!ok) throw new VigieError('CONFLICT', 'La demande de prise en main a expiré.');
    this.log.info('control consent granted', { sessionId, safety: this.safety?.state ?? 'none' });
    return this.state();
  }

  /** "Refuser". */
  async refuse(sessionId: string): Promise<ScreenState> {
    this.takePending(sessionId);
    await this.step({ type: 'answer', decision: 'refused' }, sessionId);
    return this.state();
  }

  /** "Arrêter" on the banner or the global shortcut: stops everything at once, then tells the hub. */
  async stopSharing(reason: 'practitioner-stop' | 'shortcut' = 'practitioner-stop'): Promise<ScreenState> {
    const c = this.current;
    if (!c) return this.state();
    if (this.phase === 'consent-pending' && this.pending && !this.pending.switching) this.takePending(this.pending.sessionId);
    await this.step({ type: 'stop', reason }, c.id);
    return this.state();
  }

  /** Withdraws control; the technician keeps seeing the screen. */
  async revokeControl(): Promise<ScreenState> {
    const c = this.current;
    if (c) await this.step({ type: 'revoke' }, c.id);
    return this.state();
  }

  /** The renderer's capture or peer failed: the session ends with "error". */
  async peerFailed(sessionId: string, detail?: string): Promise<ScreenState> {
    const c = this.current;
    if (!c || c.id !== sessionId || !isLivePhase(this.phase)) return this.state();
    this.log.warn('capture or peer failed', { sessionId, detail });
    await this.step({ type: 'peer-failed' }, sessionId);
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
    if (!this.current || this.current.id !== sessionId || !isLivePhase(this.phase)) return this.pump.drop('not-live');
    const parsed = parseDataMessage(TechDataMessage, raw);
    if (!parsed.ok) return this.pump.drop(parsed.reason === 'not-json' ? 'invalid' : parsed.reason);
    const m = parsed.message;
    switch (m.t) {
      case 'ping':
        return { t: 'pong', id: m.id, sentAt: m.sentAt };
      case 'clipboard.get':
      case 'clipboard.set':
        return this.pump.clipboard(m);
      default:
        this.pump.enqueue(m);
        return null;
    }
  }

  /** Resolves once every queued input event has been injected or dropped (tests, shutdown). */
  idle(): Promise<void> {
    return this.pump.idle();
  }

  // ---------- hub pushes ----------
  private async onConsentRequest(c: ScreenConsentRequest): Promise<void> {
    const sameSession = this.current?.id === c.sessionId;
    if (c.kind === 'view') {
      await this.step({ type: 'view-asked', sameSession }, c.sessionId, { request: c });
      const pending = this.pending;
      if (!pending || pending.sessionId !== c.sessionId || pending.kind !== 'view' || pending.switching || pending.displays.length) return;
      const displays = await this.listDisplays();
      if (this.pending === pending) {
        pending.displays = displays;
        this.changed();
      }
      return;
    }
    // A new control consent: its own safety backup (an earlier one's outcome is not this one's).
    if (sameSession && this.phase === 'viewing' && !this.pending) this.safety = null;
    await this.step({ type: 'control-asked', sameSession, possible: this.inputAvailable && !!this.display }, c.sessionId);
  }

  /**
   * The technician asks for another monitor: the practitioner sees the consent window again (the
   * requested monitor preselected). Nothing changes until "Autoriser"; "Refuser" or 30 s keep the
   * current monitor shared. A rank this machine does not have is refused without asking.
   */
  private async onSwitchRequest(r: ScreenSwitchRequest): Promise<void> {
    const c = this.current;
    const asked = (known: boolean): DeviceScreenEvent => ({ type: 'switch-asked', sameSession: this.current === c && c?.id === r.sessionId, known });
    // Looked at before listing the monitors (a refusal needs no list), and again after.
    if (transition(this.snapshot(), asked(true)).effects[0]?.t !== 'open-consent') return this.step(asked(true), r.sessionId);
    const displays = await this.listDisplays();
    const wanted = displays[r.index - 1];
    await this.step(asked(!!wanted), r.sessionId, wanted ? { switching: { index: r.index, displayId: wanted.id, displays } } : {});
    if (wanted && this.pending?.switching) this.log.info('monitor switch asked', { sessionId: r.sessionId, index: r.index });
  }

  /** "Autoriser" on a monitor switch: the chosen monitor becomes the captured one and input maps to its bounds. */
  private async grantSwitch(p: Pending, displayId?: string): Promise<ScreenState> {
    const chosen = p.displays.find((d) => d.id === (displayId ?? p.switching!.displayId));
    if (!chosen) return this.showAgain(p, new VigieError('BAD_REQUEST', 'Écran inconnu.'));
    if (chosen.id !== this.display?.id) {
      if (this.phase === 'controlling') {
        // Held keys and buttons are released on the old monitor; events queued for it are dropped.
        await this.pump.releaseHeld();
        this.pump.nextGeneration();
      }
      this.display = chosen;
    }
    const index = p.displays.indexOf(chosen) + 1;
    this.displayRank = { index, count: p.displays.length };
    this.log.info('monitor switch granted', { sessionId: p.sessionId, display: chosen.id });
    await this.step({ type: 'switch-granted' }, p.sessionId);
    await this.answerSwitchToHub(p.sessionId, 'granted', index);
    return this.state();
  }

  private onSessionUpdated(s: ScreenSession): void {
    if (!this.current || s.id !== this.current.id) return;
    if (s.state === 'ended') return this.applyEnded(s);
    // The technician handed control back (or the hub expired the control consent).
    if (s.state === 'viewing') void this.step({ type: 'hub-viewing', answered: this.pending?.answered ?? false }, s.id);
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

  // ---------- the lifecycle's effects ----------
  private snapshot(): DeviceScreenState {
    const p = this.pending;
    const asking: Asking | null = p ? (p.switching ? 'switch' : p.kind) : null;
    return { phase: this.phase, asking };
  }

  /**
   * One event of the lifecycle: the transition's phase and consent, its local effects at once (the
   * state pushed), then its messages to the hub in order.
   */
  private async step(e: DeviceScreenEvent, sessionId: string, ctx: StepCtx = {}): Promise<void> {
    const before = this.snapshot();
    const t = transition(before, e);
    const stats = this.statsForHub();
    const hub: Array<() => Promise<void>> = [];
    for (const fx of t.effects) {
      if (fx.t === 'open-consent') this.openConsent(fx.kind, sessionId, ctx);
      else if (fx.t === 'close-consent') {
        this.pending?.cancelTimer();
        this.pending = null;
      } else if (fx.t === 'leave-control') this.leaveControl();
      else if (fx.t === 'enter-control') {
        this.pump.nextGeneration();
        this.controlled = true;
      } else if (fx.t === 'end') this.endEffect(fx.by, fx.reason);
      else if (fx.t === 'reply') hub.push(() => this.reply(sessionId, fx.phase, fx.decision));
      else if (fx.t === 'refuse-unasked') hub.push(() => this.reply(sessionId, fx.phase, 'refused', 'could not refuse a request while busy'));
      else if (fx.t === 'switch-reply') hub.push(() => this.answerSwitchToHub(sessionId, fx.decision));
      else if (fx.t === 'tell-end') hub.push(() => this.tellHub('screen:end', { sessionId, reason: fx.reason, stats }, 'hub did not record the end of the session'));
      else hub.push(() => this.tellHub('screen:revoke-control', { sessionId }, 'hub did not record the control withdrawal'));
    }
    this.phase = t.state.phase;
    if (t.state.phase !== before.phase || t.state.asking !== before.asking || t.effects.some((x) => x.t === 'reply')) this.changed();
    for (const send of hub) await send();
  }

  private openConsent(kind: Asking, sessionId: string, ctx: StepCtx): void {
    if (kind === 'view' && ctx.request) this.beginSession(ctx.request);
    const p = this.newPending(sessionId, kind === 'control' ? 'control' : 'view', ctx.switching?.displays ?? []);
    if (kind === 'switch' && ctx.switching) p.switching = { index: ctx.switching.index, displayId: ctx.switching.displayId };
    this.pending = p;
  }

  /** A new session asked: who asks, and everything of the previous one forgotten. */
  private beginSession(c: ScreenConsentRequest): void {
    this.current = { id: c.sessionId, requestId: c.requestId, technicianName: c.technician.displayName, technicianInitials: c.technician.initials, providerName: c.providerName, shortCode: c.shortCode };
    this.display = null;
    this.displayRank = null;
    this.ice = null;
    this.ended = null;
    this.safety = null;
    this.controlled = false;
    this.pump.reset();
  }

  private async reply(sessionId: string, phase: 'view' | 'control', decision: Answer, failure = 'hub did not record the consent answer'): Promise<void> {
    // Impossible here: the technician is told why (no graphical session, Wayland only…).
    const reason = decision === 'unavailable' ? (this.inputUnavailable ?? (this.display ? null : 'no-shared-screen')) : null;
    await this.tellHub('screen:consent', { sessionId, phase, decision, ...(reason ? { reason } : {}) }, failure);
  }

  private async tellHub<K extends ScreenDeviceEvent>(event: K, payload: z.input<(typeof SCREEN_DEVICE_EVENTS)[K]['request']>, failure: string): Promise<void> {
    const r = await this.o.hub.request(event, payload);
    if (!r.ok) this.log.warn(failure, { code: r.error.code });
  }

  private async answerSwitchToHub(sessionId: string, decision: ScreenSwitchDecision, index?: number): Promise<void> {
    await this.tellHub('screen:switch-answer', { sessionId, decision, ...(index ? { index } : {}) }, 'hub did not record the monitor switch answer');
  }

  private async listDisplays(): Promise<DisplayInfo[]> {
    try {
      return await this.o.displays.list();
    } catch (e) {
      this.log.warn('could not list the screens', { err: e });
      return [];
    }
  }

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
      this.timedOut(p);
    }, left);
  }

  private timedOut(p: Pending): void {
    void this.step({ type: 'answer', decision: 'timeout' }, p.sessionId).catch((e: unknown) => this.log.error('timeout answer failed', { err: e }));
  }

  /** The consent shown again after an answer that could not be taken (unknown monitor): its timer resumes. */
  private showAgain(p: Pending, error: VigieError): never {
    p.answered = false;
    this.armTimer(p);
    throw error;
  }

  /** The pending consent of `sessionId`, marked answered; CONFLICT when there is none or it expired. */
  private takePending(sessionId: string): Pending {
    const p = this.pending;
    if (!p || p.sessionId !== sessionId || p.answered || !this.current) throw new VigieError('CONFLICT', 'Aucune demande en attente.');
    p.answered = true;
    p.cancelTimer();
    if (this.clock.now() >= p.expiresAt) {
      this.timedOut(p);
      throw new VigieError('CONFLICT', 'La demande a expiré.');
    }
    return p;
  }

  private applyEnded(s: ScreenSession): void {
    void this.step({ type: 'ended', by: s.endedBy ?? 'system', reason: s.endReason ?? 'error' }, s.id);
  }

  /** Ends here at once (the hub went away, the app stops). */
  private endHere(by: ScreenEndedBy, reason: ScreenEndReason): void {
    if (this.current) void this.step({ type: 'ended', by, reason }, this.current.id);
  }

  /** The end, here: no capture, no input (held keys released by leave-control), what changed listed. */
  private endEffect(by: ScreenEndedBy, reason: ScreenEndReason): void {
    const c = this.current;
    if (!c) return;
    this.ice = null;
    this.ended = { sessionId: c.id, by, reason, at: new Date(this.clock.now()).toISOString() };
    // Control was granted: what changed during the session is listed (in the background).
    if (this.controlled) this.safetyGate()?.after(c.requestId);
    this.controlled = false;
    this.log.info('screen session ended', { sessionId: c.id, by, reason, injected: this.pump.injected, dropped: this.pump.dropped });
  }

  /** Leaves control: queued events die with the old generation; held keys and buttons are released. */
  private leaveControl(): void {
    const wasControlling = this.phase === 'controlling';
    this.pump.nextGeneration();
    if (wasControlling) void this.pump.releaseHeld();
  }

  private statsForHub(): { injected: number; dropped: number } {
    return { injected: this.pump.injected, dropped: this.pump.dropped };
  }

  private changed(): void {
    this.emit('state', this.state());
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('screen listener failed', { err: e });
  }
}
