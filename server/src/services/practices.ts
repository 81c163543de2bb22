/**
 * Practices and their enrollment codes: creating one, replacing its code (by id, or by its exact
 * name when unique; the old code stops working at once), listing them with their device counts.
 * A code is 8 characters no other practice uses, valid for a lifetime in hours (at most a year).
 */
import { VigieError } from '@vigie/common';
import type { Db } from '../store/db.js';
import { formatCode, newId, nowIso, randomCode } from '../util.js';
import type { AuditLog } from './audit.js';

export interface PracticeRecord {
  id: string;
  name: string;
  /** Display form, e.g. `ACDE-FG34`; accepted case/space/dash-insensitively. */
  enrollmentCode: string;
  /** The code enrolls nothing after this (ISO); `practice rotate-code` issues a new one. */
  enrollmentCodeExpiresAt: string;
}

export type PracticeActor = { type: 'cli' | 'system'; id?: string };

export interface PracticeContext {
  db: Db;
  audit: AuditLog;
  /** Lifetime of a code when none is given (enroll.codeTtlHours). */
  codeTtlHours: number;
}

/** When a code issued at `nowMs` stops enrolling: `ttlHours` (default the configured one) later, at most a year. */
export function codeExpiry(nowMs: number, ttlHours: number | undefined, defaultTtlHours: number): string {
  const hours = ttlHours ?? defaultTtlHours;
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 366)
    throw new VigieError('BAD_REQUEST', 'Durée de validité du code invalide (en heures, au plus un an).');
  return new Date(nowMs + hours * 3_600_000).toISOString();
}

/** A fresh code no practice uses (retried on the rare collision). */
async function freshCode(db: Db): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const code = randomCode(8);
    const taken = await db.selectFrom('practices').select('id').where('enrollment_code', '=', code).executeTakeFirst();
    if (!taken || attempt >= 10) return code;
  }
}

export async function createPractice(
  c: PracticeContext,
  name: string,
  actor: PracticeActor,
  opts: { ttlHours?: number },
): Promise<PracticeRecord> {
  const clean = name.trim();
  if (!clean || clean.length > 200) throw new VigieError('BAD_REQUEST', 'Nom de cabinet invalide.');
  const id = newId();
  const expiresAt = codeExpiry(Date.now(), opts.ttlHours, c.codeTtlHours);
  const code = await freshCode(c.db);
  await c.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('practices')
      .values({ id, name: clean, enrollment_code: code, created_at: nowIso(), enrollment_code_expires_at: expiresAt })
      .execute();
    await c.audit.append(
      {
        actorType: actor.type,
        actorId: actor.id ?? null,
        action: 'practice.create',
        subject: id,
        data: { name: clean, codeExpiresAt: expiresAt },
      },
      trx,
    );
  });
  return { id, name: clean, enrollmentCode: formatCode(code), enrollmentCodeExpiresAt: expiresAt };
}

/** Replaces a practice's enrollment code (practice given by id, or by its exact name when unique): the old one stops working at once. */
export async function rotateEnrollmentCode(
  c: PracticeContext,
  practice: string,
  actor: PracticeActor,
  opts: { ttlHours?: number },
): Promise<PracticeRecord> {
  const expiresAt = codeExpiry(Date.now(), opts.ttlHours, c.codeTtlHours);
  const code = await freshCode(c.db);
  return c.db.transaction().execute(async (trx) => {
    const byId = await trx.selectFrom('practices').select(['id', 'name']).where('id', '=', practice).executeTakeFirst();
    const byName = byId
      ? []
      : await trx.selectFrom('practices').select(['id', 'name']).where('name', '=', practice.trim()).limit(2).execute();
    if (byName.length > 1) throw new VigieError('CONFLICT', 'Plusieurs cabinets portent ce nom : donnez son identifiant.');
    const p = byId ?? byName[0];
    if (!p) throw new VigieError('NOT_FOUND', 'Cabinet inconnu.');
    await trx
      .updateTable('practices')
      .set({ enrollment_code: code, enrollment_code_expires_at: expiresAt })
      .where('id', '=', p.id)
      .execute();
    await c.audit.append(
      {
        actorType: actor.type,
        actorId: actor.id ?? null,
        action: 'practice.rotate_code',
        subject: p.id,
        data: { codeExpiresAt: expiresAt },
      },
      trx,
    );
    return { id: p.id, name: p.name, enrollmentCode: formatCode(code), enrollmentCodeExpiresAt: expiresAt };
  });
}

export async function listPractices(db: Db): Promise<Array<PracticeRecord & { devices: number }>> {
  const rows = await db
    .selectFrom('practices as p')
    .leftJoin('devices as d', (j) => j.onRef('d.practice_id', '=', 'p.id').on('d.revoked_at', 'is', null))
    .select(({ fn }) => ['p.id', 'p.name', 'p.enrollment_code', 'p.enrollment_code_expires_at', fn.count<number>('d.id').as('devices')])
    .groupBy(['p.id', 'p.name', 'p.enrollment_code', 'p.enrollment_code_expires_at'])
    .orderBy('p.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    enrollmentCode: formatCode(r.enrollment_code),
    enrollmentCodeExpiresAt: r.enrollment_code_expires_at ?? new Date(0).toISOString(),
    devices: Number(r.devices),
  }));
}
