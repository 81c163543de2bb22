import type { BackupReason } from '@vigie/common';
import type { RunResult } from './runner.js';
import type { ResticFeatures } from './version.js';

/** What restic said about a lock it could not take. */
export interface LockConflict {
  pid: number | null;
  host: string | null;
  user: string | null;
  exclusive: boolean;
  /** "1m2.5s" as restic printed it. */
  age: string | null;
  storageId: string | null;
}

export interface Classified {
  reason: BackupReason;
  lock?: LockConflict;
}

const UNREACHABLE =
  /dial tcp|connection refused|no such host|network is unreachable|i\/o timeout|context deadline exceeded|TLS handshake|x509:|certificate|connection reset|EOF$|server misbehaving|temporary failure in name resolution|Client\.Timeout/im;
const MISSING =
  /no such file or directory|does not exist|NoSuchBucket|NoSuchKey|404 Not Found|unexpected HTTP response \(404\)|The specified bucket does not exist|not found/i;

export function parseLockConflict(stderr: string): LockConflict | undefined {
  const m = /repository is already locked (exclusively )?by PID (\d+) on (\S+) by ([^\n(]+?)\s*(?:\(UID|\n|$)/.exec(stderr);
  if (!m) {
    if (/already locked|unable to create lock|failed to lock/i.test(stderr)) {
      return { pid: null, host: null, user: null, exclusive: /exclusive/i.test(stderr), age: null, storageId: null };
    }
    return undefined;
  }
  const age = /lock was created at [^(\n]*\(([^)]+?) ago\)/.exec(stderr);
  const storage = /storage ID ([0-9a-f]+)/.exec(stderr);
  return {
    exclusive: Boolean(m[1]),
    pid: Number(m[2]),
    host: m[3] ?? null,
    user: m[4]?.trim() ?? null,
    age: age?.[1] ?? null,
    storageId: storage?.[1] ?? null,
  };
}

/**
 * Why a restic run failed. Exit codes 10/11/12 exist from restic 0.17; before, the same cases
 * exit 1 and are told apart by their stderr text (which later versions still print too).
 */
export function classify(r: RunResult, features: ResticFeatures | null): Classified {
  const err = r.stderr;
  if (r.spawnError) return { reason: 'restic-missing' };
  if (r.aborted) return { reason: 'interrupted' };
  if (r.timedOut) return { reason: UNREACHABLE.test(err) ? 'repo-unreachable' : 'timeout' };
  if (r.signal || r.code === 130 || r.code === 143 || /signal (interrupt|terminated) received/i.test(err)) {
    return { reason: 'interrupted' };
  }
  if (features?.exitCodes) {
    if (r.code === 10) return { reason: UNREACHABLE.test(err) ? 'repo-unreachable' : 'repo-missing' };
    if (r.code === 11) return { reason: 'locked', lock: parseLockConflict(err) ?? emptyLock() };
    if (r.code === 12) return { reason: 'wrong-password' };
  }
  if (/wrong password|no key found|an empty password is not a password|password is not valid/i.test(err))
    return { reason: 'wrong-password' };
  // The server refused the credentials (REST basic auth, S3 keys).
  if (
    /unexpected HTTP response \((401|403)\)|\b401 Unauthorized|\b403 Forbidden|AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/i.test(
      err,
    )
  )
    return { reason: 'wrong-password' };
  const lock = parseLockConflict(err);
  if (lock) return { reason: 'locked', lock };
  if (/no space left on device|disk quota exceeded|not enough space on the disk|There is not enough space/i.test(err))
    return { reason: 'disk-full' };
  if (/read-only file system/i.test(err)) return { reason: 'read-only' };
  if (/file name too long|filename or extension is too long/i.test(err)) return { reason: 'path-too-long' };
  if (
    /Is there a repository at the following location\?|unable to open config file|repository does not exist|config file does not exist/i.test(
      err,
    )
  ) {
    if (UNREACHABLE.test(err)) return { reason: 'repo-unreachable' };
    return { reason: MISSING.test(err) ? 'repo-missing' : 'repo-unreachable' };
  }
  if (UNREACHABLE.test(err)) return { reason: 'repo-unreachable' };
  if (r.code === 3) return { reason: 'unreadable-files' };
  return { reason: 'unknown' };
}

function emptyLock(): LockConflict {
  return { pid: null, host: null, user: null, exclusive: false, age: null, storageId: null };
}

/** A short, secret-free excerpt of stderr for logs and technician details. */
export function stderrExcerpt(stderr: string, max = 600): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^\{"message_type":"status"/.test(l));
  const text = lines.slice(-8).join(' | ');
  return text.length > max ? text.slice(-max) : text;
}
