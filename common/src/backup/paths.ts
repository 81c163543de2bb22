import { z } from 'zod';

/**
 * Backups, the paths people and snapshots give: an absolute local path, a path inside a snapshot
 * and a snapshot id — each contained before anything uses it.
 */

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
