import type { Logger, ProcessSpawner } from '../ports.js';
import { backupError } from '../errors.js';
import { classify, stderrExcerpt, type LockConflict } from './classify.js';
import {
  ResticFindJson,
  ResticLockJson,
  ResticSnapshotsJson,
  ResticStatsJson,
  parseBackupLine,
  parseJsonDocument,
  parseDiffLine,
  parseLsLine,
  type BackupStatusLine,
  type BackupSummaryLine,
  type ResticDiffChange,
  type ResticLsNode,
  type ResticSnapshotJson,
} from './parse.js';
import { runProcess, type RunOptions, type RunResult } from './runner.js';
import { featuresOf, isSupported, parseResticVersion, type ResticFeatures, type ResticVersion } from './version.js';

/** A repository as restic sees it: environment variables only (secrets never go on the command line). */
export interface RepoTarget {
  /** RESTIC_REPOSITORY, RESTIC_PASSWORD and backend credentials (AWS_*). */
  env: Record<string, string>;
  /** Identifies the repository (for single-flight and logs); never contains a secret. */
  key: string;
}

export interface ResticOptions {
  /** The restic binary: the pinned one shipped with the app, or "restic" from PATH. */
  bin: string;
  spawner: ProcessSpawner;
  logger: Logger;
  /** restic's cache (RESTIC_CACHE_DIR); restic's default when absent. */
  cacheDir?: string;
  /** Timeout of read-only queries (snapshots, ls, find, stats…). */
  queryTimeoutMs?: number;
  /** Environment the child starts from (default: a whitelist of process.env). */
  baseEnv?: Record<string, string>;
}

/** Variables a child needs to find its home, temp dir, proxy and (Windows) system; nothing else is inherited. */
const INHERITED = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LC_ALL',
  'XDG_CACHE_HOME',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'SystemRoot',
  'SYSTEMROOT',
  'ComSpec',
  'windir',
  'PATHEXT',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

export function inheritedEnv(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED) {
    const v = from[k];
    if (typeof v === 'string') env[k] = v;
  }
  return env;
}

export interface BackupRunResult {
  /** 0 (complete) or 3 (snapshot made, some files unreadable). */
  exitCode: 0 | 3;
  summary: BackupSummaryLine | null;
  unreadable: string[];
  unreadableCount: number;
}

export interface BackupRunOptions {
  excludes?: readonly string[];
  tags?: readonly string[];
  /** The snapshot's time (`--time`, local time to the second); restic's own clock when absent. */
  time?: Date;
  onStatus?: (s: BackupStatusLine) => void;
  signal?: AbortSignal;
  onSpawn?: RunOptions['onSpawn'];
}

const MAX_UNREADABLE_KEPT = 100;

/**
 * restic, one command at a time: builds the environment, runs it to the end, parses its JSON and
 * turns failures into VigieErrors with a backup reason. Knows nothing of settings or schedules.
 */
export class Restic {
  private version: ResticVersion | null = null;
  private feats: ResticFeatures | null = null;
  private readonly log: Logger;

  constructor(private readonly opts: ResticOptions) {
    this.log = opts.logger.child({ svc: 'restic' });
  }

  get features(): ResticFeatures | null {
    return this.feats;
  }

  get versionText(): string | null {
    return this.version?.text ?? null;
  }

  /** `restic version`, once. Throws restic-missing when there is no usable restic. */
  async detect(): Promise<ResticVersion> {
    if (this.version) return this.version;
    const r = await runProcess(
      this.opts.spawner,
      this.opts.bin,
      ['version'],
      this.env({}),
      { collectStdout: true, timeoutMs: 30_000 },
      this.log,
    );
    const v = r.code === 0 ? parseResticVersion(r.stdout) : null;
    if (!v) {
      this.log.error('restic not usable', { bin: this.opts.bin, code: r.code, err: r.spawnError ?? undefined });
      throw backupError('restic-missing', { details: { bin: this.opts.bin } });
    }
    if (!isSupported(v)) this.log.warn('restic older than 0.14: not supported, trying anyway', { version: v.text });
    this.version = v;
    this.feats = featuresOf(v);
    this.log.info('restic detected', { version: v.text, features: this.feats });
    return v;
  }

  private env(repoEnv: Record<string, string>): Record<string, string> {
    const env = { ...(this.opts.baseEnv ?? inheritedEnv()), ...repoEnv };
    if (this.opts.cacheDir) env.RESTIC_CACHE_DIR = this.opts.cacheDir;
    // Two status lines per second are plenty for a progress bar.
    env.RESTIC_PROGRESS_FPS = '2';
    return env;
  }

  /** Runs restic against a repository. Never throws: see `check()`. */
  async exec(repo: RepoTarget, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    await this.detect();
    const r = await runProcess(this.opts.spawner, this.opts.bin, args, this.env(repo.env), options, this.log);
    this.log.debug('restic ran', { cmd: args[0], code: r.code, signal: r.signal, ms: r.durationMs, repo: repo.key });
    return r;
  }

  /** Throws the classified failure of a run that did not succeed. */
  fail(r: RunResult, what: string, repo: RepoTarget): never {
    const c = classify(r, this.feats);
    const excerpt = stderrExcerpt(r.stderr);
    this.log.warn('restic failed', { what, reason: c.reason, code: r.code, signal: r.signal, repo: repo.key, stderr: excerpt });
    throw backupError(c.reason, {
      details: { exitCode: r.code, ...(c.lock ? { lock: c.lock } : {}), ...(excerpt ? { restic: excerpt } : {}) },
    });
  }

  private async query(repo: RepoTarget, args: readonly string[], what: string, options: RunOptions = {}): Promise<RunResult> {
    const r = await this.exec(repo, args, { timeoutMs: this.opts.queryTimeoutMs ?? 120_000, ...options });
    if (r.code !== 0) this.fail(r, what, repo);
    return r;
  }

  /** Succeeds when the repository exists and the password opens it. */
  async catConfig(repo: RepoTarget): Promise<void> {
    const r = await this.exec(repo, ['cat', 'config', '--no-lock'], {
      timeoutMs: this.opts.queryTimeoutMs ?? 120_000,
      collectStdout: true,
    });
    if (r.code === 0) return;
    // A missing repository is the expected answer before the first `init`: not worth a warning.
    if (classify(r, this.feats).reason === 'repo-missing') {
      this.log.info('no repository yet', { repo: repo.key });
      throw backupError('repo-missing', { details: { exitCode: r.code } });
    }
    this.fail(r, 'cat config', repo);
  }

  async init(repo: RepoTarget): Promise<void> {
    const r = await this.exec(repo, ['init'], { timeoutMs: 120_000 });
    if (r.code !== 0) this.fail(r, 'init', repo);
  }

  async snapshots(repo: RepoTarget, opts: { tags?: readonly string[] } = {}): Promise<ResticSnapshotJson[]> {
    const args = ['snapshots', '--json', '--no-lock'];
    for (const t of opts.tags ?? []) args.push('--tag', t);
    const r = await this.query(repo, args, 'snapshots', { collectStdout: true });
    const parsed = ResticSnapshotsJson.safeParse(parseJsonDocument(r.stdout));
    if (!parsed.success) throw backupError('unknown', { details: { what: 'snapshots output' } });
    return parsed.data ?? [];
  }

  /**
   * Streams the nodes of `dirs` in a snapshot (the directory itself, its children and, when
   * recursive, everything below). `--no-lock`: a read-only query never blocks a backup.
   */
  async ls(
    repo: RepoTarget,
    snapshotId: string,
    dirs: string | readonly string[],
    opts: { recursive?: boolean; onNode: (n: ResticLsNode) => void; signal?: AbortSignal },
  ): Promise<void> {
    const args = ['ls', '--json', '--no-lock'];
    if (opts.recursive) args.push('--recursive');
    args.push(snapshotId, ...(typeof dirs === 'string' ? [dirs] : dirs));
    await this.query(repo, args, 'ls', {
      onStdoutLine: (line) => {
        const n = parseLsLine(line);
        if (n) opts.onNode(n);
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async find(
    repo: RepoTarget,
    pattern: string,
    opts: { ignoreCase?: boolean; tags?: readonly string[] } = {},
  ): Promise<NonNullable<ResticFindJson>> {
    const args = ['find', '--json', '--no-lock'];
    if (opts.ignoreCase) args.push('--ignore-case');
    for (const t of opts.tags ?? []) args.push('--tag', t);
    args.push('--', pattern);
    const r = await this.query(repo, args, 'find', { collectStdout: true });
    const text = r.stdout.trim();
    if (!text) return [];
    const parsed = ResticFindJson.safeParse(parseJsonDocument(text));
    if (!parsed.success) throw backupError('unknown', { details: { what: 'find output' } });
    return parsed.data ?? [];
  }

  /** `stats --mode raw-data`: bytes the repository stores (after dedup and compression). */
  async repoSize(repo: RepoTarget): Promise<{ bytes: number; snapshots: number | null }> {
    const r = await this.query(repo, ['stats', '--json', '--no-lock', '--mode', 'raw-data'], 'stats', { collectStdout: true });
    const parsed = ResticStatsJson.safeParse(parseJsonDocument(r.stdout));
    if (!parsed.success) throw backupError('unknown', { details: { what: 'stats output' } });
    return { bytes: parsed.data.total_size, snapshots: parsed.data.snapshots_count ?? null };
  }

  /**
   * `backup --json`: streams status lines, collects unreadable files (JSON error lines, on
   * stderr in 0.14 and stdout later), and succeeds on exit 0 or 3 (3 = snapshot made without
   * the files that could not be read).
   */
  async backup(repo: RepoTarget, paths: readonly string[], opts: BackupRunOptions = {}): Promise<BackupRunResult> {
    const args = ['backup', '--json', '--exclude-caches'];
    for (const t of opts.tags ?? []) args.push('--tag', t);
    if (opts.time) args.push('--time', resticTime(opts.time));
    for (const e of opts.excludes ?? []) args.push('--exclude', e);
    args.push('--', ...paths);
    let summary: BackupSummaryLine | null = null;
    const unreadable: string[] = [];
    const seen = new Set<string>();
    let unreadableCount = 0;
    const onError = (item: string | undefined) => {
      if (!item || seen.has(item)) return;
      seen.add(item);
      unreadableCount++;
      if (unreadable.length < MAX_UNREADABLE_KEPT) unreadable.push(item);
    };
    const onLine = (line: string) => {
      const l = parseBackupLine(line);
      if (l.kind === 'status') opts.onStatus?.(l.v);
      else if (l.kind === 'summary') summary = l.v;
      else if (l.kind === 'error') onError(l.v.item);
    };
    const r = await this.exec(repo, args, {
      onStdoutLine: onLine,
      onStderrLine: (line) => {
        if (line.startsWith('{')) return onLine(line);
        // Text form ("error: open /x: permission denied") when restic did not use JSON for it.
        const m = /^error: (?:open|lstat|read|stat) (.+?): /.exec(line);
        if (m) onError(m[1]);
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
    });
    if (r.code === 0 || (r.code === 3 && !r.aborted)) {
      return { exitCode: r.code, summary, unreadable, unreadableCount: Math.max(unreadableCount, r.code === 3 ? 1 : 0) };
    }
    this.fail(r, 'backup', repo);
  }

  /** `keepTags`: snapshots carrying any of these tags are kept whatever the policy says (`--keep-tag`). */
  async forget(
    repo: RepoTarget,
    keep: { daily: number; weekly: number; monthly: number },
    opts: { tags?: readonly string[]; keepTags?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<void> {
    const args = [
      'forget',
      '--prune',
      '--keep-daily',
      String(keep.daily),
      '--keep-weekly',
      String(keep.weekly),
      '--keep-monthly',
      String(keep.monthly),
    ];
    for (const t of opts.tags ?? []) args.push('--tag', t);
    for (const t of opts.keepTags ?? []) args.push('--keep-tag', t);
    const r = await this.exec(repo, args, opts.signal ? { signal: opts.signal } : {});
    if (r.code !== 0) this.fail(r, 'forget', repo);
  }

  /** `check --read-data-subset`: structure plus a sample of the data re-read and verified. */
  async check(repo: RepoTarget, subset: string, opts: { signal?: AbortSignal } = {}): Promise<{ ok: boolean; excerpt: string }> {
    const r = await this.exec(repo, ['check', `--read-data-subset=${subset}`], opts.signal ? { signal: opts.signal } : {});
    if (r.code === 0) return { ok: true, excerpt: '' };
    const c = classify(r, this.feats);
    // Errors of the repository itself (not of access to it) mean the check found damage.
    if (c.reason === 'unknown') return { ok: false, excerpt: stderrExcerpt(r.stderr) };
    this.fail(r, 'check', repo);
  }

  /** `unlock` without --remove-all: restic removes only stale locks (older than 30 min, or of a dead process on this host). */
  async unlock(repo: RepoTarget): Promise<void> {
    const r = await this.exec(repo, ['unlock'], { timeoutMs: 60_000 });
    if (r.code !== 0) this.fail(r, 'unlock', repo);
  }

  async listLocks(repo: RepoTarget): Promise<string[]> {
    const r = await this.query(repo, ['list', 'locks', '--no-lock'], 'list locks', { collectStdout: true });
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[0-9a-f]{64}$/.test(l));
  }

  /** One lock's content; null when it vanished meanwhile (restic retries a missing file for long: short timeout). */
  async catLock(repo: RepoTarget, id: string): Promise<ResticLockJson | null> {
    const r = await this.exec(repo, ['cat', 'lock', id, '--no-lock'], { collectStdout: true, timeoutMs: 8_000, graceMs: 1_000 });
    if (r.code !== 0) return null;
    const parsed = ResticLockJson.safeParse(parseJsonDocument(r.stdout));
    return parsed.success ? parsed.data : null;
  }

  /**
   * `diff --json` between two snapshots (restic ≥ 0.12, so every supported version): one line per
   * path added (+), removed (-), whose content changed (M) or whose type changed (T); folders end
   * with '/'. Metadata-only changes are not asked for. `--no-lock`: it only reads.
   */
  async diff(
    repo: RepoTarget,
    from: string,
    to: string,
    opts: { onChange: (c: ResticDiffChange) => void; signal?: AbortSignal },
  ): Promise<void> {
    await this.query(repo, ['diff', '--json', '--no-lock', from, to], 'diff', {
      onStdoutLine: (line) => {
        const c = parseDiffLine(line);
        if (c) opts.onChange(c);
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  /** `restore` into `target`, limited to `includes` (already escaped patterns). The caller checks the result. */
  restore(repo: RepoTarget, snapshotId: string, target: string, includes: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const args = ['restore', snapshotId, '--target', target];
    if (this.feats?.restoreJson) args.push('--json');
    for (const inc of includes) args.push('--include', inc);
    return this.exec(repo, args, options);
  }
}

export type { LockConflict };

const pad2 = (n: number) => String(n).padStart(2, '0');

/** restic's `--time` format ("2006-01-02 15:04:05", read in the machine's local time). */
export function resticTime(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}
