import { z } from 'zod';
import { Id, IsoDate } from '../domain.js';

/**
 * A technician's access to this computer's backups outside any help request, as the practitioner
 * sees it: the consent to answer (who, the code the technician also sees, the deadline), then the
 * live access (until when) with « Arrêter ». Null when nothing is asked nor granted.
 */
export const BackupAccessView = z.object({
  accessId: Id,
  state: z.enum(['pending', 'granted']),
  technicianName: z.string(),
  providerName: z.string(),
  shortCode: z.string(),
  /** pending: the automatic refusal (local clock). */
  consentExpiresAt: IsoDate.nullable(),
  /** granted: the end of the access (local clock). */
  grantedUntil: IsoDate.nullable(),
  grantMinutes: z.number().int().positive(),
});
export type BackupAccessView = z.infer<typeof BackupAccessView>;

/**
 * The practitioner's side of a technician's access to the backups outside a request (renderer →
 * main): read it, answer the consent, stop it. The backup capability serves these.
 */
export const BACKUP_ACCESS_METHODS = {
  /** Asked or live, or null. */
  'backupAccess:get': { request: z.strictObject({}), response: BackupAccessView.nullable() },
  /** « Autoriser » / « Refuser » on the consent. */
  'backupAccess:answer': {
    request: z.strictObject({ accessId: Id, decision: z.enum(['granted', 'refused']) }),
    response: BackupAccessView.nullable(),
  },
  /** « Arrêter l'accès » (also refuses a consent still shown). */
  'backupAccess:stop': { request: z.strictObject({ accessId: Id }), response: BackupAccessView.nullable() },
} as const;

export const BACKUP_ACCESS_PUSH = {
  /** The access changed (asked, granted; null once ended). */
  'backupAccess:state': BackupAccessView.nullable(),
} as const;
