import {
  parseDataMessage,
  SAFETY_LIMITS,
  TechDataMessage,
  VigieError,
  type DeviceDataMessage,
  type DisplayInfo,
  type ScreenConsentRequest,
  type ScreenIceRefresh,
  type ScreenSession,
  type ScreenSignal,
  type ScreenState,
  type ScreenSwitchRequest,
  type SignalData,
  type TimerHandle,
} from '@vigie/common';
import type { Pending } from './consent-window.js';
import type { DropReason } from './input-pump.js';
import { isLivePhase, transition, type DeviceScreenEvent } from './lifecycle.js';
import type { SafetyGate, SafetyOutcome } from './ports.js';
import { ScreenSessionCore } from './session-core.js';
import type { Current } from './state-view.js';

export type { DropReason } from './input-pump.js';
export type { ScreenHubLink } from './ports.js';
export type { ScreenSessionOptions } from './session-core.js';

/**
 * The practitioner side of a remote-screen session. Its lifecycle (lifecycle.ts: which consent is
 * shown, when the session is live, controlled, over) is a pure transition; this service carries
 * out the effects: the consent's 30 s timer, the answers to the hub, the local end. Nothing may be
 * captured (canCapture) nor signaled before "Autoriser"; "Arrêter", the global shortcut, a hub
 * disconnect or the technician's end stop everything at once; control can be withdrawn while the
 * view goes on. Input from the data channel is parsed, checked (control granted, inside the
 * shared screen) and handed to the InputPump (input-pump.ts); everything else is dropped and counted.
 */
export class ScreenSessionService extends ScreenSessionCore {
  private unsubscribe: Array<() => void> = [];

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
    if (this.current !== c || this.phase !== 'control-pending')
      throw new VigieError('CONFLICT', 'Le partage d’écran a changé entre-temps.');
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
    if (!this.canCapture() || this.current?.id !== sessionId)
      throw new VigieError('CONFLICT', 'Aucun partage d’écran autorisé en ce moment.');
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
    const asked = (known: boolean): DeviceScreenEvent => ({
      type: 'switch-asked',
      sameSession: this.current === c && c?.id === r.sessionId,
      known,
    });
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
    let timer: TimerHandle = undefined;
    const wait = Math.max(0, Math.min(this.o.safetyWaitMs ?? SAFETY_LIMITS.waitMs, p.expiresAt - this.clock.now()));
    const first = await Promise.race([
      outcome,
      new Promise<'slow'>((resolve) => (timer = this.clock.setTimeout(() => resolve('slow'), wait))),
    ]);
    this.clock.clearTimeout(timer);
    if (this.current !== c || this.pending !== p || this.phase !== 'control-pending') return false;
    if (first === 'slow') {
      this.log.info('safety snapshot still running: control starts anyway', { sessionId: c.id });
      return true;
    }
    if (first.ok) return true;
    // Failed: the same consent again, with the choice (refuse, or allow without it) and its deadline.
    this.consents.showAgain(p);
    this.changed();
    return false;
  }

  private safetyOver(c: Current, o: SafetyOutcome): void {
    if (this.current !== c) return;
    this.safety = o.ok ? { state: 'done', reason: null } : { state: 'failed', reason: o.reason };
    this.changed();
  }
}
