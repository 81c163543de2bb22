import type { z } from 'zod';
import {
  SCREEN_LIMITS,
  VigieError,
  type DisplayInfo,
  type IceConfig,
  type BackupReason,
  type SCREEN_DEVICE_EVENTS,
  type ScreenConsentRequest,
  type ScreenDeviceEvent,
  type ScreenEndedBy,
  type ScreenEndReason,
  type ScreenPhase,
  type ScreenSession,
  type ScreenSignal,
  type ScreenState,
  type ScreenSwitchDecision,
  type ScreenControlUnavailableReason,
} from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { Emitter } from '../lib/emitter.js';
import { ConsentWindows, type Pending } from './consent-window.js';
import { InputPump } from './input-pump.js';
import { isLivePhase, transition, type Answer, type Asking, type DeviceScreenEvent, type DeviceScreenState } from './lifecycle.js';
import { systemClock, type Clock } from '@vigie/common';
import type { InputInjector, SafetyGate, ScreenDisplays, ScreenHubLink } from './ports.js';
import { screenState, type Current } from './state-view.js';

export interface ScreenSessionOptions {
  hub: ScreenHubLink;
  injector: InputInjector;
  displays: ScreenDisplays;
  logger: Logger;
  clock?: Clock;
  /** Consent window lifetime (default SCREEN_LIMITS.consentTimeoutMs, 30 s). */
  consentTimeoutMs?: number;
  /** Pending input events kept while the injector is busy; pointer moves coalesce (default 256). */
  maxQueue?: number;
  /** The safety backup taken before control starts (issue 12); none: control starts at once. */
  safety?: () => SafetyGate | null;
  /** How long control waits for the safety snapshot before starting anyway (default SAFETY_LIMITS.waitMs). */
  safetyWaitMs?: number;
}

export type ScreenEvents = {
  state: [ScreenState];
  /** Signal data from the technician, for the renderer's peer (only once consent is given). */
  signal: [ScreenSignal];
};

/** What a step needs beyond the event: the session's request (a new view consent), the monitor asked (a switch). */
export type StepCtx = { request?: ScreenConsentRequest; switching?: { index: number; displayId: string; displays: DisplayInfo[] } };

/**
 * The state of the practitioner side's remote-screen session and the effects of its lifecycle
 * (lifecycle.ts): which consent is shown and its 30 s (consent-window.ts), the answers to the hub,
 * the local end (capture gate closed, input dropped, held keys released, what changed listed), the
 * state pushed to the renderer and the shell (state-view.ts). session.ts says when: the
 * practitioner's answers, the hub's pushes, the renderer's calls.
 */
export abstract class ScreenSessionCore extends Emitter<ScreenEvents> {
  protected phase: ScreenPhase = 'idle';
  protected current: Current | null = null;
  protected pending: Pending | null = null;
  protected display: DisplayInfo | null = null;
  /** The shared monitor's rank among the machine's monitors, for the technician's label. */
  protected displayRank: { index: number; count: number } | null = null;
  protected ice: IceConfig | null = null;
  protected ended: { sessionId: string; by: ScreenEndedBy; reason: ScreenEndReason; at: string } | null = null;
  protected inputAvailable = false;
  /** Why the injector cannot work here (told to the technician when control is asked). */
  protected inputUnavailable: ScreenControlUnavailableReason | null = null;
  protected readonly pump: InputPump;
  protected readonly clock: Clock;
  protected readonly log: Logger;
  protected readonly consents: ConsentWindows;
  /** The safety snapshot of this session's latest control grant (issue 12), for the consent and the banner. */
  protected safety: { state: 'running' | 'done' | 'failed'; reason: BackupReason | null } | null = null;
  /** Control was granted in this session: its changes are listed when it ends. */
  protected controlled = false;

  constructor(protected readonly o: ScreenSessionOptions) {
    super();
    this.clock = o.clock ?? systemClock;
    this.log = o.logger.child({ svc: 'screen' });
    this.consents = new ConsentWindows(
      this.clock,
      o.consentTimeoutMs ?? SCREEN_LIMITS.consentTimeoutMs,
      () => this.pending,
      (p) => this.timedOut(p),
    );
    this.pump = new InputPump({
      injector: o.injector,
      log: this.log,
      maxQueue: o.maxQueue ?? 256,
      controlling: () => this.phase === 'controlling',
      display: () => this.display,
    });
  }

  // ---------- what the renderer and the shell read ----------
  /** True only between a granted view consent and the end: the one gate for capture and signaling. */
  canCapture(): boolean {
    return this.current !== null && isLivePhase(this.phase);
  }

  state(): ScreenState {
    return screenState({
      phase: this.phase,
      current: this.current,
      pending: this.pending,
      display: this.display,
      displayRank: this.displayRank,
      ice: this.ice,
      safety: this.safety,
      safetyBackup: !!this.safetyGate(),
      ended: this.ended,
      input: { available: this.inputAvailable, injected: this.pump.injected, dropped: this.pump.dropped },
    });
  }

  // ---------- safety backup (issue 12) ----------
  protected safetyGate(): SafetyGate | null {
    const g = this.o.safety?.() ?? null;
    return g?.available() ? g : null;
  }

  // ---------- the lifecycle's effects ----------
  protected snapshot(): DeviceScreenState {
    const p = this.pending;
    const asking: Asking | null = p ? (p.switching ? 'switch' : p.kind) : null;
    return { phase: this.phase, asking };
  }

  /**
   * One event of the lifecycle: the transition's phase and consent, its local effects at once (the
   * state pushed), then its messages to the hub in order.
   */
  protected async step(e: DeviceScreenEvent, sessionId: string, ctx: StepCtx = {}): Promise<void> {
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
      else if (fx.t === 'refuse-unasked')
        hub.push(() => this.reply(sessionId, fx.phase, 'refused', 'could not refuse a request while busy'));
      else if (fx.t === 'switch-reply') hub.push(() => this.answerSwitchToHub(sessionId, fx.decision));
      else if (fx.t === 'tell-end')
        hub.push(() => this.tellHub('screen:end', { sessionId, reason: fx.reason, stats }, 'hub did not record the end of the session'));
      else hub.push(() => this.tellHub('screen:revoke-control', { sessionId }, 'hub did not record the control withdrawal'));
    }
    this.phase = t.state.phase;
    if (t.state.phase !== before.phase || t.state.asking !== before.asking || t.effects.some((x) => x.t === 'reply')) this.changed();
    for (const send of hub) await send();
  }

  protected openConsent(kind: Asking, sessionId: string, ctx: StepCtx): void {
    if (kind === 'view' && ctx.request) this.beginSession(ctx.request);
    const p = this.consents.open(sessionId, kind === 'control' ? 'control' : 'view', ctx.switching?.displays ?? [], this.inputAvailable);
    if (kind === 'switch' && ctx.switching) p.switching = { index: ctx.switching.index, displayId: ctx.switching.displayId };
    this.pending = p;
  }

  /** A new session asked: who asks, and everything of the previous one forgotten. */
  protected beginSession(c: ScreenConsentRequest): void {
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
    this.pump.reset();
  }

  protected async reply(
    sessionId: string,
    phase: 'view' | 'control',
    decision: Answer,
    failure = 'hub did not record the consent answer',
  ): Promise<void> {
    // Impossible here: the technician is told why (no graphical session, Wayland only…).
    const reason = decision === 'unavailable' ? (this.inputUnavailable ?? (this.display ? null : 'no-shared-screen')) : null;
    await this.tellHub('screen:consent', { sessionId, phase, decision, ...(reason ? { reason } : {}) }, failure);
  }

  protected async tellHub<K extends ScreenDeviceEvent>(
    event: K,
    payload: z.input<(typeof SCREEN_DEVICE_EVENTS)[K]['request']>,
    failure: string,
  ): Promise<void> {
    const r = await this.o.hub.request(event, payload);
    if (!r.ok) this.log.warn(failure, { code: r.error.code });
  }

  protected async answerSwitchToHub(sessionId: string, decision: ScreenSwitchDecision, index?: number): Promise<void> {
    await this.tellHub(
      'screen:switch-answer',
      { sessionId, decision, ...(index ? { index } : {}) },
      'hub did not record the monitor switch answer',
    );
  }

  protected async listDisplays(): Promise<DisplayInfo[]> {
    try {
      return await this.o.displays.list();
    } catch (e) {
      this.log.warn('could not list the screens', { err: e });
      return [];
    }
  }

  protected timedOut(p: Pending): void {
    this.log.info('consent timed out', { sessionId: p.sessionId, kind: p.kind });
    void this.step({ type: 'answer', decision: 'timeout' }, p.sessionId).catch((e: unknown) =>
      this.log.error('timeout answer failed', { err: e }),
    );
  }

  /** The consent shown again after an answer that could not be taken (unknown monitor): its timer resumes. */
  protected showAgain(p: Pending, error: VigieError): never {
    this.consents.showAgain(p);
    throw error;
  }

  /** The pending consent of `sessionId`, marked answered; CONFLICT when there is none or it expired. */
  protected takePending(sessionId: string): Pending {
    if (!this.current) throw new VigieError('CONFLICT', 'Aucune demande en attente.');
    return this.consents.take(sessionId);
  }

  protected applyEnded(s: ScreenSession): void {
    void this.step({ type: 'ended', by: s.endedBy ?? 'system', reason: s.endReason ?? 'error' }, s.id);
  }

  /** Ends here at once (the hub went away, the app stops). */
  protected endHere(by: ScreenEndedBy, reason: ScreenEndReason): void {
    if (this.current) void this.step({ type: 'ended', by, reason }, this.current.id);
  }

  /** The end, here: no capture, no input (held keys released by leave-control), what changed listed. */
  protected endEffect(by: ScreenEndedBy, reason: ScreenEndReason): void {
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
  protected leaveControl(): void {
    const wasControlling = this.phase === 'controlling';
    this.pump.nextGeneration();
    if (wasControlling) void this.pump.releaseHeld();
  }

  protected statsForHub(): { injected: number; dropped: number } {
    return { injected: this.pump.injected, dropped: this.pump.dropped };
  }

  protected changed(): void {
    this.emit('state', this.state());
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('screen listener failed', { err: e });
  }
}
