import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';
import { LIMITS, VigieError, type TechnicianPublic, type TechnicianRole, type TechnicianSelf } from '@vigie/common';
import type { HubConfig } from '../config.js';
import type { Db } from '../store/db.js';
import { isUniqueViolation } from '../store/dialect.js';
import { initials, newId, nowIso, randomToken, sha256 } from '../util.js';
import type { HubKey } from '../hub-key.js';
import type { AuditLog } from './audit.js';
import type { AttemptCounter } from '../limits.js';
import { LoginGuard, type LoginAttempt } from './login-guard.js';
import { openTotp, sealTotp } from './totp-vault.js';

const ISSUER = 'Vigie';
const TOTP_PERIOD = 30;

export function makeTotp(secret: string, label = 'technicien'): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: Secret.fromBase32(secret) });
}

export interface TechnicianRecord extends TechnicianSelf {
  createdAt: string;
  disabled: boolean;
}

export interface SessionInfo {
  sessionId: string;
  technician: TechnicianSelf;
  expiresAt: string;
}

/** Technicians (created from the CLI only), password + TOTP login, sessions. */
export class AuthService {
  /** Login lock-outs: counters, known browsers, clears from the CLI. */
  readonly guard: LoginGuard;
  /** Verifying against this when the login is unknown keeps the answer time the same. */
  private dummyHash: Promise<string> | null = null;
  private lastTouch = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly cfg: HubConfig,
    /** Seals TOTP secrets at rest (services/totp-vault.ts). */
    private readonly key: HubKey,
    /** Login attempt counters; in memory unless a shared store is given (multi-node hub). */
    counter?: AttemptCounter,
  ) {
    this.guard = new LoginGuard(db, audit, cfg.login, counter);
  }

  async addTechnician(input: {
    login: string;
    displayName: string;
    password: string;
    role?: TechnicianRole;
  }): Promise<{ id: string; login: string; totpSecret: string; otpauthUri: string }> {
    const login = input.login.trim().toLowerCase();
    if (!/^[a-z0-9._-]{2,64}$/.test(login) || login.length > LIMITS.login)
      throw new VigieError('BAD_REQUEST', 'Identifiant invalide (lettres, chiffres, . _ -).');
    const displayName = input.displayName.trim();
    if (!displayName || displayName.length > LIMITS.displayName) throw new VigieError('BAD_REQUEST', 'Nom affiché invalide.');
    if (input.password.length < 12 || input.password.length > LIMITS.password)
      throw new VigieError('BAD_REQUEST', 'Le mot de passe doit faire au moins 12 caractères.');
    const role = input.role ?? 'technician';
    const exists = await this.db.selectFrom('technicians').select('id').where('login', '=', login).executeTakeFirst();
    if (exists) throw new VigieError('CONFLICT', 'Cet identifiant existe déjà.');
    const id = newId();
    const secret = new Secret({ size: 20 }).base32;
    const passwordHash = await argonHash(input.password);
    await this.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('technicians')
          .values({
            id,
            login,
            display_name: displayName,
            role,
            password_hash: passwordHash,
            totp_secret: '',
            totp_sealed: sealTotp(this.key, id, secret),
            totp_last_step: 0,
            created_at: nowIso(),
            disabled_at: null,
          })
          .execute();
        await this.audit.append({ actorType: 'cli', action: 'technician.create', subject: id, data: { login, role } }, trx);
      })
      .catch((e: unknown) => {
        // The same login added at the same time (another CLI or node) after the check above.
        if (isUniqueViolation(e)) throw new VigieError('CONFLICT', 'Cet identifiant existe déjà.');
        throw e;
      });
    return { id, login, totpSecret: secret, otpauthUri: makeTotp(secret, login).toString() };
  }

  async resetTotp(login: string): Promise<{ totpSecret: string; otpauthUri: string }> {
    const norm = login.trim().toLowerCase();
    const secret = new Secret({ size: 20 }).base32;
    await this.db.transaction().execute(async (trx) => {
      const t = await trx.selectFrom('technicians').select('id').where('login', '=', norm).executeTakeFirst();
      if (!t) throw new VigieError('NOT_FOUND', 'Technicien inconnu.');
      await trx
        .updateTable('technicians')
        .set({ totp_secret: '', totp_sealed: sealTotp(this.key, t.id, secret), totp_last_step: 0 })
        .where('id', '=', t.id)
        .execute();
      await trx.deleteFrom('sessions').where('technician_id', '=', t.id).execute();
      await this.guard.forgetDevices(trx, t.id);
      await this.audit.append({ actorType: 'cli', action: 'technician.reset_totp', subject: t.id, data: { login: norm } }, trx);
    });
    return { totpSecret: secret, otpauthUri: makeTotp(secret, norm).toString() };
  }

  async listTechnicians(): Promise<TechnicianRecord[]> {
    const rows = await this.db.selectFrom('technicians').selectAll().orderBy('login').execute();
    return rows.map((r) => ({ ...toSelf(r), createdAt: r.created_at, disabled: r.disabled_at !== null }));
  }

  async publicTechnician(id: string): Promise<TechnicianPublic | null> {
    const r = await this.db.selectFrom('technicians').select(['id', 'display_name']).where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, displayName: r.display_name, initials: initials(r.display_name) } : null;
  }

  /**
   * Password + TOTP. Without a TOTP the answer is TOTP_REQUIRED whatever the password (no
   * password oracle); any wrong part gives INVALID_CREDENTIALS, the same for unknown logins.
   * The attempt is counted before anything is checked (LoginGuard): LOCKED_OUT while in back-off
   * or while too many attempts of this login or IP are being checked. `knownDevice` is the
   * browser's `vigie_known` cookie; the answer carries the value to set it to.
   */
  async login(
    input: { login: string; password: string; totp?: string | undefined },
    ip: string,
    knownDevice?: string,
  ): Promise<{ token: string; session: SessionInfo; knownDevice: string }> {
    const login = input.login.trim().toLowerCase();
    const attempt = await this.guard.admit(login, ip, knownDevice);
    let outcome: 'success' | 'failure' | 'void' = 'void';
    try {
      const r = await this.checkLogin(input, login, ip, attempt);
      outcome = r.ok ? 'success' : 'failure';
      if (!r.ok) throw new VigieError('INVALID_CREDENTIALS', 'Identifiant, mot de passe ou code incorrect.');
      return r.result;
    } finally {
      await this.guard.end(attempt, outcome);
    }
  }

  private async checkLogin(
    input: { password: string; totp?: string | undefined },
    login: string,
    ip: string,
    attempt: LoginAttempt,
  ): Promise<{ ok: true; result: { token: string; session: SessionInfo; knownDevice: string } } | { ok: false }> {
    if (!input.totp) throw new VigieError('TOTP_REQUIRED', 'Code à 6 chiffres requis.');
    const row = await this.db.selectFrom('technicians').selectAll().where('login', '=', login).executeTakeFirst();
    const passwordOk = row
      ? await argonVerify(row.password_hash, input.password)
      : (await argonVerify(await this.getDummyHash(), input.password), false);
    let reason: string | null = null;
    let step = 0;
    if (!row) reason = 'unknown login';
    else if (row.disabled_at) reason = 'disabled';
    else if (!passwordOk) reason = 'wrong password';
    else {
      const now = Date.now();
      const secret = openTotp(this.key, row);
      // A secret that does not open (another hub key, an edited row) fails like a wrong code: counted, audited.
      const delta = secret === null ? null : makeTotp(secret).validate({ token: input.totp, timestamp: now, window: 1 });
      if (secret === null) reason = 'totp secret unreadable';
      else if (delta === null) reason = 'wrong totp';
      else {
        step = Math.floor(now / 1000 / TOTP_PERIOD) + delta;
        if (step <= Number(row.totp_last_step)) reason = 'replayed totp';
      }
    }
    const knownDevice = attempt.knownDevice !== null;
    if (reason || !row) {
      await this.audit.append({
        actorType: 'technician',
        actorId: row?.id ?? null,
        action: 'auth.login_failed',
        subject: login,
        data: { reason, ip, knownDevice },
      });
      return { ok: false };
    }
    const token = randomToken();
    const now = new Date();
    const sessionId = newId();
    const expiresAt = new Date(now.getTime() + this.cfg.session.absoluteHours * 3_600_000).toISOString();
    const accepted = await this.db.transaction().execute(async (trx) => {
      // Conditional update: two logins racing with the same code, only one wins.
      const upd = await trx
        .updateTable('technicians')
        .set({ totp_last_step: step })
        .where('id', '=', row.id)
        .where('totp_last_step', '<', step)
        .executeTakeFirst();
      if (Number(upd.numUpdatedRows) === 0) return null;
      await trx
        .insertInto('sessions')
        .values({
          id: sessionId,
          technician_id: row.id,
          token_hash: sha256(token),
          created_at: now.toISOString(),
          last_used_at: now.toISOString(),
          expires_at: expiresAt,
          ip,
        })
        .execute();
      const known = await this.guard.remember(trx, attempt, row.id);
      await this.audit.append(
        { actorType: 'technician', actorId: row.id, action: 'auth.login', subject: login, data: { ip, sessionId, knownDevice } },
        trx,
      );
      return known;
    });
    if (accepted === null) {
      await this.audit.append({
        actorType: 'technician',
        actorId: row.id,
        action: 'auth.login_failed',
        subject: login,
        data: { reason: 'replayed totp', ip, knownDevice },
      });
      return { ok: false };
    }
    return { ok: true, result: { token, session: { sessionId, technician: toSelf(row), expiresAt }, knownDevice: accepted } };
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= argonHash(randomToken());
    return this.dummyHash;
  }

  /** Resolves a session token; UNAUTHORIZED when unknown or expired (idle or absolute). */
  async authenticate(token: string | undefined): Promise<SessionInfo> {
    if (!token || token.length < 32 || token.length > 128) throw new VigieError('UNAUTHORIZED', 'Session absente.');
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('technicians as t', 't.id', 's.technician_id')
      .select(['s.id as sid', 's.last_used_at', 's.expires_at', 't.id', 't.login', 't.display_name', 't.role', 't.disabled_at'])
      .where('s.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.disabled_at) throw new VigieError('UNAUTHORIZED', 'Session inconnue ou terminée.');
    if (!this.isAlive(row)) {
      await this.db.deleteFrom('sessions').where('id', '=', row.sid).execute();
      throw new VigieError('UNAUTHORIZED', 'Session expirée.');
    }
    return { sessionId: row.sid, technician: toSelf(row), expiresAt: row.expires_at };
  }

  private isAlive(row: { last_used_at: string; expires_at: string }, now = Date.now()): boolean {
    return Date.parse(row.expires_at) > now && Date.parse(row.last_used_at) + this.cfg.session.idleMinutes * 60_000 > now;
  }

  /** Marks the session used (idle timer); written at most once a minute per session. */
  async touch(sessionId: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastTouch.get(sessionId) ?? 0) < 60_000) return;
    this.lastTouch.set(sessionId, now);
    await this.db
      .updateTable('sessions')
      .set({ last_used_at: new Date(now).toISOString() })
      .where('id', '=', sessionId)
      .execute();
  }

  /** Is this session still valid now? (used by the periodic sweep of connected sockets) */
  async isSessionAlive(sessionId: string): Promise<boolean> {
    const row = await this.db.selectFrom('sessions').select(['last_used_at', 'expires_at']).where('id', '=', sessionId).executeTakeFirst();
    return !!row && this.isAlive(row);
  }

  async logout(sessionId: string, technicianId: string): Promise<void> {
    this.lastTouch.delete(sessionId);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sessions').where('id', '=', sessionId).execute();
      await this.audit.append(
        { actorType: 'technician', actorId: technicianId, action: 'auth.logout', subject: technicianId, data: { sessionId } },
        trx,
      );
    });
  }

  /** Deletes expired sessions; returns how many. */
  async purgeExpired(): Promise<number> {
    const now = Date.now();
    const idleCut = new Date(now - this.cfg.session.idleMinutes * 60_000).toISOString();
    const res = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', new Date(now).toISOString()), eb('last_used_at', '<=', idleCut)]))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

function toSelf(r: { id: string; login: string; display_name: string; role: string }): TechnicianSelf {
  return { id: r.id, login: r.login, displayName: r.display_name, initials: initials(r.display_name), role: r.role as TechnicianRole };
}
