import type { BackupError, RestoreJob, RestoreRequest, SafetyUndo } from '@vigie/common';
import { backupError, toBackupError } from './errors.js';
import { restoreBatches, undoTargets, type RawChange } from './safety-changes.js';

/**
 * « Annuler les changements de l'intervention », the work itself: every changed or deleted entry
 * between the baseline and the snapshot after the session is put back from the baseline through
 * the ordinary restore, in place (its containment checks, its staging folder, the current version
 * kept beside under a dated name: nothing is overwritten). Added files stay where they are.
 */
export interface UndoWork {
  baseline: string;
  after: string;
  /** The whole change list between two snapshots, as restic says it (the shown one may be shortened). */
  diff: (from: string, to: string) => Promise<RawChange[]>;
  /** The ordinary restore (BackupService.restore) and the end of its job. */
  restore: (req: RestoreRequest) => RestoreJob;
  settled: (jobId: string) => Promise<RestoreJob>;
  /** False once the service stops: what is left is not started (interrupted). */
  running: () => boolean;
  now: () => Date;
  /** The undo's record, as it goes. */
  patch: (p: Partial<SafetyUndo>) => Promise<unknown>;
}

/** Puts the changes back; resolves with the tally and the first error (never rejects). */
export async function undoChanges(
  o: UndoWork,
): Promise<{ restored: number; keptCopies: number; failed: number; error: BackupError | null }> {
  const tally = { restored: 0, keptCopies: 0, failed: 0 };
  let error: SafetyUndo['error'] = null;
  try {
    // The whole list (the shown one may be shortened), as restic says it.
    const targets = undoTargets(await o.diff(o.baseline, o.after));
    await o.patch({ total: targets.length });
    for (const paths of restoreBatches(targets)) {
      if (!o.running()) throw backupError('interrupted');
      try {
        const job = o.restore({ snapshotId: o.baseline, paths, mode: 'in-place', origin: 'practitioner' });
        const end = await o.settled(job.id);
        if (end.state === 'done' && end.result) {
          tally.restored += paths.length;
          tally.keptCopies += end.result.items.filter((it) => it.previousVersion !== null).length;
        } else {
          tally.failed += paths.length;
          error ??= end.error;
        }
      } catch (e) {
        tally.failed += paths.length;
        error ??= toBackupError(e, o.now());
      }
      await o.patch({ ...tally });
    }
  } catch (e) {
    error ??= toBackupError(e, o.now());
    if (tally.restored + tally.failed === 0) tally.failed = 1;
  }
  return { ...tally, error };
}
