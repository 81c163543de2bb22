import type { HubKey } from '../hub-key.js';
import type { Db } from '../store/db.js';

/** TOTP secrets at rest: sealed with the hub key, bound to the technician's id (a sealed value moved to another row does not open). */
const context = (technicianId: string) => `totp:${technicianId}`;

export const sealTotp = (key: HubKey, technicianId: string, secret: string): string => key.seal(secret, context(technicianId));

/**
 * The technician's TOTP secret (base32) from their row, or null when it does not open (sealed with
 * another hub key, edited, missing). Never throws: a login with the right password must get the
 * same answer, and be counted the same, as one with a wrong password (no oracle, no free attempt).
 */
export function openTotp(key: HubKey, row: { id: string; totp_sealed: string | null }): string | null {
  if (!row.totp_sealed) return null;
  try {
    return key.open(row.totp_sealed, context(row.id));
  } catch {
    return null;
  }
}

/**
 * Seals TOTP secrets still stored in plaintext (rows written before the hub had a key) and blanks
 * the plaintext column, one transaction per row. Runs at every start (hub and CLI); returns how many.
 */
export async function sealTotpSecrets(db: Db, key: HubKey): Promise<number> {
  const rows = await db.selectFrom('technicians').select(['id', 'totp_secret']).where('totp_secret', '!=', '').execute();
  for (const r of rows) {
    await db
      .updateTable('technicians')
      .set({ totp_sealed: sealTotp(key, r.id, r.totp_secret), totp_secret: '' })
      .where('id', '=', r.id)
      .where('totp_secret', '=', r.totp_secret)
      .execute();
  }
  return rows.length;
}
