/**
 * Backups and self-service restore (restic underneath). The app's backup service, the practitioner
 * panel, the hub report and the console all speak these shapes. `BackupSummary` (domain.ts) is the
 * small version reported to the hub and used by the health check; `BackupStatus` is the full one.
 *
 * The entry point; each job has its module under backup/: errors (reasons and BackupError), paths
 * (local paths, snapshot paths and ids), settings, status (runs, days, progress), snapshots
 * (browse and search), restore (requests, jobs, plans, places, folder picker) and strings.
 */
export * from './backup/errors.js';
export * from './backup/paths.js';
export * from './backup/settings.js';
export * from './backup/status.js';
export * from './backup/snapshots.js';
export * from './backup/restore.js';
export * from './backup/strings.js';
