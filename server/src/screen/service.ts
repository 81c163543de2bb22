import type { Kysely, Transaction } from 'kysely';
import type { Namespace } from 'socket.io';
import {
  systemMessage,
  VigieError,
  type ChatMessage,
  type SystemMessageRef,
  type IceConfig,
  type ScreenConsentDecision,
  type ScreenConsentRequest,
  type ScreenControlUnavailableReason,
  type ScreenEndedBy,
  type ScreenEndReason,
  type ScreenInputStats,
  type ScreenKind,
  type ScreenSession,
  type ScreenSwitchDecision,
  type ScreenSwitchRequest,
  type SCREEN_DEVICE_EVENTS,
  type SCREEN_TECH_EVENTS,
  type SignalData,
  type Clock,
} from '@vigie/common';
import type { Logger } from '../logger.js';
import type { Handlers } from '../socket/dispatch.js';
import { lockRow } from '../store/dialect.js';
import { newId, randomCode } from '../util.js';
import type { ScreenSettings } from './config.js';
import { iceConfigFor, turnExpiry } from './ice.js';
import { changedColumns, transition, type ScreenAuditEvent, type ScreenEvent, type Transition } from './lifecycle.js';
import {
  boundSocket,
  conflict,
  consentExpired,
  consentRequest,
  forbidden,
  isLive,
  isParticipant,
  newSessionRow,
  otherConnection,
  toScreenSession,
  type SessionRow,
  type Side,
} from './record.js';
import type { ScreenTables } from './schema.js';

export type { ScreenAuditEvent } from './lifecycle.js';
export { toScreenSession } from './record.js';

export type ScreenDb = Kysely<ScreenTables>;
export type ScreenTrx = Transaction<ScreenTables>;

/** What the module needs from the hub (hub-deps.ts builds it from the hub's services). */
export interface ScreenHubDeps {
  db: ScreenDb;
  devNs: Namespace;
  techNs: Namespace;
  settings: ScreenSettings;
  /**
   * The device of `requestId` when that request is open and assigned to `technicianId`, else null.
   * Called inside the module's transactions with `trx` (SQLite has one connection: use it).
   */
  assignedRequest(requestId: string, technicianId: string, trx?: ScreenTrx): Promise<{ deviceId: string } | null>;
  isDeviceOnline(deviceId: string): boolean;
  /** Appends to the hub's audit chain inside `trx`. */
  audit(ev: ScreenAuditEvent, trx: ScreenTrx): Promise<unknown>;
  /** System chat message of the request, stored inside `trx`, pushed to both sides after commit. */
  chat: {
    insert(trx: ScreenTrx, requestId: string, line: { text: string; system: SystemMessageRef }): Promise<ChatMessage>;
    push(deviceId: string, message: ChatMessage): void;
  };
  log: Logger;
  now?: Clock['now'];
}

/** Handler contexts: the same objects the hub's dispatch gives its own handlers. */
export type ScreenDeviceCtx = { actor: { id: string }; socket: { id: string } };
export type ScreenTechCtx = { actor: { id: string; name: string }; socket: { id: string } };

export const screenRooms = { device: (id: string) => `screen:dev:${id}` } as const;

/** Pushes to send once the transaction that decided them has committed. */
type After = {
  row: SessionRow;
  message?: ChatMessage | null;
  consent?: ScreenConsentRequest | null;
  switchRequest?: ScreenSwitchRequest | null;
  ice?: boolean;
};

/** An event whose facts (is the request still assigned?) are asked inside the transaction, once the row is locked. */
type Asked = (assigned: boolean) => ScreenEvent;

/**
 * Remote-screen sessions on the hub: who may ask, consent bookkeeping, signaling relay (only
 * between the two sockets bound to the session, re-checked on every message), ICE configuration
 * and its renewal for long sessions, audit of every step and the "Partage d'écran commencé /
 * terminé" chat lines. The decisions are lifecycle.ts's `transition`; this class does the I/O:
 * the session's row locked in a transaction, the transition's record and effects written, pushes
 * after commit.
 */
export class ScreenHub {
  readonly deviceHandlers: Handlers<typeof SCREEN_DEVICE_EVENTS, ScreenDeviceCtx>;
  readonly techHandlers: Handlers<typeof SCREEN_TECH_EVENTS, ScreenTechCtx>;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly now: Clock['now'];
  private attached = false;

  constructor(private readonly deps: ScreenHubDeps) {
    this.now = deps.now ?? Date.now;
    const device = (actorId: string, socketId: string) => ({ side: 'device' as const, actorId, socketId });
    const tech = (actorId: string, socketId: string) => ({ side: 'technician' as const, actorId, socketId });
    this.deviceHandlers = {
      'screen:consent': ({ sessionId, phase, decision, reason }, { actor, socket }) =>
        this.consent(actor.id, socket.id, sessionId, phase, decision, reason),
      'screen:signal': async ({ sessionId, data }, { actor, socket }) => {
        await this.relay(device(actor.id, socket.id), sessionId, data);
        return {};
      },
      'screen:revoke-control': ({ sessionId }, { actor }) =>
        this.step(sessionId, () => ({ type: 'revoke', side: 'device', actorId: actor.id }), false),
      'screen:end': ({ sessionId, reason, stats }, { actor }) => this.endByParticipant('device', actor.id, sessionId, reason, stats),
      'screen:ice': ({ sessionId }, { actor, socket }) => this.ice(device(actor.id, socket.id), sessionId),
      'screen:switch-answer': ({ sessionId, decision, index }, { actor, socket }) =>
        this.switchAnswer(actor.id, socket.id, sessionId, decision, index),
    };
    this.techHandlers = {
      'screen:request': ({ requestId }, { actor, socket }) => this.request(actor, socket.id, requestId),
      'screen:control': ({ sessionId }, { actor, socket }) =>
        this.step(sessionId, (assigned) => ({ type: 'control-ask', techId: actor.id, socketId: socket.id, assigned })),
      'screen:release-control': ({ sessionId }, { actor }) =>
        this.step(sessionId, () => ({ type: 'revoke', side: 'technician', actorId: actor.id }), false),
      'screen:signal': async ({ sessionId, data }, { actor, socket }) => {
        await this.relay(tech(actor.id, socket.id), sessionId, data);
        return {};
      },
      'screen:end': ({ sessionId }, { actor }) => this.endByParticipant('technician', actor.id, sessionId, 'technician-end'),
      'screen:ice': ({ sessionId }, { actor, socket }) => this.ice(tech(actor.id, socket.id), sessionId),
      'screen:get': async ({ requestId }, { actor }) => {
        if (!(await this.deps.assignedRequest(requestId, actor.id))) throw forbidden();
        const row = await this.deps.db
          .selectFrom('screen_sessions')
          .selectAll()
          .where('request_id', '=', requestId)
          .orderBy('requested_at', 'desc')
          .orderBy('id')
          .executeTakeFirst();
        return row ? toScreenSession(row) : null;
      },
      'screen:switch-display': ({ sessionId, index }, { actor, socket }) =>
        this.step(sessionId, (assigned) => ({ type: 'switch-ask', techId: actor.id, socketId: socket.id, index, assigned })),
    };
  }

  /**
   * Listens to both namespaces: device sockets join their screen room, a socket that goes away
   * ends the sessions bound to it, and the sweep starts. Call once.
   */
  attach(): void {
    if (this.attached) return;
    this.attached = true;
    this.deps.devNs.on('connection', (socket) => {
      const actor = socket.data.actor as { kind?: string; id?: string } | undefined;
      if (actor?.kind !== 'device' || !actor.id) return;
      const deviceId = actor.id;
      void socket.join(screenRooms.device(deviceId));
      socket.on(
        'disconnect',
        () =>
          void this.socketGone('device', socket.id, deviceId).catch((e: unknown) =>
            this.deps.log.error({ err: e }, 'screen: device disconnect handling failed'),
          ),
      );
    });
    this.deps.techNs.on('connection', (socket) => {
      socket.on(
        'disconnect',
        () =>
          void this.socketGone('technician', socket.id, null).catch((e: unknown) =>
            this.deps.log.error({ err: e }, 'screen: technician disconnect handling failed'),
          ),
      );
    });
    this.sweepTimer = setInterval(() => void this.sweep(), this.deps.settings.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Stops the sweep and waits for a running one (hub close). */
  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
  }

  /** Ends the live session of a request (call after help:release / help:resolve / help:cancel). */
  async endForRequest(requestId: string, reason: ScreenEndReason = 'request-closed'): Promise<void> {
    const rows = await this.deps.db
      .selectFrom('screen_sessions')
      .select('id')
      .where('request_id', '=', requestId)
      .where('state', '!=', 'ended')
      .execute();
    for (const r of rows) await this.end(r.id, 'system', null, reason);
  }

  /**
   * Sessions whose request is no longer assigned end, expired consents are answered, fresh TURN
   * credentials go to both sides of a long session (also runs on a timer). Each row is looked at
   * without a lock first; only a row the tick changes is locked and decided again.
   */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        const rows = await this.deps.db.selectFrom('screen_sessions').selectAll().where('state', '!=', 'ended').execute();
        for (const r of rows) {
          const assigned = !!(await this.deps.assignedRequest(r.request_id, r.technician_id));
          if (!this.decide(r, { type: 'tick', assigned }).effects.length) continue;
          await this.step(r.id, (a) => ({ type: 'tick', assigned: a }));
        }
      } catch (e) {
        this.deps.log.error({ err: e }, 'screen sweep failed');
      } finally {
        this.sweeping = null;
      }
    })();
    return this.sweeping;
  }

  // ---------- steps of a session ----------
  private decide(r: SessionRow, e: ScreenEvent): Transition {
    return transition(r, e, { now: this.now(), settings: this.deps.settings });
  }

  /**
   * One event on one session: its row locked until the transaction ends (its transitions happen one
   * at a time on every hub node), the assignment asked once locked (`ask`, unless the event needs
   * none), the transition's record and effects written, pushes after commit.
   */
  private async step(sessionId: string, event: Asked, ask = true): Promise<ScreenSession> {
    return toScreenSession((await this.stepRow(sessionId, event, ask)).row);
  }

  private async stepRow(sessionId: string, event: Asked, ask = true): Promise<After> {
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await trx.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).forNoKeyUpdate().executeTakeFirst();
      if (!r) throw forbidden();
      const assigned = ask && r.state !== 'ended' ? !!(await this.deps.assignedRequest(r.request_id, r.technician_id, trx)) : true;
      return this.apply(trx, r, this.decide(r, event(assigned)));
    });
    this.publish(after);
    return after;
  }

  /** Writes a transition: the row (only if nobody changed its state meanwhile), then chat and audit in order. */
  private async apply(trx: ScreenTrx, r: SessionRow, t: Transition): Promise<After> {
    const set = changedColumns(r, t.state);
    if (Object.keys(set).length) {
      const res = await trx.updateTable('screen_sessions').set(set).where('id', '=', r.id).where('state', '=', r.state).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new VigieError('CONFLICT', 'Le partage d’écran a changé entre-temps.');
    }
    const after: After = { row: t.state };
    for (const fx of t.effects) {
      if (fx.t === 'chat') after.message = await this.deps.chat.insert(trx, r.request_id, systemMessage(fx.key));
      else if (fx.t === 'audit') await this.deps.audit(fx.ev, trx);
      else if (fx.t === 'consent-request') after.consent = consentRequest(t.state, fx.kind, this.deps.settings.providerName, this.now());
      else if (fx.t === 'switch-request') after.switchRequest = { sessionId: r.id, index: fx.index, expiresAt: fx.expiresAt };
      else after.ice = true;
    }
    return after;
  }

  private async end(
    sessionId: string,
    by: ScreenEndedBy,
    actorId: string | null,
    reason: ScreenEndReason,
    stats?: ScreenInputStats,
  ): Promise<SessionRow> {
    return (await this.stepRow(sessionId, () => ({ type: 'end', by, actorId, reason, ...(stats ? { stats } : {}) }), false)).row;
  }

  // ---------- technician ----------
  private async request(tech: { id: string; name: string }, socketId: string, requestId: string): Promise<ScreenSession> {
    // One live session per device: the device's row is locked before looking (a second tab on
    // another hub node waits, then sees this one), and before the request's row (store/dialect.ts lock order).
    const probe = await this.deps.assignedRequest(requestId, tech.id);
    if (!probe) throw forbidden();
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      await lockRow(trx, 'devices', probe.deviceId);
      const assigned = await this.deps.assignedRequest(requestId, tech.id, trx);
      if (!assigned) throw forbidden();
      if (!this.deps.isDeviceOnline(assigned.deviceId))
        throw new VigieError('CONFLICT', 'L’ordinateur n’est pas connecté en ce moment.', { reason: 'device-offline' });
      const live = await trx
        .selectFrom('screen_sessions')
        .selectAll()
        .where('device_id', '=', assigned.deviceId)
        .where('state', '!=', 'ended')
        .execute();
      for (const r of live) {
        if (r.state === 'consent-pending' && consentExpired(r, this.now(), this.deps.settings)) {
          await this.apply(trx, r, this.decide(r, { type: 'end', by: 'system', actorId: null, reason: 'timeout' }));
          continue;
        }
        // A double click on "Voir l'écran": the same session again.
        if (r.request_id === requestId && r.technician_id === tech.id && r.tech_socket_id === socketId) return { row: r };
        throw new VigieError('CONFLICT', 'Un partage d’écran est déjà en cours sur cet ordinateur.', {
          reason: r.request_id === requestId && r.technician_id === tech.id ? 'other-tab' : 'busy',
        });
      }
      const row = newSessionRow({
        id: newId(),
        shortCode: randomCode(6),
        requestId,
        deviceId: assigned.deviceId,
        tech,
        socketId,
        now: this.now(),
      });
      await trx.insertInto('screen_sessions').values(row).execute();
      await this.deps.audit(
        {
          actorType: 'technician',
          actorId: tech.id,
          action: 'screen.request',
          subject: row.id,
          data: { requestId, deviceId: row.device_id, kind: 'view' },
        },
        trx,
      );
      return { row, consent: consentRequest(row, 'view', this.deps.settings.providerName, this.now()) };
    });
    this.publish(after);
    return toScreenSession(after.row);
  }

  // ---------- device ----------
  /** The practitioner's answer to a monitor switch (on the device socket bound to the session). */
  private switchAnswer(
    deviceId: string,
    socketId: string,
    sessionId: string,
    decision: ScreenSwitchDecision,
    index?: number,
  ): Promise<ScreenSession> {
    return this.step(
      sessionId,
      () => ({ type: 'switch-answer', deviceId, socketId, decision, ...(index !== undefined ? { index } : {}) }),
      false,
    );
  }

  private async consent(
    deviceId: string,
    socketId: string,
    sessionId: string,
    phase: ScreenKind,
    decision: ScreenConsentDecision,
    reason?: ScreenControlUnavailableReason,
  ): Promise<{ session: ScreenSession; ice: IceConfig | null }> {
    if (phase === 'control') {
      const r = await this.deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
      if (!r || r.device_id !== deviceId) throw forbidden();
      if (r.device_socket_id !== socketId) throw otherConnection();
      const row = await this.controlAnswer(sessionId, 'device', deviceId, decision, decision === 'unavailable' ? (reason ?? null) : null);
      return { session: toScreenSession(row), ice: null };
    }
    const after = await this.stepRow(sessionId, (assigned) => ({ type: 'consent', deviceId, socketId, decision, assigned }));
    const session = toScreenSession(after.row);
    if (session.state !== 'viewing') {
      if (decision === 'granted') throw conflict(after.row);
      return { session, ice: null };
    }
    return { session, ice: iceConfigFor(this.deps.settings, session.id, this.now()) };
  }

  /** Answer to a control consent (device) or its expiry (system), kept on the session so the console can say why control did not start. */
  private async controlAnswer(
    sessionId: string,
    by: 'device' | 'system',
    actorId: string | null,
    decision: ScreenConsentDecision,
    reason: ScreenControlUnavailableReason | null = null,
  ): Promise<SessionRow> {
    const { row } = await this.stepRow(
      sessionId,
      (assigned) => ({ type: 'control-answer', by, actorId, decision, reason, assigned }),
      decision === 'granted',
    );
    if (decision === 'granted' && row.state !== 'controlling') throw conflict(row);
    return row;
  }

  // ---------- both ----------
  /** The session of a participant's message, on its bound socket and live (else FORBIDDEN / CONFLICT). */
  private async liveFor(p: { side: Side; actorId: string; socketId: string }, sessionId: string): Promise<SessionRow> {
    const r = await this.deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!r || !isParticipant(r, p.side, p.actorId)) throw forbidden();
    if (!isLive(r)) throw conflict(r);
    if (boundSocket(r, p.side) !== p.socketId) throw otherConnection();
    return r;
  }

  /** Signaling: checked on every message (participant, bound socket, consent given, request still assigned). */
  private async relay(p: { side: Side; actorId: string; socketId: string }, sessionId: string, data: SignalData): Promise<void> {
    const r = await this.liveFor(p, sessionId);
    if (!(await this.deps.assignedRequest(r.request_id, r.technician_id))) {
      await this.end(r.id, 'system', null, 'request-closed');
      throw forbidden();
    }
    const payload = { sessionId, data };
    if (p.side === 'device') this.deps.techNs.to(r.tech_socket_id).emit('screen:signal', payload);
    else if (r.device_socket_id) this.deps.devNs.to(r.device_socket_id).emit('screen:signal', payload);
  }

  /** ICE for a participant of a live session (TURN credentials are not handed out before consent); the session keeps their expiry. */
  private async ice(p: { side: Side; actorId: string; socketId: string }, sessionId: string): Promise<IceConfig> {
    const r = await this.liveFor(p, sessionId);
    const now = this.now();
    const expiresAt = turnExpiry(this.deps.settings, now);
    // The earliest expiry handed out is the one renewal is due for.
    if (expiresAt && r.ice_expires_at === null)
      await this.deps.db
        .updateTable('screen_sessions')
        .set({ ice_expires_at: expiresAt })
        .where('id', '=', r.id)
        .where('ice_expires_at', 'is', null)
        .execute();
    return iceConfigFor(this.deps.settings, r.id, now);
  }

  private async endByParticipant(
    side: Side,
    actorId: string,
    sessionId: string,
    reason: ScreenEndReason,
    stats?: ScreenInputStats,
  ): Promise<ScreenSession> {
    const r = await this.deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!r || !isParticipant(r, side, actorId)) throw forbidden();
    return toScreenSession(await this.end(sessionId, side, actorId, reason, stats));
  }

  private async socketGone(side: Side, socketId: string, deviceId: string | null): Promise<void> {
    let q = this.deps.db
      .selectFrom('screen_sessions')
      .select(['id', 'device_id', 'device_socket_id', 'state'])
      .where('state', '!=', 'ended');
    q = side === 'technician' ? q.where('tech_socket_id', '=', socketId) : q.where('device_id', '=', deviceId ?? '');
    for (const r of await q.execute()) {
      const bound = r.device_socket_id === socketId;
      // A consent not answered yet ends when the device has no socket left at all.
      const orphan = side === 'device' && r.device_socket_id === null && !this.deps.isDeviceOnline(r.device_id);
      if (side === 'technician' || bound || orphan) await this.end(r.id, side, null, 'disconnect');
    }
  }

  private publish(after: After): void {
    const r = after.row;
    const s = toScreenSession(r);
    this.deps.techNs.to(r.tech_socket_id).emit('screen:updated', s);
    this.deps.devNs.to(screenRooms.device(r.device_id)).emit('screen:updated', s);
    if (after.consent)
      this.deps.devNs.to(r.device_socket_id ?? screenRooms.device(r.device_id)).emit('screen:consent-request', after.consent);
    if (after.switchRequest && r.device_socket_id)
      this.deps.devNs.to(r.device_socket_id).emit('screen:switch-request', after.switchRequest);
    if (after.message) this.deps.chat.push(r.device_id, after.message);
    if (after.ice) {
      // Fresh TURN credentials to both bound sockets (applied with RTCPeerConnection.setConfiguration).
      const refresh = { sessionId: r.id, ice: iceConfigFor(this.deps.settings, r.id, this.now()) };
      this.deps.techNs.to(r.tech_socket_id).emit('screen:ice-refresh', refresh);
      if (r.device_socket_id) this.deps.devNs.to(r.device_socket_id).emit('screen:ice-refresh', refresh);
    }
  }
}

export function createScreenHub(deps: ScreenHubDeps): ScreenHub {
  return new ScreenHub(deps);
}
