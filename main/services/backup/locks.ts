import os from 'node:os';
import type { Logger } from './ports.js';
import type { RepoTarget, Restic } from './restic/client.js';
import type { ResticLockJson } from './restic/parse.js';

export type ProcessState = 'alive' | 'dead' | 'unknown';

/** Signal 0: ESRCH → dead; EPERM → someone else's live process (unknown to us, so never "dead"). */
export function processState(pid: number): ProcessState {
  if (!Number.isInteger(pid) || pid <= 0) return 'unknown';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'dead';
    return code === 'EPERM' ? 'alive' : 'unknown';
  }
}

export interface LockVerdict {
  id: string;
  lock: ResticLockJson | null;
  stale: boolean;
  why: 'old' | 'dead-process' | 'live' | 'vanished';
  ageMinutes: number | null;
}

export interface LockPolicy {
  staleMinutes: number;
  now: Date;
  hostname?: string;
  processState?: (pid: number) => ProcessState;
}

/** Judges one lock: stale when older than the policy allows, or held by a process of this machine that no longer runs. */
export function judgeLock(id: string, lock: ResticLockJson | null, p: LockPolicy): LockVerdict {
  if (!lock) return { id, lock, stale: false, why: 'vanished', ageMinutes: null };
  const created = new Date(lock.time).getTime();
  const ageMinutes = Number.isNaN(created) ? null : (p.now.getTime() - created) / 60_000;
  if (ageMinutes !== null && ageMinutes > p.staleMinutes) return { id, lock, stale: true, why: 'old', ageMinutes };
  const here = (p.hostname ?? os.hostname()) === lock.hostname;
  if (here && (p.processState ?? processState)(lock.pid) === 'dead') return { id, lock, stale: true, why: 'dead-process', ageMinutes };
  return { id, lock, stale: false, why: 'live', ageMinutes };
}

export async function inspectLocks(restic: Restic, repo: RepoTarget, p: LockPolicy): Promise<LockVerdict[]> {
  const ids = await restic.listLocks(repo);
  const out: LockVerdict[] = [];
  for (const id of ids) out.push(judgeLock(id, await restic.catLock(repo, id), p));
  return out;
}

/**
 * Removes stale locks safely: only when at least one lock is stale by our rule, through
 * `restic unlock` (which itself removes only locks older than 30 minutes or of a dead process on
 * this host, never `--remove-all`). A fresh lock of a live process is never touched.
 * Returns how many stale locks were removed and the live ones.
 */
export async function clearStaleLocks(
  restic: Restic,
  repo: RepoTarget,
  p: LockPolicy,
  logger: Logger,
): Promise<{ removed: number; live: LockVerdict[] }> {
  const before = await inspectLocks(restic, repo, p);
  const stale = before.filter((v) => v.stale);
  if (stale.length === 0) return { removed: 0, live: before.filter((v) => v.why === 'live') };
  logger.warn('removing stale repository locks', {
    repo: repo.key,
    locks: stale.map((v) => ({ id: v.id.slice(0, 8), why: v.why, host: v.lock?.hostname, pid: v.lock?.pid, ageMinutes: v.ageMinutes })),
  });
  await restic.unlock(repo);
  // restic applies the same rule (or a looser one): the retry that follows tells if anything is left.
  return { removed: stale.length, live: before.filter((v) => v.why === 'live') };
}
