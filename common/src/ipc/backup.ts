import { z } from 'zod';
import { Id } from '../domain.js';
import {
  BackupSettingsView,
  BackupStatus,
  BrowseRequest,
  BrowseResponse,
  FolderList,
  FolderListRequest,
  PlacesResponse,
  RestorePlan,
  RestorePlanRequest,
  RestoreJob,
  RestoreRequest,
  SaveBackupSettingsInput,
  SearchRequest,
  SearchResponse,
  Snapshot,
} from '../backup.js';
import { SAFETY_METHODS, SAFETY_PUSH } from '../safety.js';

export * from '../backup.js';
export * from '../safety.js';

/**
 * Backups and self-service restore, renderer → main. Errors carry `details.reason` (BackupReason)
 * and `details.nextStep` in the Result envelope.
 */
export const BACKUP_METHODS = {
  'backup:getStatus': { request: z.strictObject({}), response: BackupStatus },
  /** "Sauvegarder maintenant": starts a backup (or joins the one running) and answers at once. */
  'backup:runNow': { request: z.strictObject({}), response: BackupStatus },
  /** Newest first. */
  'backup:listSnapshots': { request: z.strictObject({}), response: z.array(Snapshot) },
  'backup:browse': { request: BrowseRequest, response: BrowseResponse },
  'backup:search': { request: SearchRequest, response: SearchResponse },
  /** Starts a restore job and answers with it at once; progress follows on 'backup:restoreProgress'. */
  'backup:restore': { request: RestoreRequest, response: RestoreJob },
  'backup:cancelRestore': { request: z.strictObject({ jobId: Id }), response: RestoreJob },
  /** Jobs of this session (running first, then the most recent finished ones). */
  'backup:listRestores': { request: z.strictObject({}), response: z.array(RestoreJob) },
  'backup:getSettings': { request: z.strictObject({}), response: BackupSettingsView },
  'backup:saveSettings': { request: SaveBackupSettingsInput, response: BackupSettingsView },
  /** Opens the folder of a finished restore job ("Ouvrir le dossier"). */
  'backup:openFolder': { request: z.strictObject({ jobId: Id }), response: z.object({}) },
  /** The user's well-known folders and the backed-up ones: the UI names places, never system paths. */
  'backup:places': { request: z.strictObject({}), response: PlacesResponse },
  /** Where a restore of these items goes by default, what is there now, and the obvious mode. */
  'backup:restorePlan': { request: RestorePlanRequest, response: RestorePlan },
  /** The folder picker of « restaurer ailleurs »: the folders a restore may go into. */
  'backup:listFolders': { request: FolderListRequest, response: FolderList },
  /** The safety backup before a technician acts, and undo (issue 12). */
  ...SAFETY_METHODS,
} as const;

export const BACKUP_PUSH = {
  'backup:status': BackupStatus,
  'backup:restoreProgress': RestoreJob,
  ...SAFETY_PUSH,
} as const;
