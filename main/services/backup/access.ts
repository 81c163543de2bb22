import {
  BACKUP_ACCESS_LIMITS,
  BACKUP_RELAY_STRINGS,
  VigieError,
  type BackupAccess,
  type BackupAccessCall,
  type BackupAccessConsentRequest,
  type BackupAccessView,
  systemClock,
  type Clock,
  type Locale,
} from '@vigie/common';
import type { HubConnection } from '../hub/connection.js';
import { fill } from './errors.js';
import type { Logger, Notifier } from './ports.js';

/** The part of the app's hub connection the access gate uses. */
export type AccessHub = Pick<HubConnection, 'emitAck' | 'onPush' | 'on'>;

interface Current {
  request: BackupAccessConsentRequest;
  state: 'pending' | 'granted';
  /** Local deadline: the automatic refusal (pending) or the access's end (granted). */
  until: number;
  cancelTimer: () => void;
  /** An answer is on its way: later clicks change nothing. */
  answering: boolean;
  /** « Autoriser » was clicked and is on its way to the hub. */
  granting: boolean;
}

/**
 * The practitioner's side of a technician's access to the backups outside any help request. The
 * hub asks (`backup:access-consent`); the app shows who asks (the name the hub verified) and the
 * code the technician reads out, with a 30 s countdown that refuses by itself. Once « Autoriser »
 * is confirmed by the hub, this gate — and only it — lets the hub's `backup:access-relay` calls
 * through: same access id, same technician, before the access's end (the local clock's, never
 * longer than BACKUP_ACCESS_LIMITS.grantMs). « Arrêter », the hub ending it, or losing the hub
 * closes it at once. One access at a time; a second ask while one is live is refused.
 */
export class BackupAccessGate {
  private current: Current | null = null;
  private readonly offs: Array<() => void> = [];
  private readonly clock: Clock;

  constructor(
    private readonly o: {
      notifier: Notifier;
      logger: Logger;
      locale: () => Locale;
      /** Publishes the view to the renderer (push 'backupAccess:state'). */
      publish: (view: BackupAccessView | null) => void;
      /** Time of the 30 s consent and of the access's end (tests move it). */
      clock?: Clock;
    },
  ) {
    this.clock = o.clock ?? systemClock;
  }

  private hub: AccessHub | null = null;

  start(hub: AccessHub): void {
    this.hub = hub;
    this.offs.push(
      hub.onPush('backup:access-consent', (c) => void this.onAsk(c)),
      hub.onPush('backup:access-updated', (a) => this.onUpdated(a)),
      hub.on('state', (s) => {
        // Without the hub nobody can use the access, and the hub ends it on its side too.
        if (s !== 'online') this.drop();
      }),
    );
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.drop();
    this.hub = null;
  }

  view(): BackupAccessView | null {
    const c = this.current;
    if (!c) return null;
    return {
      accessId: c.request.accessId,
      state: c.state,
      technicianName: c.request.technician.name,
      providerName: c.request.providerName,
      shortCode: c.request.shortCode,
      consentExpiresAt: c.state === 'pending' ? new Date(c.until).toISOString() : null,
      grantedUntil: c.state === 'granted' ? new Date(c.until).toISOString() : null,
      grantMinutes: c.request.grantMinutes,
    };
  }

  /**
   * Null when the hub's call may run under the practitioner's grant; else why not. Checked on
   * every relayed call: the hub's word alone never opens the backups.
   */
  refusal(call: Pick<BackupAccessCall, 'accessId' | 'technician'>): VigieError | null {
    const c = this.current;
    const refused = new VigieError('FORBIDDEN', 'Le cabinet n’a pas autorisé cet accès à ses sauvegardes.');
    // « Autoriser » clicked here and on its way to the hub counts as granted: the hub relays calls only
    // for an access it has recorded as granted, and may do so (the technician's console hears of the
    // grant) before this side has read the hub's answer — the practitioner's own click opened it.
    const granted = c && (c.state === 'granted' || (c.state === 'pending' && c.granting));
    if (!c || !granted || c.request.accessId !== call.accessId || c.request.technician.id !== call.technician.id) return refused;
    if (this.clock.now() >= c.until) {
      this.endGranted(c);
      return refused;
    }
    return null;
  }

  /** « Autoriser » / « Refuser ». */
  async answer(accessId: string, decision: 'granted' | 'refused'): Promise<BackupAccessView | null> {
    const c = this.current;
    if (!c || c.state !== 'pending' || c.request.accessId !== accessId || c.answering)
      throw new VigieError('CONFLICT', 'Aucune demande d’accès en attente.');
    if (this.clock.now() >= c.until) {
      await this.refuseAndDrop(c, 'timeout');
      throw new VigieError('CONFLICT', 'La demande a expiré.');
    }
    if (decision === 'refused') {
      await this.refuseAndDrop(c, 'refused');
      return null;
    }
    c.answering = true;
    c.granting = true;
    const r = await this.hub?.emitAck('backup:access-answer', { accessId, decision: 'granted' });
    c.answering = false;
    c.granting = false;
    if (this.current !== c) throw new VigieError('CONFLICT', 'La demande d’accès a été arrêtée entre-temps.');
    if (!r?.ok || r.data.state !== 'granted') {
      this.drop();
      throw r && !r.ok ? new VigieError(r.error.code, r.error.message) : new VigieError('CONFLICT', 'La demande d’accès a expiré.');
    }
    c.cancelTimer();
    c.state = 'granted';
    c.until = this.clock.now() + Math.min(BACKUP_ACCESS_LIMITS.grantMs, c.request.grantMinutes * 60_000);
    c.cancelTimer = this.timer(() => this.endGranted(c), c.until - this.clock.now());
    this.o.logger.info('backup access granted', { accessId, technician: c.request.technician.id });
    this.changed();
    return this.view();
  }

  /** « Arrêter l'accès » (a consent still shown is refused). */
  async stopAccess(accessId: string): Promise<BackupAccessView | null> {
    const c = this.current;
    if (!c || c.request.accessId !== accessId) return this.view();
    if (c.state === 'pending') {
      await this.refuseAndDrop(c, 'refused');
      return null;
    }
    this.drop();
    const r = await this.hub?.emitAck('backup:access-stop', { accessId });
    if (r && !r.ok) this.o.logger.warn('hub did not record the end of the backup access', { code: r.error.code });
    return null;
  }

  // ---------- hub ----------
  private async onAsk(req: BackupAccessConsentRequest): Promise<void> {
    if (this.current) {
      if (this.current.request.accessId === req.accessId) return;
      // One at a time: a second ask while one is shown or live is refused without bothering anyone.
      const r = await this.hub?.emitAck('backup:access-answer', { accessId: req.accessId, decision: 'refused' });
      if (r && !r.ok) this.o.logger.warn('could not refuse a second backup access', { code: r.error.code });
      return;
    }
    const c: Current = {
      request: req,
      state: 'pending',
      until: this.clock.now() + BACKUP_ACCESS_LIMITS.consentTimeoutMs,
      cancelTimer: () => undefined,
      answering: false,
      granting: false,
    };
    c.cancelTimer = this.timer(() => {
      if (this.current === c && c.state === 'pending' && !c.answering) void this.refuseAndDrop(c, 'timeout');
    }, BACKUP_ACCESS_LIMITS.consentTimeoutMs);
    this.current = c;
    const t = BACKUP_RELAY_STRINGS[this.o.locale()].access;
    this.o.notifier.notify({
      title: fill(t.notifyTitle, { name: req.technician.name }),
      body: t.notifyBody,
      tag: `access-${req.accessId}`,
    });
    this.changed();
  }

  private onUpdated(a: BackupAccess): void {
    if (this.current?.request.accessId === a.id && a.state === 'ended') this.drop();
  }

  // ---------- internals ----------
  private async refuseAndDrop(c: Current, decision: 'refused' | 'timeout'): Promise<void> {
    c.answering = true;
    this.drop();
    const r = await this.hub?.emitAck('backup:access-answer', { accessId: c.request.accessId, decision });
    if (r && !r.ok) this.o.logger.warn('hub did not record the backup access answer', { code: r.error.code, decision });
  }

  /** Runs `fn` after `ms` on the gate's clock; returns the cancel. */
  private timer(fn: () => void, ms: number): () => void {
    const h = this.clock.setTimeout(fn, ms);
    return () => this.clock.clearTimeout(h);
  }

  /** The access's end on this machine's clock: closed here, and the hub told why. */
  private endGranted(c: Current): void {
    if (this.current !== c) return;
    this.o.logger.info('backup access ended by its deadline', { accessId: c.request.accessId });
    this.drop();
    void this.hub?.emitAck('backup:access-stop', { accessId: c.request.accessId, reason: 'expired' }).then((r) => {
      if (!r.ok) this.o.logger.debug('hub did not record the end of the backup access', { code: r.error.code });
    });
  }

  private drop(): void {
    const c = this.current;
    if (!c) return;
    c.cancelTimer();
    this.current = null;
    this.changed();
  }

  private changed(): void {
    this.o.publish(this.view());
  }
}
