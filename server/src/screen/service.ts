import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Namespace } from 'socket.io';
import {
  SCREEN_LIMITS,
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
  type ScreenSessionState,
  type ScreenSwitchDecision,
  type ScreenSwitchRequest,
  type SCREEN_DEVICE_EVENTS,
  type SCREEN_TECH_EVENTS,
  type SignalData,
} from '@vigie/common';
import type { Logger } from '../logger.js';
import type { Handlers } from '../socket/dispatch.js';
import { lockRow } from '../store/dialect.js';
import { initials, newId, randomCode } from '../util.js';
import type { ScreenSettings } from './config.js';
import { iceConfigFor } from './ice.js';
import type { ScreenSessionTable, ScreenTables } from './schema.js';

export type ScreenDb = Kysely<ScreenTables>;
export type ScreenTrx = Transaction<ScreenTables>;
type Row = Selectable<ScreenSessionTable>;

export interface ScreenAuditEvent {
  actorType: 'device' | 'technician' | 'system';
  actorId: string | null;
  action: string;
  subject: string;
  data: Record<string, unknown>;
}

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
  chat: { insert(trx: ScreenTrx, requestId: string, line: { text: string; system: SystemMessageRef }): Promise<ChatMessage>; push(deviceId: string, message: ChatMessage): void };
  log: Logger;
  now?: () => number;
}

/** Handler contexts: the same objects the hub's dispatch gives its own handlers. */
export type ScreenDeviceCtx = { actor: { id: string }; socket: { id: string } };
export type ScreenTechCtx = { actor: { id: string; name: string }; socket: { id: string } };

type Side = 'device' | 'technician';
const LIVE: ScreenSessionState[] = ['viewing', 'control-pending', 'controlling'];
const PENDING: ScreenSessionState[] = ['consent-pending', 'control-pending'];

export const screenRooms = { device: (id: string) => `screen:dev:${id}` } as const;

export function toScreenSession(r: Row): ScreenSession {
  return {
    id: r.id,
    requestId: r.request_id,
    deviceId: r.device_id,
    technician: { id: r.technician_id, displayName: r.technician_name, initials: initials(r.technician_name) },
    state: r.state as ScreenSessionState,
    kind: r.kind as ScreenKind,
    shortCode: r.short_code,
    requestedAt: r.requested_at,
    consentExpiresAt: r.consent_expires_at,
    consentAt: r.consent_at,
    refusedAt: r.refused_at,
    controlRequestedAt: r.control_requested_at,
    controlGrantedAt: r.control_granted_at,
    controlRevokedAt: r.control_revoked_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by as ScreenEndedBy | null,
    endReason: r.end_reason as ScreenEndReason | null,
    displaySwitch:
      r.switch_index !== null && r.switch_requested_at !== null
        ? { index: r.switch_index, requestedAt: r.switch_requested_at, answeredAt: r.switch_answered_at, decision: r.switch_decision as ScreenSwitchDecision | null }
        : null,
    displaySwitches: r.display_switches ?? 0,
    controlAnswer:
      r.control_decision !== null && r.control_answered_at !== null
        ? { decision: r.control_decision as ScreenConsentDecision, reason: (r.control_unavailable_reason as ScreenControlUnavailableReason | null) ?? null, at: r.control_answered_at }
        : null,
  };
}

/** Pushes to send once the transaction that decided them has committed. */
type After = { row: Row; message?: ChatMessage | null; consent?: ScreenConsentRequest | null; switchRequest?: ScreenSwitchRequest | null };

/**
 * Remote-screen sessions on the hub: who may ask, consent bookkeeping, signaling relay (only
 * between the two sockets bound to the session, re-checked on every message), ICE configuration,
 * audit of every step and the "Partage d'écran commencé / terminé" chat lines.
 */
export class ScreenHub {
  readonly deviceHandlers: Handlers<typeof SCREEN_DEVICE_EVENTS, ScreenDeviceCtx>;
  readonly techHandlers: Handlers<typeof SCREEN_TECH_EVENTS, ScreenTechCtx>;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly now: () => number;
  private attached = false;

  constructor(private readonly deps: ScreenHubDeps) {
    this.now = deps.now ?? Date.now;
    this.deviceHandlers = {
      'screen:consent': ({ sessionId, phase, decision, reason }, { actor, socket }) => this.consent(actor.id, socket.id, sessionId, phase, decision, reason),
      'screen:signal': async ({ sessionId, data }, { actor, socket }) => {
        await this.relay('device', actor.id, socket.id, sessionId, data);
        return {};
      },
      'screen:revoke-control': ({ sessionId }, { actor }) => this.revokeControl('device', actor.id, sessionId),
      'screen:end': ({ sessionId, reason, stats }, { actor }) => this.endByParticipant('device', actor.id, sessionId, reason, stats),
      'screen:ice': ({ sessionId }, { actor, socket }) => this.ice('device', actor.id, socket.id, sessionId),
      'screen:switch-answer': ({ sessionId, decision, index }, { actor, socket }) => this.switchAnswer(actor.id, socket.id, sessionId, decision, index),
    };
    this.techHandlers = {
      'screen:request': ({ requestId }, { actor, socket }) => this.request(actor, socket.id, requestId),
      'screen:control': ({ sessionId }, { actor, socket }) => this.askControl(actor.id, socket.id, sessionId),
      'screen:release-control': ({ sessionId }, { actor }) => this.revokeControl('technician', actor.id, sessionId),
      'screen:signal': async ({ sessionId, data }, { actor, socket }) => {
        await this.relay('technician', actor.id, socket.id, sessionId, data);
        return {};
      },
      'screen:end': ({ sessionId }, { actor }) => this.endByParticipant('technician', actor.id, sessionId, 'technician-end'),
      'screen:ice': ({ sessionId }, { actor, socket }) => this.ice('technician', actor.id, socket.id, sessionId),
      'screen:get': async ({ requestId }, { actor }) => {
        if (!(await this.deps.assignedRequest(requestId, actor.id))) throw forbidden();
        const row = await this.deps.db.selectFrom('screen_sessions').selectAll().where('request_id', '=', requestId).orderBy('requested_at', 'desc').orderBy('id').executeTakeFirst();
        return row ? toScreenSession(row) : null;
      },
      'screen:switch-display': ({ sessionId, index }, { actor, socket }) => this.askSwitch(actor.id, socket.id, sessionId, index),
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
      socket.on('disconnect', () => void this.socketGone('device', socket.id, deviceId).catch((e: unknown) => this.deps.log.error({ err: e }, 'screen: device disconnect handling failed')));
    });
    this.deps.techNs.on('connection', (socket) => {
      socket.on('disconnect', () => void this.socketGone('technician', socket.id, null).catch((e: unknown) => this.deps.log.error({ err: e }, 'screen: technician disconnect handling failed')));
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
    const rows = await this.deps.db.selectFrom('screen_sessions').select('id').where('request_id', '=', requestId).where('state', '!=', 'ended').execute();
    for (const r of rows) await this.end(r.id, 'system', null, reason);
  }

  /** Expired consents and sessions whose request is no longer assigned end here (also runs on a timer). */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        const rows = await this.deps.db.selectFrom('screen_sessions').selectAll().where('state', '!=', 'ended').execute();
        for (const r of rows) {
          if (!(await this.deps.assignedRequest(r.request_id, r.technician_id))) await this.end(r.id, 'system', null, 'request-closed');
          else if (this.expired(r)) {
            if (r.state === 'consent-pending') await this.end(r.id, 'system', null, 'timeout');
            else if (r.state === 'control-pending') await this.controlAnswer(r.id, 'system', null, 'timeout');
          }
        }
      } catch (e) {
        this.deps.log.error({ err: e }, 'screen sweep failed');
      } finally {
        this.sweeping = null;
      }
    })();
    return this.sweeping;
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
      if (!this.deps.isDeviceOnline(assigned.deviceId)) throw new VigieError('CONFLICT', 'L’ordinateur n’est pas connecté en ce moment.', { reason: 'device-offline' });
      const live = await trx.selectFrom('screen_sessions').selectAll().where('device_id', '=', assigned.deviceId).where('state', '!=', 'ended').execute();
      for (const r of live) {
        if (r.state === 'consent-pending' && this.expired(r)) {
          await this.endIn(trx, r, 'system', null, 'timeout');
          continue;
        }
        // A double click on "Voir l'écran": the same session again.
        if (r.request_id === requestId && r.technician_id === tech.id && r.tech_socket_id === socketId) return { row: r };
        throw new VigieError('CONFLICT', 'Un partage d’écran est déjà en cours sur cet ordinateur.', { reason: r.request_id === requestId && r.technician_id === tech.id ? 'other-tab' : 'busy' });
      }
      const nowMs = this.now();
      const row: Row = {
        id: newId(),
        request_id: requestId,
        device_id: assigned.deviceId,
        technician_id: tech.id,
        technician_name: tech.name,
        kind: 'view',
        state: 'consent-pending',
        short_code: randomCode(6),
        requested_at: iso(nowMs),
        consent_expires_at: iso(nowMs + SCREEN_LIMITS.consentTimeoutMs),
        consent_at: null,
        refused_at: null,
        control_requested_at: null,
        control_granted_at: null,
        control_revoked_at: null,
        ended_at: null,
        ended_by: null,
        end_reason: null,
        tech_socket_id: socketId,
        device_socket_id: null,
        input_injected: null,
        input_dropped: null,
        switch_index: null,
        switch_requested_at: null,
        switch_answered_at: null,
        switch_decision: null,
        display_switches: 0,
        control_decision: null,
        control_answered_at: null,
        control_unavailable_reason: null,
      };
      await trx.insertInto('screen_sessions').values(row).execute();
      await this.deps.audit({ actorType: 'technician', actorId: tech.id, action: 'screen.request', subject: row.id, data: { requestId, deviceId: row.device_id, kind: 'view' } }, trx);
      return { row, consent: this.consentRequest(row, 'view') };
    });
    this.publish(after);
    return toScreenSession(after.row);
  }

  private async askControl(techId: string, socketId: string, sessionId: string): Promise<ScreenSession> {
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await this.participantRow(trx, 'technician', techId, sessionId);
      if (r.tech_socket_id !== socketId) throw new VigieError('FORBIDDEN', 'Cette session est ouverte dans une autre fenêtre.');
      await this.mustStillBeAssigned(trx, r);
      if (r.state === 'control-pending' || r.state === 'controlling') return { row: r };
      if (r.state !== 'viewing') throw conflict(r);
      if (this.switchPending(r)) throw new VigieError('CONFLICT', 'Le cabinet n’a pas encore répondu au changement d’écran.', { state: r.state });
      const nowMs = this.now();
      const row = await this.update(trx, r, {
        state: 'control-pending',
        control_requested_at: iso(nowMs),
        consent_expires_at: iso(nowMs + SCREEN_LIMITS.consentTimeoutMs),
        control_decision: null,
        control_answered_at: null,
        control_unavailable_reason: null,
      });
      await this.deps.audit({ actorType: 'technician', actorId: techId, action: 'screen.control.request', subject: r.id, data: { requestId: r.request_id, deviceId: r.device_id } }, trx);
      return { row, consent: this.consentRequest(row, 'control') };
    });
    this.publish(after);
    return toScreenSession(after.row);
  }

  /**
   * "Changer d'écran": only the technician of the session on its bound socket, request still
   * assigned, session live (not while a control consent is shown). The device shows a consent
   * again; a second click while it is shown answers the same record.
   */
  private async askSwitch(techId: string, socketId: string, sessionId: string, index: number): Promise<ScreenSession> {
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await this.participantRow(trx, 'technician', techId, sessionId);
      if (r.tech_socket_id !== socketId) throw new VigieError('FORBIDDEN', 'Cette session est ouverte dans une autre fenêtre.');
      await this.mustStillBeAssigned(trx, r);
      if (r.state !== 'viewing' && r.state !== 'controlling') throw conflict(r);
      if (this.switchPending(r)) return { row: r };
      const row = await this.update(trx, r, { switch_index: index, switch_requested_at: iso(this.now()), switch_answered_at: null, switch_decision: null });
      await this.deps.audit({ actorType: 'technician', actorId: techId, action: 'screen.display.request', subject: r.id, data: { requestId: r.request_id, deviceId: r.device_id, index } }, trx);
      return { row, switchRequest: { sessionId: r.id, index, expiresAt: iso(this.now() + SCREEN_LIMITS.consentTimeoutMs) } };
    });
    this.publish(after);
    return toScreenSession(after.row);
  }

  // ---------- device ----------
  /** The practitioner's answer to a monitor switch (on the device socket bound to the session). */
  private async switchAnswer(deviceId: string, socketId: string, sessionId: string, decision: ScreenSwitchDecision, index?: number): Promise<ScreenSession> {
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await this.participantRow(trx, 'device', deviceId, sessionId);
      if (r.device_socket_id !== socketId) throw new VigieError('FORBIDDEN', 'Cette session est liée à une autre connexion.');
      if (r.switch_requested_at === null || r.switch_answered_at !== null || !LIVE.includes(r.state as ScreenSessionState)) throw conflict(r);
      const granted = decision === 'granted';
      const shown = granted ? (index ?? r.switch_index) : r.switch_index;
      const row = await this.update(trx, r, {
        switch_answered_at: iso(this.now()),
        switch_decision: decision,
        switch_index: shown,
        display_switches: (r.display_switches ?? 0) + (granted ? 1 : 0),
      });
      await this.deps.audit(
        { actorType: 'device', actorId: deviceId, action: granted ? 'screen.display.granted' : 'screen.display.refused', subject: r.id, data: { requestId: r.request_id, asked: r.switch_index, index: shown, decision } },
        trx,
      );
      return { row };
    });
    this.publish(after);
    return toScreenSession(after.row);
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
      if (r.device_socket_id !== socketId) throw new VigieError('FORBIDDEN', 'Cette session est liée à une autre connexion.');
      const row = await this.controlAnswer(sessionId, 'device', deviceId, decision, decision === 'unavailable' ? (reason ?? null) : null);
      return { session: toScreenSession(row), ice: null };
    }
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await this.participantRow(trx, 'device', deviceId, sessionId);
      if (r.state !== 'consent-pending') throw conflict(r);
      if (this.expired(r)) return this.endIn(trx, r, 'system', null, 'timeout');
      if (decision !== 'granted') {
        const at = iso(this.now());
        // The refusal is audited before the end it causes (both after the row and chat writes: audit appends stay last).
        const refused = { actorType: 'device' as const, actorId: deviceId, action: 'screen.consent.refused', subject: r.id, data: { requestId: r.request_id, decision } };
        return this.endIn(trx, { ...r, refused_at: at }, 'device', deviceId, decision === 'timeout' ? 'timeout' : 'refused', undefined, refused);
      }
      if (!(await this.deps.assignedRequest(r.request_id, r.technician_id, trx))) return this.endIn(trx, r, 'system', null, 'request-closed');
      const row = await this.update(trx, r, { state: 'viewing', consent_at: iso(this.now()), consent_expires_at: null, device_socket_id: socketId });
      const message = await this.deps.chat.insert(trx, r.request_id, systemMessage('screen.started'));
      // The audit entry last (store/dialect.ts: the chain's lock is taken after every row lock).
      await this.deps.audit({ actorType: 'device', actorId: deviceId, action: 'screen.consent.granted', subject: r.id, data: { requestId: r.request_id, technicianId: r.technician_id } }, trx);
      return { row, message };
    });
    this.publish(after);
    const session = toScreenSession(after.row);
    if (session.state !== 'viewing') {
      if (decision === 'granted') throw conflict(after.row);
      return { session, ice: null };
    }
    return { session, ice: iceConfigFor(this.deps.settings, session.id, this.now()) };
  }

  /** Answer to a control consent (device) or its expiry (system), kept on the session so the console can say why control did not start. */
  private async controlAnswer(sessionId: string, by: 'device' | 'system', actorId: string | null, decision: ScreenConsentDecision, reason: ScreenControlUnavailableReason | null = null): Promise<Row> {
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await trx.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).forNoKeyUpdate().executeTakeFirst();
      if (!r) throw forbidden();
      if (r.state !== 'control-pending') throw conflict(r);
      const expired = this.expired(r);
      if (decision === 'granted' && !expired) {
        await this.mustStillBeAssigned(trx, r);
        const at = iso(this.now());
        const row = await this.update(trx, r, {
          state: 'controlling',
          kind: 'control',
          control_granted_at: at,
          control_revoked_at: null,
          consent_expires_at: null,
          control_decision: 'granted',
          control_answered_at: at,
          control_unavailable_reason: null,
        });
        await this.deps.audit({ actorType: by, actorId, action: 'screen.control.granted', subject: r.id, data: { requestId: r.request_id, technicianId: r.technician_id } }, trx);
        return { row };
      }
      const answered = expired ? 'timeout' : decision;
      const why = answered === 'unavailable' ? reason : null;
      const row = await this.update(trx, r, {
        state: 'viewing',
        consent_expires_at: null,
        control_decision: answered,
        control_answered_at: iso(this.now()),
        control_unavailable_reason: why,
      });
      await this.deps.audit(
        { actorType: by, actorId, action: 'screen.control.refused', subject: r.id, data: { requestId: r.request_id, decision: answered, ...(why ? { reason: why } : {}) } },
        trx,
      );
      return { row };
    });
    this.publish(after);
    if (decision === 'granted' && after.row.state !== 'controlling') throw conflict(after.row);
    return after.row;
  }

  private async revokeControl(side: Side, actorId: string, sessionId: string): Promise<ScreenSession> {
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await this.participantRow(trx, side, actorId, sessionId);
      if (r.state === 'viewing') return { row: r };
      if (r.state !== 'controlling' && r.state !== 'control-pending') throw conflict(r);
      // The practitioner withdrawing a control consent still shown is a refusal (the console says so).
      const refusedPending = side === 'device' && r.state === 'control-pending';
      const row = await this.update(trx, r, {
        state: 'viewing',
        control_revoked_at: r.state === 'controlling' ? iso(this.now()) : r.control_revoked_at,
        consent_expires_at: null,
        ...(refusedPending ? { control_decision: 'refused', control_answered_at: iso(this.now()), control_unavailable_reason: null } : {}),
      });
      await this.deps.audit({ actorType: side, actorId, action: 'screen.control.revoked', subject: r.id, data: { requestId: r.request_id, from: r.state } }, trx);
      return { row };
    });
    this.publish(after);
    return toScreenSession(after.row);
  }

  // ---------- both ----------
  /** Signaling: checked on every message (participant, bound socket, consent given, request still assigned). */
  private async relay(side: Side, actorId: string, socketId: string, sessionId: string, data: SignalData): Promise<void> {
    const r = await this.deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!r || (side === 'device' ? r.device_id : r.technician_id) !== actorId) throw forbidden();
    if (!LIVE.includes(r.state as ScreenSessionState)) throw conflict(r);
    const bound = side === 'device' ? r.device_socket_id : r.tech_socket_id;
    if (bound !== socketId) throw new VigieError('FORBIDDEN', 'Cette session est liée à une autre connexion.');
    if (!(await this.deps.assignedRequest(r.request_id, r.technician_id))) {
      await this.end(r.id, 'system', null, 'request-closed');
      throw forbidden();
    }
    const payload = { sessionId, data };
    if (side === 'device') this.deps.techNs.to(r.tech_socket_id).emit('screen:signal', payload);
    else if (r.device_socket_id) this.deps.devNs.to(r.device_socket_id).emit('screen:signal', payload);
  }

  /** ICE for a participant of a live session (TURN credentials are not handed out before consent). */
  private async ice(side: Side, actorId: string, socketId: string, sessionId: string): Promise<IceConfig> {
    const r = await this.deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!r || (side === 'device' ? r.device_id : r.technician_id) !== actorId) throw forbidden();
    if (!LIVE.includes(r.state as ScreenSessionState)) throw conflict(r);
    if ((side === 'device' ? r.device_socket_id : r.tech_socket_id) !== socketId) throw new VigieError('FORBIDDEN', 'Cette session est liée à une autre connexion.');
    return iceConfigFor(this.deps.settings, r.id, this.now());
  }

  private async endByParticipant(side: Side, actorId: string, sessionId: string, reason: ScreenEndReason, stats?: ScreenInputStats): Promise<ScreenSession> {
    const r = await this.deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!r || (side === 'device' ? r.device_id : r.technician_id) !== actorId) throw forbidden();
    return toScreenSession(await this.end(sessionId, side, actorId, reason, stats));
  }

  private async socketGone(side: Side, socketId: string, deviceId: string | null): Promise<void> {
    let q = this.deps.db.selectFrom('screen_sessions').select(['id', 'device_id', 'device_socket_id', 'state']).where('state', '!=', 'ended');
    q = side === 'technician' ? q.where('tech_socket_id', '=', socketId) : q.where('device_id', '=', deviceId ?? '');
    for (const r of await q.execute()) {
      const bound = r.device_socket_id === socketId;
      // A consent not answered yet ends when the device has no socket left at all.
      const orphan = side === 'device' && r.device_socket_id === null && !this.deps.isDeviceOnline(r.device_id);
      if (side === 'technician' || bound || orphan) await this.end(r.id, side, null, 'disconnect');
    }
  }

  /** Ends a session once (later calls answer the ended record); audit + chat + pushes. */
  private async end(sessionId: string, by: ScreenEndedBy, actorId: string | null, reason: ScreenEndReason, stats?: ScreenInputStats): Promise<Row> {
    const after = await this.deps.db.transaction().execute(async (trx): Promise<After> => {
      const r = await trx.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).forNoKeyUpdate().executeTakeFirst();
      if (!r) throw forbidden();
      if (r.state === 'ended') return { row: r };
      return this.endIn(trx, r, by, actorId, reason, stats);
    });
    this.publish(after);
    return after.row;
  }

  private async endIn(
    trx: ScreenTrx,
    r: Row,
    by: ScreenEndedBy,
    actorId: string | null,
    reason: ScreenEndReason,
    stats?: ScreenInputStats,
    /** What caused the end (a refusal), audited just before it. */
    cause?: Parameters<ScreenHubDeps['audit']>[0],
  ): Promise<After> {
    const row = await this.update(trx, r, {
      state: 'ended',
      ended_at: iso(this.now()),
      ended_by: by,
      end_reason: reason,
      refused_at: r.refused_at,
      consent_expires_at: null,
      input_injected: stats?.injected ?? r.input_injected,
      input_dropped: stats?.dropped ?? r.input_dropped,
    });
    const message = r.consent_at ? await this.deps.chat.insert(trx, r.request_id, systemMessage('screen.ended')) : null;
    if (cause) await this.deps.audit(cause, trx);
    await this.deps.audit(
      { actorType: by, actorId, action: 'screen.end', subject: r.id, data: { requestId: r.request_id, deviceId: r.device_id, technicianId: r.technician_id, from: r.state, reason, ...(stats ? { stats } : {}) } },
      trx,
    );
    return { row, message };
  }

  // ---------- helpers ----------
  /** The session's row, locked until the transaction ends: its transitions happen one at a time on every hub node. */
  private async participantRow(trx: ScreenTrx, side: Side, actorId: string, sessionId: string): Promise<Row> {
    const r = await trx.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).forNoKeyUpdate().executeTakeFirst();
    if (!r || (side === 'device' ? r.device_id : r.technician_id) !== actorId) throw forbidden();
    if (r.state === 'ended') throw conflict(r);
    return r;
  }

  private async mustStillBeAssigned(trx: ScreenTrx, r: Row): Promise<void> {
    if (await this.deps.assignedRequest(r.request_id, r.technician_id, trx)) return;
    throw new VigieError('FORBIDDEN', 'Cette demande n’est plus attribuée à ce technicien.');
  }

  private async update(trx: ScreenTrx, r: Row, set: Partial<Row>): Promise<Row> {
    const res = await trx.updateTable('screen_sessions').set(set).where('id', '=', r.id).where('state', '=', r.state).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new VigieError('CONFLICT', 'Le partage d’écran a changé entre-temps.');
    return { ...r, ...set };
  }

  /** A monitor switch shown on the device and not answered yet (the device refuses it by itself after 30 s). */
  private switchPending(r: Row): boolean {
    if (r.switch_requested_at === null || r.switch_answered_at !== null) return false;
    return this.now() <= Date.parse(r.switch_requested_at) + SCREEN_LIMITS.consentTimeoutMs + this.deps.settings.consentGraceMs;
  }

  private expired(r: Row): boolean {
    if (!r.consent_expires_at || !PENDING.includes(r.state as ScreenSessionState)) return false;
    return this.now() > Date.parse(r.consent_expires_at) + this.deps.settings.consentGraceMs;
  }

  private consentRequest(r: Row, kind: ScreenKind): ScreenConsentRequest {
    const s = toScreenSession(r);
    return { sessionId: r.id, requestId: r.request_id, kind, technician: s.technician, providerName: this.deps.settings.providerName, shortCode: r.short_code, expiresAt: r.consent_expires_at ?? iso(this.now()) };
  }

  private publish(after: After): void {
    const s = toScreenSession(after.row);
    this.deps.techNs.to(after.row.tech_socket_id).emit('screen:updated', s);
    this.deps.devNs.to(screenRooms.device(after.row.device_id)).emit('screen:updated', s);
    if (after.consent) this.deps.devNs.to(after.row.device_socket_id ?? screenRooms.device(after.row.device_id)).emit('screen:consent-request', after.consent);
    if (after.switchRequest && after.row.device_socket_id) this.deps.devNs.to(after.row.device_socket_id).emit('screen:switch-request', after.switchRequest);
    if (after.message) this.deps.chat.push(after.row.device_id, after.message);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const forbidden = () => new VigieError('FORBIDDEN', 'Ce partage d’écran ne vous concerne pas.');
const conflict = (r: Row) =>
  new VigieError('CONFLICT', r.state === 'ended' ? 'Ce partage d’écran est terminé.' : 'Cette action n’est plus possible à ce stade du partage.', { state: r.state });

export function createScreenHub(deps: ScreenHubDeps): ScreenHub {
  return new ScreenHub(deps);
}
