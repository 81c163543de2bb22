import { z } from 'zod';
import { IsoDate } from '../domain.js';
import type { ErrorCode } from '../result.js';

/**
 * Backups, what went wrong: the reasons a backup operation fails, the project-wide error code of
 * each, the situations with a sentence of their own, and BackupError as statuses and jobs carry it.
 */

/**
 * Why a backup operation failed, more precise than the generic ErrorCode. Carried as
 * `error.details.reason` in the Result envelope (with `details.nextStep`), and as `reason` in
 * BackupError inside statuses and restore jobs. UIs translate through BACKUP_STRINGS.reasons.
 */
export const BACKUP_REASONS = [
  'not-configured',
  'restic-missing',
  'wrong-password',
  'repo-missing',
  'repo-unreachable',
  'locked',
  'unreadable-files',
  'interrupted',
  'disk-full',
  'read-only',
  'in-use',
  'busy',
  'cancelled',
  'not-found',
  'restored-nothing',
  'verify-failed',
  'move-failed',
  'check-failed',
  'timeout',
  'not-allowed',
  'link-in-path',
  'not-a-folder',
  'path-too-long',
  'unknown',
] as const;
export const BackupReason = z.enum(BACKUP_REASONS);
export type BackupReason = z.infer<typeof BackupReason>;

/** How each reason maps onto the project-wide error codes. */
export const BACKUP_REASON_CODES: Record<BackupReason, ErrorCode> = {
  'not-configured': 'UNAVAILABLE',
  'restic-missing': 'UNAVAILABLE',
  'wrong-password': 'INVALID_CREDENTIALS',
  'repo-missing': 'NOT_FOUND',
  'repo-unreachable': 'OFFLINE',
  locked: 'CONFLICT',
  'unreadable-files': 'INTERNAL',
  interrupted: 'CONFLICT',
  'disk-full': 'UNAVAILABLE',
  'read-only': 'FORBIDDEN',
  'in-use': 'CONFLICT',
  busy: 'CONFLICT',
  cancelled: 'CONFLICT',
  'not-found': 'NOT_FOUND',
  'restored-nothing': 'NOT_FOUND',
  'verify-failed': 'INTERNAL',
  'move-failed': 'INTERNAL',
  'check-failed': 'INTERNAL',
  timeout: 'TIMEOUT',
  'not-allowed': 'FORBIDDEN',
  'link-in-path': 'FORBIDDEN',
  'not-a-folder': 'CONFLICT',
  'path-too-long': 'CONFLICT',
  unknown: 'INTERNAL',
};

/** Situations more precise than their reason, with their own sentence in BACKUP_STRINGS.messages. */
export const BACKUP_MESSAGE_KEYS = [
  'existingRepoOtherPassword',
  'noFolders',
  'foldersMissing',
  'snapshotGone',
  'folderNotInSnapshot',
  'folderGone',
  'cannotOpenFolder',
  'restoreInterrupted',
  'outsideBackedUpFolders',
  'outsideUserFolders',
  'technicianBackedUpOnly',
  'reservedFolder',
  'invalidPath',
] as const;
export const BackupMessageKey = z.enum(BACKUP_MESSAGE_KEYS);
export type BackupMessageKey = z.infer<typeof BackupMessageKey>;

export const BackupError = z.object({
  reason: BackupReason,
  /**
   * When set, UIs show BACKUP_STRINGS.messages[messageKey] instead of the reason's message (and
   * BACKUP_STRINGS.nextSteps[messageKey] instead of its next step, when there is one).
   */
  messageKey: BackupMessageKey.optional(),
  /** Plain French sentence (what happened). */
  message: z.string().max(1000),
  /** Plain French sentence (what to do next). */
  nextStep: z.string().max(1000),
  at: IsoDate.optional(),
});
export type BackupError = z.infer<typeof BackupError>;
