/**
 * One event on one session, with its I/O: the session's row locked in a transaction (its
 * transitions happen one at a time on every hub node), the request's assignment asked once locked,
 * lifecycle.ts's `transition` decided, its record and effects written (row, chat line, audit), and
 * the pushes sent to both sides after commit.
 */
import {
  systemMessage,
  VigieError,
  type ChatMessage,
  type Clock,
  type ScreenConsentRequest,
  type ScreenEndedBy,
  type ScreenEndReason,
  type ScreenInputStats,
  type ScreenSession,
  type ScreenSwitchRequest,
} from '@vigie/common';
import { screenRooms, type ScreenHubDeps, type ScreenTrx } from './deps.js';
import { iceConfigFor } from './ice.js';
import { changedColumns, transition, type ScreenEvent, type Transition } from './lifecycle.js';
import { consentRequest, forbidden, toScreenSession, type SessionRow } from './record.js';

/** Pushes to send once the transaction that decided them has committed. */
export type After = {
  row: SessionRow;
  message?: ChatMessage | null;
  consent?: ScreenConsentRequest | null;
  switchRequest?: ScreenSwitchRequest | null;
  ice?: boolean;
};

/** An event whose facts (is the request still assigned?) are asked inside the transaction, once the row is locked. */
export type Asked = (assigned: boolean) => ScreenEvent;

export class SessionSteps {
  readonly now: Clock['now'];

  constructor(private readonly deps: ScreenHubDeps) {
    this.now = deps.now ?? Date.now;
  }

  decide(r: SessionRow, e: ScreenEvent): Transition {
    return transition(r, e, { now: this.now(), settings: this.deps.settings });
  }

  /**
   * One event on one session: its row locked until the transaction ends, the assignment asked once
   * locked (`ask`, unless the event needs none), the transition's record and effects written, pushes after commit.
   */
  async step(sessionId: string, event: Asked, ask = true): Promise<ScreenSession> {
    return toScreenSession((await this.stepRow(sessionId, event, ask)).row);
  }

  async stepRow(sessionId: string, event: Asked, ask = true): Promise<After> {
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
  async apply(trx: ScreenTrx, r: SessionRow, t: Transition): Promise<After> {
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

  async end(
    sessionId: string,
    by: ScreenEndedBy,
    actorId: string | null,
    reason: ScreenEndReason,
    stats?: ScreenInputStats,
  ): Promise<SessionRow> {
    return (await this.stepRow(sessionId, () => ({ type: 'end', by, actorId, reason, ...(stats ? { stats } : {}) }), false)).row;
  }

  publish(after: After): void {
    const { devNs, techNs } = this.deps;
    const r = after.row;
    const s = toScreenSession(r);
    techNs.to(r.tech_socket_id).emit('screen:updated', s);
    devNs.to(screenRooms.device(r.device_id)).emit('screen:updated', s);
    if (after.consent) devNs.to(r.device_socket_id ?? screenRooms.device(r.device_id)).emit('screen:consent-request', after.consent);
    if (after.switchRequest && r.device_socket_id) devNs.to(r.device_socket_id).emit('screen:switch-request', after.switchRequest);
    if (after.message) this.deps.chat.push(r.device_id, after.message);
    if (after.ice) {
      // Fresh TURN credentials to both bound sockets (applied with RTCPeerConnection.setConfiguration).
      const refresh = { sessionId: r.id, ice: iceConfigFor(this.deps.settings, r.id, this.now()) };
      techNs.to(r.tech_socket_id).emit('screen:ice-refresh', refresh);
      if (r.device_socket_id) devNs.to(r.device_socket_id).emit('screen:ice-refresh', refresh);
    }
  }
}
