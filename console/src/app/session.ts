import {
  backoffDelay,
  isRetryable,
  type HelpRequest,
  type QueueSnapshot,
  type Result,
  type TechnicianSelf,
  type TimerHandle,
} from '@vigie/common';
import { parseStoredOutbox } from '../lib/chat';
import type { ConnectionStatus } from '../lib/socket';
import { initialQueueState } from '../stores/queue';
import type { SessionNotice } from '../stores/session';
import { initialWorkspaceState } from '../stores/workspace';
import type { ConsoleCore } from './core';

/** What the session hands to the other parts of the console. */
export interface SessionHooks {
  /** The outbox this technician left in this browser (raw, parsed here). */
  storedOutbox(technicianId: string): string | null;
  /** tech:hello answered: the queue (silent the first time after sign-in) and my requests. */
  snapshot(queue: QueueSnapshot, silent: boolean, mine: HelpRequest[]): void;
  /** After hello: chat resync and outbox flush (together), then the open request's details. */
  catchUp(): Promise<void>;
  /** Disconnected: in-flight sends go back to the queue. */
  disconnected(): void;
  /** The session ends, the socket still open: the chat's parts stop (a last "stopped typing" still leaves). */
  leaving(): void;
  /** The session ended: every other part forgets what it held. */
  ended(): void;
}

/**
 * The technician's session and the socket: sign-in (resumed from the cookie), sign-out, the
 * session's end (expired, closed elsewhere), and every (re)connection's tech:hello.
 */
export class ConsoleSession {
  private firstSnapshot = true;
  private helloTimer: TimerHandle | null = null;
  private lastAuthCheck = 0;

  constructor(
    private readonly core: ConsoleCore,
    private readonly hooks: SessionHooks,
  ) {}

  stop(): void {
    if (this.helloTimer !== null) this.core.clock.clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }

  async resume(): Promise<void> {
    const r = await this.core.deps.api.me();
    if (r.ok) this.authenticated(r.data);
    else this.core.session.setState({ status: 'anonymous', technician: null });
  }

  async login(login: string, password: string, totp: string | undefined): Promise<Result<TechnicianSelf>> {
    const r = await this.core.deps.api.login(totp ? { login, password, totp } : { login, password });
    if (r.ok) this.authenticated(r.data);
    return r;
  }

  async logout(): Promise<void> {
    // Close the socket first: the hub's session:ended push must not be mistaken for an expiry.
    this.core.deps.client.disconnect();
    await this.core.deps.api.logout();
    this.end('loggedOut');
  }

  private authenticated(technician: TechnicianSelf): void {
    const { core } = this;
    const stored = parseStoredOutbox(this.hooks.storedOutbox(technician.id));
    core.workspace.setState({ ...initialWorkspaceState(), outbox: stored });
    core.queue.setState(initialQueueState());
    this.firstSnapshot = true;
    core.session.setState({ status: 'authenticated', technician, notice: null });
    core.deps.client.connect();
  }

  end(notice: SessionNotice): void {
    const { core } = this;
    if (core.session.getState().status !== 'authenticated') return;
    this.hooks.leaving();
    core.deps.client.disconnect();
    core.queue.setState(initialQueueState());
    // The outbox stays in storage for the next sign-in; the in-memory copy goes.
    core.workspace.setState(initialWorkspaceState());
    core.connection.setState({ status: 'idle', everConnected: false });
    this.hooks.ended();
    core.session.setState({ status: 'anonymous', technician: null, notice });
    core.deps.navigate({ name: 'queue' });
  }

  status(status: ConnectionStatus, info: { reconnected: boolean; error?: string }): void {
    this.core.connection.setState((s) => ({ status, everConnected: s.everConnected || status === 'connected' }));
    if (status === 'connected') {
      void this.hello();
      return;
    }
    if (status === 'disconnected') {
      // Typing signals and in-flight sends are moot; queued messages wait for the reconnect.
      this.hooks.disconnected();
      if (info.error === 'server') void this.checkStillValid(true);
      else if (info.error) void this.checkStillValid(false);
    }
  }

  /**
   * A refused or closed connection may mean the session expired: ask the hub over HTTP (at most
   * every 5 s while retrying). When the hub itself closed the socket, socket.io does not retry:
   * reconnect here if the session is still good.
   */
  private async checkStillValid(closedByHub: boolean): Promise<void> {
    const now = this.core.clock.now();
    if (!closedByHub && now - this.lastAuthCheck < 5000) return;
    this.lastAuthCheck = now;
    const r = await this.core.deps.api.me();
    if (!r.ok && r.error.code === 'UNAUTHORIZED') this.end('sessionEnded');
    else if (closedByHub && this.core.session.getState().status === 'authenticated') this.core.deps.client.connect();
  }

  /** Called on every (re)connection: snapshot of the queue and my requests, chat resync, outbox flush. */
  private async hello(attempt = 0): Promise<void> {
    const { core } = this;
    this.stop();
    // This console applies the queue's changes (queue:changed) rather than whole snapshots at each push.
    let r = await core.deps.client.request('tech:hello', { queueChanges: true });
    // A hub from before queue changes refuses the field (a node not yet updated, during a rolling
    // update): asked again without it, that node sends whole snapshots.
    if (!r.ok && r.error.code === 'BAD_REQUEST') r = await core.deps.client.request('tech:hello', {});
    if (!r.ok) {
      core.deps.log.warn('tech:hello failed', r.error);
      if (r.error.code === 'UNAUTHORIZED') this.end('sessionEnded');
      // A hub busy with a reconnect storm may not answer in time: ask again (the next connection does too).
      else if (isRetryable(r.error.code) && r.error.code !== 'OFFLINE') {
        const after = Number(r.error.details?.retryAfterMs ?? 0);
        this.helloTimer = core.clock.setTimeout(
          () => {
            this.helloTimer = null;
            if (core.connection.getState().status === 'connected') void this.hello(attempt + 1);
          },
          Math.max(after, backoffDelay(attempt, { baseMs: 1000, maxMs: 10_000 })),
        );
      }
      return;
    }
    core.session.setState({ technician: r.data.technician });
    this.hooks.snapshot(r.data.queue, this.firstSnapshot, r.data.mine);
    this.firstSnapshot = false;
    await this.hooks.catchUp();
  }
}
