import { z } from 'zod';
import { AbsolutePath } from './paths.js';

/**
 * Backups, the settings: where the repository is (local folder, REST server, S3), the folders and
 * times, retention and checks; secrets that only travel towards the app; the settings as shown.
 */

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
