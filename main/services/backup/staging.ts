/**
 * The staging folder of a restore, from birth to removal. restic restores into it (never at a
 * target path); it is journaled in the service's state BEFORE it is created, so that a crash at
 * any point leaves a name the next start removes, and a journal that cannot be written (a full
 * disk) leaves nothing at all. It is removed on every path of the restore; one that cannot be
 * removed stays journaled and is tried again at the next start.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { backupError } from './errors.js';
import { fsReason } from './fsops.js';
import type { Logger } from './ports.js';

/** Staging folders start with this (hidden on macOS/Linux; never part of a backup). */
export const STAGING_PREFIX = '.vigie-restauration-';

export interface StagingJournal {
  add(path: string): Promise<void>;
  remove(path: string): Promise<void>;
}

const codeOf = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

/** A new, empty, private (0700) staging folder in `parent`, journaled first. */
export async function makeStaging(parent: string, journal: StagingJournal): Promise<string> {
  const staging = join(parent, STAGING_PREFIX + randomBytes(6).toString('hex'));
  try {
    await journal.add(staging);
  } catch (e) {
    await journal.remove(staging).catch(() => undefined);
    throw backupError(fsReason(e), { details: { journal: true, code: codeOf(e) } });
  }
  try {
    await mkdir(staging, { mode: 0o700 });
    await chmod(staging, 0o700);
  } catch (e) {
    // EEXIST: that name is someone else's, leave it.
    if (codeOf(e) !== 'EEXIST') await rmdir(staging).catch(() => undefined);
    await journal.remove(staging).catch(() => undefined);
    throw backupError(fsReason(e), { details: { dir: parent, code: codeOf(e) } });
  }
  return staging;
}

/** Removes a staging folder and its journal entry; if it cannot be removed, it stays journaled. */
export async function removeStaging(staging: string, journal: StagingJournal, log: Logger): Promise<void> {
  try {
    await rm(staging, { recursive: true, force: true, maxRetries: 3 });
    await journal.remove(staging);
  } catch (e) {
    log.error('staging folder could not be removed', { staging, err: e });
  }
}

/** At start: removes the staging folders a run that never finished left; returns those still there (kept journaled). */
export async function removeLeftoverStagings(paths: readonly string[], log: Logger): Promise<string[]> {
  const kept: string[] = [];
  for (const p of paths) {
    if (!basename(p).startsWith(STAGING_PREFIX)) continue;
    log.warn('removing a restore staging folder left by an interrupted run', { path: p });
    try {
      await rm(p, { recursive: true, force: true });
    } catch (e) {
      log.error('could not remove staging, will try again at the next start', { path: p, err: e });
      kept.push(p);
    }
  }
  return kept;
}
