import { z } from 'zod';
import { BackupSummary, Id, IsoDate } from './domain.js';
import type { ErrorCode } from './result.js';

/**
 * Backups and self-service restore (restic underneath). The app's backup service, the practitioner
 * panel, the hub report and the console all speak these shapes. `BackupSummary` (domain.ts) is the
 * small version reported to the hub and used by the health check; `BackupStatus` is the full one.
 */

// ---------- errors ----------

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

// ---------- settings ----------

const isAbsolutePath = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
/** An absolute local path (POSIX, Windows drive or UNC), with no `.` or `..` part. */
export const AbsolutePath = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), { message: 'caractère interdit dans le chemin' })
  .refine(isAbsolutePath, { message: 'chemin complet attendu (ex. /Users/nom/Documents ou C:\\Users\\nom\\Documents)' })
  .refine((p) => p.split(/[\\/]/).every((s) => s !== '.' && s !== '..'), { message: 'chemin sans « . » ni « .. » attendu' });

/** A path inside a snapshot, as restic shows it: '/'-separated, absolute, no '.' or '..' parts. */
export const TreePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') && !p.includes('\0'), { message: 'chemin de sauvegarde invalide' })
  .refine(
    (p) =>
      p === '/' ||
      p
        .slice(1)
        .split('/')
        .every((s) => s !== '' && s !== '.' && s !== '..'),
    {
      message: 'chemin de sauvegarde invalide',
    },
  );

/** A snapshot id, full (64 hex) or short (8+ hex). */
export const SnapshotRef = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8,64}$/, 'identifiant de sauvegarde invalide');

export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'heure au format HH:MM attendue (ex. 12:30)');

const noCredentialsInUrl = (u: string) => {
  try {
    const url = new URL(u);
    return url.username === '' && url.password === '';
  } catch {
    return false;
  }
};

export const RepositorySettings = z.discriminatedUnion('kind', [
  /** A folder on this machine or a mounted disk (the demo default). */
  z.strictObject({ kind: z.literal('local'), path: AbsolutePath }),
  /** A restic REST server (rest-server, rclone serve restic…). The password goes to the secret store. */
  z.strictObject({
    kind: z.literal('rest'),
    url: z
      .url({ protocol: /^https?$/, message: 'adresse http(s):// attendue' })
      .max(2048)
      .refine(noCredentialsInUrl, { message: 'ne mettez pas l’identifiant ni le mot de passe dans l’adresse' }),
    username: z.string().trim().min(1).max(128).optional(),
  }),
  /** S3-compatible object storage (an HDS-certified datacenter). The secret key goes to the secret store. */
  z.strictObject({
    kind: z.literal('s3'),
    endpoint: z
      .url({ protocol: /^https?$/, message: 'adresse http(s):// attendue' })
      .max(2048)
      .refine(noCredentialsInUrl, { message: 'ne mettez pas d’identifiants dans l’adresse' }),
    bucket: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'nom de compartiment invalide (minuscules, chiffres, points et tirets)'),
    prefix: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'préfixe invalide (lettres, chiffres, . _ - et /)')
      .optional(),
    region: z.string().trim().min(1).max(64).optional(),
    accessKeyId: z.string().trim().min(1).max(256),
  }),
]);
export type RepositorySettings = z.infer<typeof RepositorySettings>;
export type RepositoryKind = RepositorySettings['kind'];

export const RetentionSettings = z
  .strictObject({
    daily: z.number().int().min(0).max(366).default(7),
    weekly: z.number().int().min(0).max(104).default(5),
    monthly: z.number().int().min(0).max(120).default(12),
    /** `forget --prune` at most once every N days, after a successful backup. */
    everyDays: z.number().int().min(1).max(60).default(1),
  })
  .refine((r) => r.daily + r.weekly + r.monthly > 0, { message: 'gardez au moins une sauvegarde (jour, semaine ou mois)' });
export type RetentionSettings = z.infer<typeof RetentionSettings>;

export const CheckSettings = z.strictObject({
  /** `check --read-data-subset` at most once every N days, after a successful backup. */
  everyDays: z.number().int().min(1).max(90).default(7),
  /** Part of the data re-read and verified each time, e.g. "2%". */
  readDataSubset: z
    .string()
    .regex(/^(100|[1-9]?\d(\.\d{1,2})?)%$/, 'pourcentage attendu (ex. 2%)')
    .default('2%'),
});
export type CheckSettings = z.infer<typeof CheckSettings>;

export const BackupSettings = z.strictObject({
  enabled: z.boolean().default(true),
  repository: RepositorySettings.nullable().default(null),
  /** Folders to back up (absolute). Default: Documents + practice-software data folders found. */
  folders: z.array(AbsolutePath).max(50).default([]),
  /** restic --exclude patterns (temporary files and the like). */
  excludes: z.array(z.string().trim().min(1).max(256)).max(100).default([]),
  /** Local times of the scheduled backups; defaults avoid consultations (lunch break, evening). */
  times: z
    .array(TimeOfDay)
    .min(1, 'au moins une heure de sauvegarde')
    .max(6)
    .refine((t) => new Set(t).size === t.length, { message: 'heures en double' })
    .default(['12:30', '20:00']),
  retention: RetentionSettings.default({ daily: 7, weekly: 5, monthly: 12, everyDays: 1 }),
  check: CheckSettings.default({ everyDays: 7, readDataSubset: '2%' }),
  /** After this long without a successful backup the headline turns to "stale". */
  staleAfterHours: z
    .number()
    .int()
    .min(12)
    .max(24 * 30)
    .default(48),
  /** A missed time (machine off or asleep) is caught up on wake only within this window. */
  catchUpMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(120),
  /** A repository lock older than this (or left by a dead process on this machine) is removed. */
  staleLockMinutes: z
    .number()
    .int()
    .min(30)
    .max(24 * 60)
    .default(30),
});
export type BackupSettings = z.infer<typeof BackupSettings>;
export type BackupSettingsInput = z.input<typeof BackupSettings>;

/** Secrets travel only towards the app (saveSettings), never back. */
export const BackupSecretsInput = z.strictObject({
  /** To connect to an existing repository; a new repository gets a generated password. */
  repositoryPassword: z.string().min(8).max(1024).optional(),
  restPassword: z.string().min(1).max(1024).optional(),
  s3SecretAccessKey: z.string().min(1).max(1024).optional(),
});
export type BackupSecretsInput = z.infer<typeof BackupSecretsInput>;

export const SaveBackupSettingsInput = z.strictObject({
  settings: BackupSettings,
  secrets: BackupSecretsInput.optional(),
});
export type SaveBackupSettingsInput = z.input<typeof SaveBackupSettingsInput>;

export const SuggestedFolder = z.object({
  path: z.string(),
  kind: z.enum(['documents', 'software']),
  /** Practice software name for kind = software. */
  label: z.string(),
});
export type SuggestedFolder = z.infer<typeof SuggestedFolder>;

export const BackupSettingsView = z.object({
  settings: BackupSettings,
  /** Which secrets are stored (never their values). */
  secrets: z.object({ repositoryPassword: z.boolean(), restPassword: z.boolean(), s3SecretAccessKey: z.boolean() }),
  /** Folders found on this machine that are worth backing up. */
  suggestedFolders: z.array(SuggestedFolder),
});
export type BackupSettingsView = z.infer<typeof BackupSettingsView>;

// ---------- status ----------

export const BackupDayState = z.enum(['ok', 'warning', 'failed', 'none']);
export type BackupDayState = z.infer<typeof BackupDayState>;

export const BackupDay = z.object({
  /** Local calendar day, AAAA-MM-JJ. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Best outcome of the day's backups: ok > warning (some files unreadable) > failed > none. */
  state: BackupDayState,
  runs: z.number().int().nonnegative(),
});
export type BackupDay = z.infer<typeof BackupDay>;

export const BackupTrigger = z.enum(['schedule', 'catch-up', 'manual', 'technician']);
export type BackupTrigger = z.infer<typeof BackupTrigger>;

export const BackupRunOutcome = z.enum(['ok', 'warning', 'failed', 'interrupted']);
export type BackupRunOutcome = z.infer<typeof BackupRunOutcome>;

export const BackupRun = z.object({
  id: Id,
  kind: z.enum(['backup', 'forget', 'check']),
  trigger: BackupTrigger,
  startedAt: IsoDate,
  endedAt: IsoDate,
  outcome: BackupRunOutcome,
  snapshotId: z.string().nullable(),
  filesNew: z.number().int().nonnegative().nullable(),
  filesChanged: z.number().int().nonnegative().nullable(),
  filesUnmodified: z.number().int().nonnegative().nullable(),
  bytesProcessed: z.number().nonnegative().nullable(),
  bytesAdded: z.number().nonnegative().nullable(),
  /** Files that could not be read (exit 3): the snapshot was still made without them. First 100. */
  unreadable: z.array(z.string()).max(100),
  unreadableCount: z.number().int().nonnegative(),
  error: BackupError.nullable(),
});
export type BackupRun = z.infer<typeof BackupRun>;

export const BackupProgress = z.object({
  /** 0..1 */
  fraction: z.number().min(0).max(1),
  filesDone: z.number().int().nonnegative(),
  totalFiles: z.number().int().nonnegative().nullable(),
  bytesDone: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  secondsRemaining: z.number().nonnegative().nullable(),
  currentFile: z.string().nullable(),
});
export type BackupProgress = z.infer<typeof BackupProgress>;

export const BackupStatus = BackupSummary.extend({
  configured: z.boolean(),
  enabled: z.boolean(),
  running: z.boolean(),
  progress: BackupProgress.nullable(),
  lastRun: BackupRun.nullable(),
  lastError: BackupError.nullable(),
  /** The last 30 local days, oldest first. */
  days: z.array(BackupDay).max(31),
  repository: z.object({ kind: z.enum(['local', 'rest', 's3']), label: z.string() }).nullable(),
  resticVersion: z.string().nullable(),
  snapshotCount: z.number().int().nonnegative().nullable(),
  lastCheckAt: IsoDate.nullable(),
  lastCheckOk: z.boolean().nullable(),
  lastForgetAt: IsoDate.nullable(),
});
export type BackupStatus = z.infer<typeof BackupStatus>;

// ---------- snapshots, tree, search ----------

export const Snapshot = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  shortId: z.string(),
  time: IsoDate,
  hostname: z.string(),
  /** Folders as given to the backup (native form: C:\… on Windows). */
  paths: z.array(z.string()),
  /** The same folders as paths inside the snapshot tree ('/'-separated), to start browsing from. */
  roots: z.array(z.string()),
  tags: z.array(z.string()),
  /** Bytes of the backed-up folders (restic ≥ 0.17 records it; null before). */
  sizeBytes: z.number().nonnegative().nullable(),
  filesCount: z.number().int().nonnegative().nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const TreeEntryType = z.enum(['file', 'dir', 'symlink', 'other']);
export type TreeEntryType = z.infer<typeof TreeEntryType>;

export const TreeEntry = z.object({
  name: z.string(),
  /** Path inside the snapshot: what restore takes. */
  path: z.string(),
  /** Where it lived on this machine (for display). */
  localPath: z.string(),
  type: TreeEntryType,
  size: z.number().nonnegative().nullable(),
  mtime: IsoDate.nullable(),
});
export type TreeEntry = z.infer<typeof TreeEntry>;

export const BrowseRequest = z.strictObject({
  snapshotId: SnapshotRef,
  path: TreePath,
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type BrowseRequest = z.input<typeof BrowseRequest>;

export const BrowseResponse = z.object({
  snapshotId: z.string(),
  path: z.string(),
  /** Parent directory inside the snapshot; null at the root. */
  parent: z.string().nullable(),
  /** Folders first, then files, by name (French collation). */
  entries: z.array(TreeEntry),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type BrowseResponse = z.infer<typeof BrowseResponse>;

export const SearchRequest = z.strictObject({
  /** Part of a file or folder name; case-insensitive; * ? [ ] are searched literally. */
  query: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((q) => !q.includes('/') && !q.includes('\0'), { message: 'un nom de fichier, sans « / »' }),
  limit: z.number().int().min(1).max(500).default(100),
});
export type SearchRequest = z.input<typeof SearchRequest>;

export const SearchVersion = z.object({
  /** The newest snapshot holding this version. */
  snapshotId: z.string(),
  snapshotTime: IsoDate,
  size: z.number().nonnegative().nullable(),
  mtime: IsoDate.nullable(),
});
export type SearchVersion = z.infer<typeof SearchVersion>;

export const SearchHit = z.object({
  name: z.string(),
  path: z.string(),
  localPath: z.string(),
  type: TreeEntryType,
  /** Distinct versions (by modification time and size), newest first. */
  versions: z.array(SearchVersion).min(1),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResponse = z.object({ hits: z.array(SearchHit), truncated: z.boolean() });
export type SearchResponse = z.infer<typeof SearchResponse>;

// ---------- restore ----------

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

// ---------- strings shown to people ----------

type ReasonText = { message: string; nextStep: string };

/**
 * French first, English complete. UIs merge these into their i18next resources under `backup`.
 * Placeholders use i18next syntax ({{days}}, {{count}}…).
 */
export const BACKUP_STRINGS = {
  fr: {
    headline: {
      ok: 'Tout est sauvegardé',
      okWithWarning_one: 'Sauvegardé, sauf {{count}} fichier illisible',
      okWithWarning_other: 'Sauvegardé, sauf {{count}} fichiers illisibles',
      running: 'Sauvegarde en cours',
      stale: 'Attention : dernière sauvegarde il y a {{days}} jours',
      staleOneDay: 'Attention : dernière sauvegarde il y a 1 jour',
      staleHours: 'Attention : dernière sauvegarde il y a {{hours}} heures',
      never: 'Attention : aucune sauvegarde pour l’instant',
      failed: 'La sauvegarde a échoué',
      'not-configured': 'La sauvegarde n’est pas configurée',
    },
    day: {
      ok: 'Sauvegarde réussie',
      warning: 'Sauvegarde avec des fichiers illisibles',
      failed: 'Sauvegarde échouée',
      none: 'Pas de sauvegarde',
    },
    actions: { runNow: 'Sauvegarder maintenant', openFolder: 'Ouvrir le dossier', cancel: 'Annuler' },
    modes: {
      beside: 'Restaurer une copie à côté',
      'in-place': 'Remettre à sa place',
      folder: 'Restaurer dans un autre dossier',
    } satisfies Record<RestoreMode, string>,
    restoreStates: {
      queued: 'En attente',
      preparing: 'Préparation…',
      restoring: 'Restauration en cours…',
      verifying: 'Vérification…',
      moving: 'Mise en place…',
      done: 'Restauration terminée',
      failed: 'La restauration a échoué',
      cancelled: 'Restauration annulée',
    } satisfies Record<RestoreState, string>,
    messages: {
      existingRepoOtherPassword: 'Des sauvegardes existent déjà à cet endroit, protégées par un autre mot de passe.',
      noFolders: 'Aucun dossier à sauvegarder n’est choisi.',
      foldersMissing: 'Les dossiers à sauvegarder sont introuvables sur cet ordinateur.',
      snapshotGone: 'Cette sauvegarde est introuvable (elle a peut-être été supprimée par la rotation).',
      folderNotInSnapshot: 'Ce dossier n’existe pas dans cette sauvegarde.',
      folderGone: 'Ce dossier n’existe plus.',
      cannotOpenFolder: 'Impossible d’ouvrir le dossier sur cet ordinateur.',
      restoreInterrupted: 'La restauration a été interrompue ; vos fichiers actuels n’ont pas été touchés.',
      outsideBackedUpFolders: 'Cet élément n’est pas dans les dossiers sauvegardés : la restauration est refusée.',
      outsideUserFolders: 'Ce dossier n’est ni dans vos dossiers personnels ni dans un dossier sauvegardé.',
      technicianBackedUpOnly: 'Un technicien ne peut restaurer que dans les dossiers sauvegardés.',
      reservedFolder: 'Ce dossier est réservé au système, aux sauvegardes ou à Vigie : rien n’y est restauré.',
      invalidPath: 'Ce chemin n’est pas valide (il contient « .. » ou un caractère interdit).',
    } satisfies Record<BackupMessageKey, string>,
    /** Next steps more precise than the reason's, for some message keys. */
    nextSteps: {
      restoreInterrupted: 'Vous pouvez relancer la restauration quand vous voulez.',
      outsideBackedUpFolders: 'Choisissez un fichier ou un dossier à l’intérieur des dossiers sauvegardés.',
      technicianBackedUpOnly: 'Restaurez à côté ou à sa place, ou choisissez un dossier sauvegardé.',
      invalidPath: 'Choisissez le dossier de destination à nouveau.',
    } satisfies Partial<Record<BackupMessageKey, string>>,
    names: { restored: 'restauré le', beforeRestore: 'avant restauration' },
    reasons: {
      'not-configured': {
        message: 'La sauvegarde n’est pas encore configurée.',
        nextStep: 'Choisissez où enregistrer les sauvegardes dans les réglages.',
      },
      'restic-missing': {
        message: 'Le programme de sauvegarde est introuvable sur cet ordinateur.',
        nextStep: 'Réinstallez Vigie ou contactez votre prestataire.',
      },
      'wrong-password': {
        message: 'Le mot de passe de la sauvegarde est incorrect.',
        nextStep: 'Vérifiez le mot de passe dans les réglages ou contactez votre prestataire.',
      },
      'repo-missing': {
        message: 'Aucune sauvegarde n’a été trouvée à l’emplacement prévu.',
        nextStep: 'Vérifiez que le disque de sauvegarde est branché, puis réessayez.',
      },
      'repo-unreachable': {
        message: 'Impossible de joindre l’emplacement des sauvegardes.',
        nextStep: 'Vérifiez la connexion à Internet ou au réseau, puis réessayez.',
      },
      locked: {
        message: 'Une autre opération utilise la sauvegarde en ce moment.',
        nextStep: 'Réessayez dans quelques minutes. Si cela dure, contactez votre prestataire.',
      },
      'unreadable-files': {
        message: 'Sauvegarde faite, mais des fichiers n’ont pas pu être lus.',
        nextStep: 'Fermez les programmes qui utilisent ces fichiers : ils seront repris à la prochaine sauvegarde.',
      },
      interrupted: {
        message: 'La sauvegarde a été interrompue avant la fin.',
        nextStep: 'Elle reprendra à la prochaine heure prévue, ou cliquez sur « Sauvegarder maintenant ».',
      },
      'disk-full': {
        message: 'Il n’y a plus assez de place sur le disque.',
        nextStep: 'Libérez de la place ou contactez votre prestataire.',
      },
      'read-only': {
        message: 'Impossible d’écrire à cet endroit : il est en lecture seule ou protégé.',
        nextStep: 'Choisissez un autre dossier ou contactez votre prestataire.',
      },
      'in-use': {
        message: 'Le fichier ou le dossier est utilisé par un autre programme.',
        nextStep: 'Fermez ce programme, puis réessayez.',
      },
      busy: { message: 'Une sauvegarde ou une restauration est déjà en cours.', nextStep: 'Attendez qu’elle se termine, puis réessayez.' },
      cancelled: { message: 'Opération annulée : rien n’a été modifié.', nextStep: 'Vous pouvez recommencer quand vous voulez.' },
      'not-found': { message: 'Cet élément est introuvable dans cette sauvegarde.', nextStep: 'Choisissez une autre date.' },
      'restored-nothing': {
        message: 'Rien n’a été restauré : l’élément n’est pas dans cette sauvegarde.',
        nextStep: 'Choisissez une autre date ou vérifiez le nom du fichier.',
      },
      'verify-failed': {
        message: 'La copie restaurée est incomplète ; vos fichiers actuels n’ont pas été touchés.',
        nextStep: 'Réessayez. Si cela recommence, contactez votre prestataire.',
      },
      'move-failed': {
        message: 'La restauration n’a pas pu être mise en place ; vos fichiers actuels ont été laissés tels quels.',
        nextStep: 'Fermez les programmes ouverts sur ces fichiers, puis réessayez.',
      },
      'check-failed': { message: 'La vérification des sauvegardes a détecté un problème.', nextStep: 'Contactez votre prestataire.' },
      timeout: { message: 'L’opération prend trop de temps.', nextStep: 'Réessayez plus tard.' },
      'not-allowed': {
        message: 'Vigie ne restaure pas à cet endroit : il est en dehors des dossiers autorisés.',
        nextStep: 'Choisissez un dossier à vous, par exemple dans Documents ou sur le Bureau.',
      },
      'link-in-path': {
        message: 'Un dossier sur le chemin a été remplacé par un lien depuis la sauvegarde : par sécurité, rien n’a été restauré.',
        nextStep: 'Restaurez dans un autre dossier, ou contactez votre prestataire.',
      },
      'not-a-folder': {
        message: 'La destination choisie est un fichier, pas un dossier.',
        nextStep: 'Choisissez un dossier, ou renommez ce fichier puis réessayez.',
      },
      'path-too-long': {
        message: 'Le chemin est trop long pour le système (trop de dossiers imbriqués ou des noms trop longs).',
        nextStep: 'Restaurez dans un dossier au chemin plus court, par exemple sur le Bureau, ou contactez votre prestataire.',
      },
      unknown: {
        message: 'La sauvegarde a rencontré une erreur inattendue.',
        nextStep: 'Réessayez ; si cela recommence, contactez votre prestataire.',
      },
    } satisfies Record<BackupReason, ReasonText>,
  },
  en: {
    headline: {
      ok: 'Everything is backed up',
      okWithWarning_one: 'Backed up, except {{count}} unreadable file',
      okWithWarning_other: 'Backed up, except {{count}} unreadable files',
      running: 'Backup in progress',
      stale: 'Warning: last backup {{days}} days ago',
      staleOneDay: 'Warning: last backup 1 day ago',
      staleHours: 'Warning: last backup {{hours}} hours ago',
      never: 'Warning: no backup yet',
      failed: 'The backup failed',
      'not-configured': 'Backup is not set up',
    },
    day: { ok: 'Backup succeeded', warning: 'Backup with unreadable files', failed: 'Backup failed', none: 'No backup' },
    actions: { runNow: 'Back up now', openFolder: 'Open folder', cancel: 'Cancel' },
    modes: {
      beside: 'Restore a copy alongside',
      'in-place': 'Put it back in place',
      folder: 'Restore to another folder',
    } satisfies Record<RestoreMode, string>,
    restoreStates: {
      queued: 'Waiting',
      preparing: 'Preparing…',
      restoring: 'Restoring…',
      verifying: 'Checking…',
      moving: 'Putting in place…',
      done: 'Restore complete',
      failed: 'The restore failed',
      cancelled: 'Restore cancelled',
    } satisfies Record<RestoreState, string>,
    messages: {
      existingRepoOtherPassword: 'Backups already exist there, protected by another password.',
      noFolders: 'No folder to back up is selected.',
      foldersMissing: 'The folders to back up cannot be found on this computer.',
      snapshotGone: 'This backup cannot be found (it may have been removed by the rotation).',
      folderNotInSnapshot: 'This folder does not exist in this backup.',
      folderGone: 'This folder no longer exists.',
      cannotOpenFolder: 'The folder cannot be opened on this computer.',
      restoreInterrupted: 'The restore was interrupted; your current files were not touched.',
      outsideBackedUpFolders: 'This item is not in the backed-up folders: the restore is refused.',
      outsideUserFolders: 'This folder is neither in your personal folders nor in a backed-up folder.',
      technicianBackedUpOnly: 'A technician can only restore into the backed-up folders.',
      reservedFolder: 'This folder is reserved for the system, the backups or Vigie: nothing is restored there.',
      invalidPath: 'This path is not valid (it contains “..” or a forbidden character).',
    } satisfies Record<BackupMessageKey, string>,
    nextSteps: {
      restoreInterrupted: 'You can start the restore again whenever you like.',
      outsideBackedUpFolders: 'Choose a file or folder inside the backed-up folders.',
      technicianBackedUpOnly: 'Restore alongside or back in place, or choose a backed-up folder.',
      invalidPath: 'Choose the destination folder again.',
    } satisfies Partial<Record<BackupMessageKey, string>>,
    names: { restored: 'restored on', beforeRestore: 'before restore' },
    reasons: {
      'not-configured': { message: 'Backup is not set up yet.', nextStep: 'Choose where to store backups in the settings.' },
      'restic-missing': {
        message: 'The backup program cannot be found on this computer.',
        nextStep: 'Reinstall Vigie or contact your provider.',
      },
      'wrong-password': {
        message: 'The backup password is wrong.',
        nextStep: 'Check the password in the settings or contact your provider.',
      },
      'repo-missing': {
        message: 'No backup was found at the expected place.',
        nextStep: 'Check that the backup drive is plugged in, then try again.',
      },
      'repo-unreachable': {
        message: 'The backup location cannot be reached.',
        nextStep: 'Check the Internet or network connection, then try again.',
      },
      locked: {
        message: 'Another operation is using the backup right now.',
        nextStep: 'Try again in a few minutes. If it lasts, contact your provider.',
      },
      'unreadable-files': {
        message: 'Backup done, but some files could not be read.',
        nextStep: 'Close the programs using these files: they will be picked up by the next backup.',
      },
      interrupted: {
        message: 'The backup was interrupted before the end.',
        nextStep: 'It will resume at the next scheduled time, or click “Back up now”.',
      },
      'disk-full': { message: 'There is not enough space left on the disk.', nextStep: 'Free some space or contact your provider.' },
      'read-only': {
        message: 'Cannot write there: it is read-only or protected.',
        nextStep: 'Choose another folder or contact your provider.',
      },
      'in-use': { message: 'The file or folder is being used by another program.', nextStep: 'Close that program, then try again.' },
      busy: { message: 'A backup or a restore is already running.', nextStep: 'Wait for it to finish, then try again.' },
      cancelled: { message: 'Cancelled: nothing was changed.', nextStep: 'You can start again whenever you like.' },
      'not-found': { message: 'This item cannot be found in this backup.', nextStep: 'Choose another date.' },
      'restored-nothing': {
        message: 'Nothing was restored: the item is not in this backup.',
        nextStep: 'Choose another date or check the file name.',
      },
      'verify-failed': {
        message: 'The restored copy is incomplete; your current files were not touched.',
        nextStep: 'Try again. If it happens again, contact your provider.',
      },
      'move-failed': {
        message: 'The restore could not be put in place; your current files were left as they were.',
        nextStep: 'Close programs that have these files open, then try again.',
      },
      'check-failed': { message: 'The backup check found a problem.', nextStep: 'Contact your provider.' },
      timeout: { message: 'The operation is taking too long.', nextStep: 'Try again later.' },
      'not-allowed': {
        message: 'Vigie does not restore there: it is outside the allowed folders.',
        nextStep: 'Choose a folder of your own, for example in Documents or on the Desktop.',
      },
      'link-in-path': {
        message: 'A folder on the way has been replaced by a link since the backup: for safety, nothing was restored.',
        nextStep: 'Restore to another folder, or contact your provider.',
      },
      'not-a-folder': {
        message: 'The chosen destination is a file, not a folder.',
        nextStep: 'Choose a folder, or rename this file and try again.',
      },
      'path-too-long': {
        message: 'The path is too long for the system (too many nested folders or names too long).',
        nextStep: 'Restore to a folder with a shorter path, for example on the Desktop, or contact your provider.',
      },
      unknown: { message: 'The backup ran into an unexpected error.', nextStep: 'Try again; if it happens again, contact your provider.' },
    } satisfies Record<BackupReason, ReasonText>,
  },
} as const;
