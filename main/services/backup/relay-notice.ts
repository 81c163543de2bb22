import { basename } from 'node:path';
import { BACKUP_RELAY_STRINGS, type Locale, type RestoreJob } from '@vigie/common';
import { errorSentence, fill } from './errors.js';
import { treeBase } from './restic/paths.js';

/**
 * The practitioner's notification of a technician's restore, pure: who restores what, and how it
 * ended — the folder by its name, never its system path.
 */
export function technicianNotice(
  job: RestoreJob,
  technicianName: string,
  tag: string,
  locale: Locale,
): { title: string; body: string; tag: string } {
  const t = BACKUP_RELAY_STRINGS[locale];
  const what =
    job.request.paths.length === 1
      ? fill(t.what.item, { name: treeBase(job.request.paths[0]!) })
      : fill(t.what.items, { count: job.request.paths.length });
  const vars = { name: technicianName, what };
  if (job.state === 'done') {
    // The folder by its name, never its system path.
    return { title: fill(t.done, vars), body: fill(t.doneBody, { folder: job.result ? basename(job.result.folder) : '' }), tag };
  }
  if (job.state === 'failed') return { title: fill(t.failed, vars), body: job.error ? errorSentence(job.error, locale) : '', tag };
  if (job.state === 'cancelled') return { title: fill(t.cancelled, vars), body: t.nothingChanged, tag };
  return { title: fill(t.restoring, vars), body: t.follow, tag };
}
