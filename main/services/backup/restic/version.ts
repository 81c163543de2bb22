/**
 * restic versions and what each can do. Vigie works with every restic from 0.14 (Debian 12) to
 * 0.19; behaviour that differs is switched on these flags, never on scattered version tests.
 */
export interface ResticVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed ("0.14.0"). */
  text: string;
}

export interface ResticFeatures {
  /** `restore --json` prints status/summary lines (0.16+); before, progress is measured from the staging folder. */
  restoreJson: boolean;
  /** `snapshots --json` carries a `summary` with sizes (0.17+). */
  snapshotSummary: boolean;
  /** Exit codes 10 (no repository), 11 (lock failed), 12 (wrong password) (0.17+); before, stderr text. */
  exitCodes: boolean;
  /** JSON error messages carry `{ "message": … }` (0.17+); before, a Go error struct. */
  structuredErrors: boolean;
}

export const MIN_SUPPORTED = { major: 0, minor: 14, patch: 0 } as const;

/** Parses `restic version` output ("restic 0.14.0 compiled with go1.19.8 on linux/amd64"). */
export function parseResticVersion(output: string): ResticVersion | null {
  const m = /restic\s+v?(\d+)\.(\d+)\.(\d+)(?:-[\w.]+)?/.exec(output);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}` };
}

export function atLeast(v: Pick<ResticVersion, 'major' | 'minor' | 'patch'>, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

export function featuresOf(v: ResticVersion): ResticFeatures {
  return {
    restoreJson: atLeast(v, 0, 16),
    snapshotSummary: atLeast(v, 0, 17),
    exitCodes: atLeast(v, 0, 17),
    structuredErrors: atLeast(v, 0, 17),
  };
}

export function isSupported(v: ResticVersion): boolean {
  return atLeast(v, MIN_SUPPORTED.major, MIN_SUPPORTED.minor, MIN_SUPPORTED.patch);
}
