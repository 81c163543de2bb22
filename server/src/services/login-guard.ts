import { VigieError } from '@vigie/common';
import type { HubConfig } from '../config.js';
import {
  clientKey,
  MemoryAttemptCounter,
  type Attempt,
  type AttemptCounter,
  type AttemptKey,
  type AttemptOutcome,
  type AttemptRule,
} from '../limits.js';
import type { Db, Executor } from '../store/db.js';
import { newId, nowIso, randomToken, sha256 } from '../util.js';
import type { AuditLog } from './audit.js';

/** httpOnly cookie naming a browser a technician logged in from (path: the login route only). */
export const KNOWN_DEVICE_COOKIE = 'vigie_known';
/** Browsers remembered per technician; the least recently used beyond this are forgotten. */
const KNOWN_DEVICES_PER_TECHNICIAN = 10;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type LockoutTarget = { login: string } | { ip: string };

/** An admitted login attempt: end it exactly once (LoginGuard.end). */
export interface LoginAttempt {
  readonly attempt: Attempt;
  /** The browser's known-device record when its cookie is valid for this login. */
  readonly knownDevice: { id: string; token: string } | null;
}

const loginKey = (login: string) => `login:${login}`;
const ipKey = (ip: string) => `login-${clientKey(ip)}`;
const knownKey = (id: string) => `login-known:${id}`;

/**
 * Login lock-outs. Every attempt is counted before its password is checked (AttemptCounter.begin),
 * per login and per client IP, with a cap on attempts being checked at once.
 *
 * The rightful owner is never locked out by someone else's failures: a browser that logged in
 * before carries a `vigie_known` cookie, and its attempts on that login are counted on a counter
 * of their own instead of the login's and the IP's. Whoever hammers a login from elsewhere only
 * locks out the unknown browsers; an administrator can also clear a login or an IP from the CLI
 * (`lockout clear`), which the running hub applies at its next login attempt.
 */
export class LoginGuard {
  private readonly startedAt = nowIso();
  private clearsCursor = 0;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly cfg: HubConfig['login'],
    private readonly counter: AttemptCounter = new MemoryAttemptCounter(),
  ) {}

  private rule(free: number, maxInFlight: number): AttemptRule {
    return { free, maxInFlight, baseDelayMs: this.cfg.baseDelayMs, maxDelayMs: this.cfg.maxDelayMs, forgetAfterMs: this.cfg.forgetAfterMs };
  }

  /** Counts one attempt on `login` from `ip` before anything is checked; LOCKED_OUT when it may not run now. */
  async admit(login: string, ip: string, knownDeviceToken: string | undefined): Promise<LoginAttempt> {
    await this.applyClears();
    const knownDevice = await this.knownDevice(login, knownDeviceToken);
    const perLogin = this.rule(this.cfg.freeAttemptsPerLogin, this.cfg.maxInFlightPerLogin);
    const keys: AttemptKey[] = knownDevice
      ? [{ key: knownKey(knownDevice.id), rule: perLogin, resetOnSuccess: true }]
      : [
          { key: loginKey(login), rule: perLogin, resetOnSuccess: true },
          { key: ipKey(ip), rule: this.rule(this.cfg.freeAttemptsPerIp, this.cfg.maxInFlightPerIp), resetOnSuccess: false },
        ];
    const admission = await this.counter.begin(keys);
    if (!admission.ok) throw new VigieError('LOCKED_OUT', 'Trop d’essais. Réessayez plus tard.', { retryAfterMs: admission.retryAfterMs });
    return { attempt: admission.attempt, knownDevice };
  }

  /** `failure`: a credential was wrong (back-off grows); `success`: logged in; `void`: nothing was checked. */
  end(a: LoginAttempt, outcome: AttemptOutcome): Promise<void> {
    return this.counter.end(a.attempt, outcome);
  }

  /** After a successful login (inside its transaction): this browser is known from now on; returns the cookie value. */
  async remember(trx: Executor, a: LoginAttempt, technicianId: string): Promise<string> {
    const now = nowIso();
    if (a.knownDevice) {
      await trx.updateTable('auth_known_devices').set({ last_used_at: now }).where('id', '=', a.knownDevice.id).execute();
      return a.knownDevice.token;
    }
    const token = randomToken();
    await trx
      .insertInto('auth_known_devices')
      .values({ id: newId(), technician_id: technicianId, token_hash: sha256(token), created_at: now, last_used_at: now })
      .execute();
    const rows = await trx
      .selectFrom('auth_known_devices')
      .select('id')
      .where('technician_id', '=', technicianId)
      .orderBy('last_used_at', 'desc')
      .orderBy('id')
      .execute();
    const stale = rows.slice(KNOWN_DEVICES_PER_TECHNICIAN).map((r) => r.id);
    if (stale.length > 0) await trx.deleteFrom('auth_known_devices').where('id', 'in', stale).execute();
    return token;
  }

  /** Forgets every browser of a technician (TOTP reset: the account may be compromised). */
  async forgetDevices(trx: Executor, technicianId: string): Promise<void> {
    await trx.deleteFrom('auth_known_devices').where('technician_id', '=', technicianId).execute();
  }

  /**
   * Clears the lock-out of a login (and of the technician's known browsers) or of a client IP.
   * Written to the database, so a running hub (another process) applies it at its next login attempt.
   */
  async requestClear(target: LockoutTarget, actor: { type: 'cli' }): Promise<{ keys: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      let keys: string[];
      if ('login' in target) {
        const login = target.login.trim().toLowerCase();
        const known = await trx
          .selectFrom('auth_known_devices as k')
          .innerJoin('technicians as t', 't.id', 'k.technician_id')
          .select('k.id')
          .where('t.login', '=', login)
          .execute();
        keys = [loginKey(login), ...known.map((k) => knownKey(k.id))];
      } else keys = [ipKey(target.ip)];
      const at = nowIso();
      const ids: number[] = [];
      for (const key of keys)
        ids.push(
          Number(
            (
              await trx
                .insertInto('auth_lockout_clears')
                .values({ counter_key: key, created_at: at })
                .returning('id')
                .executeTakeFirstOrThrow()
            ).id,
          ),
        );
      await this.audit.append(
        {
          actorType: actor.type,
          action: 'auth.lockout_clear',
          subject: 'login' in target ? target.login.trim().toLowerCase() : target.ip,
          data: { ...target },
        },
        trx,
      );
      for (const [i, key] of keys.entries()) await this.counter.clear(key, ids[i]);
      return { keys };
    });
  }

  /** Applies the clears written since this process started (by the CLI) that it has not applied yet. */
  private async applyClears(): Promise<void> {
    const rows = await this.db
      .selectFrom('auth_lockout_clears')
      .select(['id', 'counter_key'])
      .where('id', '>', this.clearsCursor)
      // Counts in memory start empty with the process: older clears are moot. Shared counts outlive it.
      .$if(!this.counter.shared, (q) => q.where('created_at', '>=', this.startedAt))
      .orderBy('id')
      .execute();
    if (rows.length === 0) return;
    this.clearsCursor = Math.max(this.clearsCursor, ...rows.map((r) => Number(r.id)));
    for (const r of rows) await this.counter.clear(r.counter_key, Number(r.id));
  }

  /** The browser's known-device record when its cookie is valid for this login and recent enough. */
  private async knownDevice(login: string, token: string | undefined): Promise<{ id: string; token: string } | null> {
    if (!token || !TOKEN_SHAPE.test(token)) return null;
    const row = await this.db
      .selectFrom('auth_known_devices as k')
      .innerJoin('technicians as t', 't.id', 'k.technician_id')
      .select(['k.id', 'k.last_used_at'])
      .where('k.token_hash', '=', sha256(token))
      .where('t.login', '=', login)
      .executeTakeFirst();
    if (!row) return null;
    if (Date.parse(row.last_used_at) + this.cfg.knownDeviceDays * 86_400_000 < Date.now()) return null;
    return { id: row.id, token };
  }
}
