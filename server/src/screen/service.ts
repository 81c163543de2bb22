import {
  type IceConfig,
  type ScreenConsentDecision,
  type ScreenControlUnavailableReason,
  type ScreenEndReason,
  type ScreenInputStats,
  type ScreenKind,
  type ScreenSession,
  type ScreenSwitchDecision,
  type SCREEN_DEVICE_EVENTS,
  type SCREEN_TECH_EVENTS,
} from '@vigie/common';
import type { Handlers } from '../socket/dispatch.js';
import { screenRooms, type ScreenDeviceCtx, type ScreenHubDeps, type ScreenTechCtx } from './deps.js';
import { iceConfigFor } from './ice.js';
import { openSession } from './open.js';
import { participantIce, relaySignal } from './participants.js';
import { conflict, forbidden, isParticipant, otherConnection, toScreenSession, type SessionRow, type Side } from './record.js';
import { SessionSteps } from './steps.js';
import { serialRuns } from '../util.js';

export type { ScreenAuditEvent } from './lifecycle.js';
export { toScreenSession } from './record.js';
export { screenRooms, type ScreenDb, type ScreenDeviceCtx, type ScreenHubDeps, type ScreenTechCtx, type ScreenTrx } from './deps.js';

/**
 * Remote-screen sessions on the hub: who may ask, consent bookkeeping, signaling relay (only
 * between the two sockets bound to the session, re-checked on every message), ICE configuration
 * and its renewal for long sessions, audit of every step and the "Partage d'écran commencé /
 * terminé" chat lines. The decisions are lifecycle.ts's `transition`; steps.ts does a step's I/O
 * (the row locked, the transition written, pushes after commit); open.ts starts a session,
 * participants.ts relays signaling and hands out ICE. This class is the entry: the handlers, the
 * sockets going away, the sweep.
 */
export class ScreenHub {
  readonly deviceHandlers: Handlers<typeof SCREEN_DEVICE_EVENTS, ScreenDeviceCtx>;
  readonly techHandlers: Handlers<typeof SCREEN_TECH_EVENTS, ScreenTechCtx>;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly sweeps = serialRuns(() => this.sweepOnce());
  private readonly steps: SessionSteps;
  private attached = false;

  constructor(private readonly deps: ScreenHubDeps) {
    const steps = (this.steps = new SessionSteps(deps));
    const device = (actorId: string, socketId: string) => ({ side: 'device' as const, actorId, socketId });
    const tech = (actorId: string, socketId: string) => ({ side: 'technician' as const, actorId, socketId });
    this.deviceHandlers = {
      'screen:consent': ({ sessionId, phase, decision, reason }, { actor, socket }) =>
        this.consent(actor.id, socket.id, sessionId, phase, decision, reason),
      'screen:signal': async ({ sessionId, data }, { actor, socket }) => {
        await relaySignal(deps, steps, device(actor.id, socket.id), sessionId, data);
        return {};
      },
      'screen:revoke-control': ({ sessionId }, { actor }) =>
        steps.step(sessionId, () => ({ type: 'revoke', side: 'device', actorId: actor.id }), false),
      'screen:end': ({ sessionId, reason, stats }, { actor }) => this.endByParticipant('device', actor.id, sessionId, reason, stats),
      'screen:ice': ({ sessionId }, { actor, socket }) => participantIce(deps, steps, device(actor.id, socket.id), sessionId),
      'screen:switch-answer': ({ sessionId, decision, index }, { actor, socket }) =>
        this.switchAnswer(actor.id, socket.id, sessionId, decision, index),
    };
    this.techHandlers = {
      'screen:request': ({ requestId }, { actor, socket }) => openSession(deps, steps, actor, socket.id, requestId),
      'screen:control': ({ sessionId }, { actor, socket }) =>
        steps.step(sessionId, (assigned) => ({ type: 'control-ask', techId: actor.id, socketId: socket.id, assigned })),
      'screen:release-control': ({ sessionId }, { actor }) =>
        steps.step(sessionId, () => ({ type: 'revoke', side: 'technician', actorId: actor.id }), false),
      'screen:signal': async ({ sessionId, data }, { actor, socket }) => {
        await relaySignal(deps, steps, tech(actor.id, socket.id), sessionId, data);
        return {};
      },
      'screen:end': ({ sessionId }, { actor }) => this.endByParticipant('technician', actor.id, sessionId, 'technician-end'),
      'screen:ice': ({ sessionId }, { actor, socket }) => participantIce(deps, steps, tech(actor.id, socket.id), sessionId),
      'screen:get': async ({ requestId }, { actor }) => {
        if (!(await deps.assignedRequest(requestId, actor.id))) throw forbidden();
        const row = await deps.db
          .selectFrom('screen_sessions')
          .selectAll()
          .where('request_id', '=', requestId)
          .orderBy('requested_at', 'desc')
          .orderBy('id')
          .executeTakeFirst();
        return row ? toScreenSession(row) : null;
      },
      'screen:switch-display': ({ sessionId, index }, { actor, socket }) =>
        steps.step(sessionId, (assigned) => ({ type: 'switch-ask', techId: actor.id, socketId: socket.id, index, assigned })),
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
    await this.sweeps.settled();
  }

  /** Ends the live session of a request (call after help:release / help:resolve / help:cancel). */
  async endForRequest(requestId: string, reason: ScreenEndReason = 'request-closed'): Promise<void> {
    const rows = await this.deps.db
      .selectFrom('screen_sessions')
      .select('id')
      .where('request_id', '=', requestId)
      .where('state', '!=', 'ended')
      .execute();
    for (const r of rows) await this.steps.end(r.id, 'system', null, reason);
  }

  /**
   * Sessions whose request is no longer assigned end, expired consents are answered, fresh TURN
   * credentials go to both sides of a long session (also runs on a timer). Each row is looked at
   * without a lock first; only a row the tick changes is locked and decided again. Resolves after a
   * sweep begun after the call (serialRuns: one going on may have read the rows already).
   */
  sweep(): Promise<void> {
    return this.sweeps.run();
  }

  private async sweepOnce(): Promise<void> {
    try {
      const rows = await this.deps.db.selectFrom('screen_sessions').selectAll().where('state', '!=', 'ended').execute();
      for (const r of rows) {
        const assigned = !!(await this.deps.assignedRequest(r.request_id, r.technician_id));
        if (!this.steps.decide(r, { type: 'tick', assigned }).effects.length) continue;
        await this.steps.step(r.id, (a) => ({ type: 'tick', assigned: a }));
      }
    } catch (e) {
      this.deps.log.error({ err: e }, 'screen sweep failed');
    }
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
    return this.steps.step(
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
    const after = await this.steps.stepRow(sessionId, (assigned) => ({ type: 'consent', deviceId, socketId, decision, assigned }));
    const session = toScreenSession(after.row);
    if (session.state !== 'viewing') {
      if (decision === 'granted') throw conflict(after.row);
      return { session, ice: null };
    }
    return { session, ice: iceConfigFor(this.deps.settings, session.id, this.steps.now()) };
  }

  /** Answer to a control consent (device) or its expiry (system), kept on the session so the console can say why control did not start. */
  private async controlAnswer(
    sessionId: string,
    by: 'device' | 'system',
    actorId: string | null,
    decision: ScreenConsentDecision,
    reason: ScreenControlUnavailableReason | null = null,
  ): Promise<SessionRow> {
    const { row } = await this.steps.stepRow(
      sessionId,
      (assigned) => ({ type: 'control-answer', by, actorId, decision, reason, assigned }),
      decision === 'granted',
    );
    if (decision === 'granted' && row.state !== 'controlling') throw conflict(row);
    return row;
  }

  // ---------- both ----------
  private async endByParticipant(
    side: Side,
    actorId: string,
    sessionId: string,
    reason: ScreenEndReason,
    stats?: ScreenInputStats,
  ): Promise<ScreenSession> {
    const r = await this.deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!r || !isParticipant(r, side, actorId)) throw forbidden();
    return toScreenSession(await this.steps.end(sessionId, side, actorId, reason, stats));
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
      if (side === 'technician' || bound || orphan) await this.steps.end(r.id, side, null, 'disconnect');
    }
  }
}

export function createScreenHub(deps: ScreenHubDeps): ScreenHub {
  return new ScreenHub(deps);
}
