import { z } from 'zod';
import { Id, IsoDate } from '../domain.js';
import { BackupError } from './errors.js';
import { AbsolutePath, SnapshotRef, TreePath } from './paths.js';

/**
 * Backups, getting files back: the restore request and its modes, the restore job and its
 * progress, the default plan for a choice, places in the practitioner's words and the folder picker.
 */

/**
 * beside (the contract's default): into the folder the item was in, under its own name when that
 * name is free (a deleted file comes back as it was), else `nom (restauré le AAAA-MM-JJ HHhMM).ext`
 * — dated with the time of the restore, never overwriting; in-place: the item under its own name,
 * the current version (if any) first renamed `nom (avant restauration AAAA-MM-JJ HHhMM).ext`;
 * folder: into targetDir, same naming as beside. UIs say which backup a copy comes from in words
 * (« version du … »); `backup:restorePlan` gives the obvious mode for a choice.
 */
export const RestoreMode = z.enum(['beside', 'in-place', 'folder']);
export type RestoreMode = z.infer<typeof RestoreMode>;

export const RestoreOrigin = z.enum(['practitioner', 'technician']);
export type RestoreOrigin = z.infer<typeof RestoreOrigin>;

export const RestoreRequest = z
  .strictObject({
    snapshotId: SnapshotRef,
    /** Files or folders of the snapshot, all in the same folder. */
    paths: z
      .array(TreePath)
      .min(1)
      .max(100)
      .refine((p) => new Set(p).size === p.length, { message: 'éléments en double' })
      .refine((p) => p.every((x) => x !== '/'), { message: 'choisissez un dossier ou des fichiers' })
      .refine((p) => new Set(p.map((x) => x.slice(0, x.lastIndexOf('/')))).size === 1, {
        message: 'les éléments doivent être dans le même dossier',
      }),
    mode: RestoreMode.default('beside'),
    /** Required for mode = folder. */
    targetDir: AbsolutePath.optional(),
    origin: RestoreOrigin.default('practitioner'),
  })
  .refine((r) => r.mode !== 'folder' || r.targetDir !== undefined, {
    message: 'choisissez le dossier de destination',
    path: ['targetDir'],
  });
export type RestoreRequest = z.infer<typeof RestoreRequest>;
export type RestoreRequestInput = z.input<typeof RestoreRequest>;

export const RestoreState = z.enum(['queued', 'preparing', 'restoring', 'verifying', 'moving', 'done', 'failed', 'cancelled']);
export type RestoreState = z.infer<typeof RestoreState>;

export const RestoreProgress = z.object({
  /** 0..1, null while the total is not known yet. */
  fraction: z.number().min(0).max(1).nullable(),
  bytesDone: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  filesDone: z.number().int().nonnegative().nullable(),
  totalFiles: z.number().int().nonnegative().nullable(),
  secondsRemaining: z.number().nonnegative().nullable(),
  /** restic: restic's own JSON status (≥ 0.16); staging: measured from the staging folder. */
  source: z.enum(['restic', 'staging']),
});
export type RestoreProgress = z.infer<typeof RestoreProgress>;

export const RestoredItem = z.object({
  from: z.string(),
  /** Final place of the restored copy. */
  to: z.string(),
  /** In-place mode: where the version that was there has been kept. */
  previousVersion: z.string().nullable(),
});
export type RestoredItem = z.infer<typeof RestoredItem>;

export const RestoreJob = z.object({
  id: Id,
  request: RestoreRequest,
  state: RestoreState,
  progress: RestoreProgress.nullable(),
  snapshotTime: IsoDate.nullable(),
  createdAt: IsoDate,
  startedAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  /** Set when done: what was restored where, and the folder to open. */
  result: z.object({ items: z.array(RestoredItem), folder: z.string() }).nullable(),
  error: BackupError.nullable(),
  /** A technician's restore: who started it, as the hub verified it (shown to the practitioner). */
  requestedBy: z
    .object({ name: z.string().max(100) })
    .nullable()
    .optional(),
});
export type RestoreJob = z.infer<typeof RestoreJob>;

/** How far along a job is; done, failed and cancelled are all the end. */
export const RESTORE_STATE_RANK: Readonly<Record<RestoreState, number>> = {
  queued: 0,
  preparing: 1,
  restoring: 2,
  verifying: 3,
  moving: 4,
  done: 5,
  failed: 5,
  cancelled: 5,
};

/**
 * Of two reports of the same job, the one to keep: a job only moves forward, so an answer that
 * arrives after a newer push does not take it back; at the same step, the one further in bytes.
 */
export function newerRestoreJob(a: RestoreJob | undefined, b: RestoreJob): RestoreJob {
  if (!a) return b;
  const ra = RESTORE_STATE_RANK[a.state];
  const rb = RESTORE_STATE_RANK[b.state];
  if (rb !== ra) return rb > ra ? b : a;
  return (b.progress?.bytesDone ?? 0) >= (a.progress?.bytesDone ?? 0) ? b : a;
}

// ---------- places: where things are, in the practitioner's words ----------

/**
 * The user's well-known folders and the backed-up ones, so the UI says « Bureau › Dossier
 * patients » instead of a system path (longest match wins; outside them all: the disk).
 */
export const PlaceKind = z.enum(['home', 'desktop', 'documents', 'downloads', 'pictures', 'backed-up']);
export type PlaceKind = z.infer<typeof PlaceKind>;

export const Place = z.object({ kind: PlaceKind, path: z.string() });
export type Place = z.infer<typeof Place>;

export const PlacesResponse = z.object({ places: z.array(Place) });
export type PlacesResponse = z.infer<typeof PlacesResponse>;

/** What a restore of these items would do by default: where « à sa place » is, and what is there now. */
export const RestorePlanRequest = z.strictObject({ snapshotId: SnapshotRef, paths: RestoreRequest.shape.paths });
export type RestorePlanRequest = z.input<typeof RestorePlanRequest>;

export const RestorePlan = z.object({
  /** The folder the items were in (native path), where « à sa place » and « à côté » put them. */
  folder: z.string(),
  /** The items (snapshot paths) that have something under their own name at their own place today. */
  existing: z.array(z.string()),
  /**
   * The obvious choice: « Remettre à sa place » when nothing is there any more (a deleted file
   * comes back under its own name), « copie à côté » when something with that name exists.
   */
  suggestedMode: z.enum(['in-place', 'beside']),
});
export type RestorePlan = z.infer<typeof RestorePlan>;

/**
 * « Restaurer ailleurs » picks a folder instead of typing a path: with no path, the folders it
 * may go into (the user's own, the backed-up ones); with a path, its sub-folders a restore may
 * write into (never hidden, application or reserved folders, never a link).
 */
export const FolderListRequest = z.strictObject({ path: AbsolutePath.optional() });
export type FolderListRequest = z.input<typeof FolderListRequest>;

export const FolderList = z.object({
  path: z.string().nullable(),
  folders: z.array(z.object({ name: z.string(), path: z.string() })),
  /** More sub-folders than shown. */
  truncated: z.boolean(),
});
export type FolderList = z.infer<typeof FolderList>;
