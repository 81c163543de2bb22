/**
 * Helpers for the backup tests and the restore benchmark: real restic, real temp folders, the
 * real file secret store. Only the clock is test-controlled (schedule tests: @vigie/common's ManualClock), and a
 * spawner wrapper can run restic with fewer privileges or hand the test its process.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RestoreRequest, type RestoreJob, type RestoreRequestInput } from '@vigie/common';
import { FileSecretStore } from '../../../platform/node/secret-store.js';
import { createLogger } from '../../lib/logger.js';
import { nodeSpawner } from '../node-adapters.js';
import { generatePassword, SECRET_KEYS } from '../repository.js';
import type { ChildLike, Logger, ProcessSpawner } from '../ports.js';
import { STAGING_PREFIX } from '../staging.js';
import { RecordingNotifier } from '../../test-support/recording.js';
import { BackupService, type BackupServiceOptions } from '../service.js';

export const testLogger: Logger = createLogger({ level: (process.env.VIGIE_TEST_LOG as 'debug' | undefined) ?? 'silent' });

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a command (mount, chattr…), throwing with its stderr when it fails. */
export function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.toString()}`);
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a small shell probe in a fresh temp dir: does this machine let the tests do that? */
function probe(script: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-probe-'));
  try {
    return spawnSync('sh', ['-c', script], { cwd: dir, stdio: 'ignore', timeout: 10_000 }).status === 0;
  } finally {
    spawnSync('umount', ['-l', join(dir, 'm')], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

const probes = new Map<string, boolean>();
const probed = (name: string, script: string) => () => {
  if (!probes.has(name)) probes.set(name, isRoot && probe(script));
  return probes.get(name)!;
};

/** Root with the right to mount (tmpfs, read-only bind mounts): full and read-only destinations. */
export const canMount = probed('mount', 'mkdir m && mount -t tmpfs -o size=64k tmpfs m && umount m');
/** The file system takes the immutable flag (chattr +i): a move that fails half-way. */
export const canChattr = probed('chattr', 'touch f && chattr +i f && chattr -i f');
/** restic can run as root without the capabilities that let root read any file. */
export const canDropReadCaps = probed('setpriv', 'setpriv --bounding-set=-dac_override,-dac_read_search -- true');

export async function tempDir(prefix = 'vigie-backup-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, content);
  }
}

export function randomContent(bytes: number): Buffer {
  return randomBytes(bytes);
}

export { RecordingNotifier } from '../../test-support/recording.js';

export interface SpawnRecord {
  args: readonly string[];
  child: ChildLike;
}

/** Wraps a spawner: keeps every child (so a test can signal it) and can prefix the command. */
export class RecordingSpawner implements ProcessSpawner {
  readonly spawned: SpawnRecord[] = [];
  private waiters: Array<{ match: (args: readonly string[]) => boolean; resolve: (r: SpawnRecord) => void }> = [];
  constructor(
    private readonly inner: ProcessSpawner = nodeSpawner,
    private readonly prefix: string[] = [],
  ) {}
  spawn(command: string, args: readonly string[], options: Parameters<ProcessSpawner['spawn']>[2]): ChildLike {
    const [cmd, ...pre] = this.prefix.length ? [...this.prefix, command] : [command];
    const child = this.inner.spawn(cmd!, [...pre, ...args], options);
    const rec = { args, child };
    this.spawned.push(rec);
    for (const w of [...this.waiters]) {
      if (w.match(args)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(rec);
      }
    }
    return child;
  }
  /** Resolves with the next restic run whose first argument is `sub` (e.g. 'backup', 'restore'). */
  next(sub: string): Promise<SpawnRecord> {
    return new Promise((resolve) => this.waiters.push({ match: (a) => a[0] === sub, resolve }));
  }
}

/**
 * Holds restic's `backup` runs at the door once armed, until the test lets them go (a file
 * appears): restic itself runs, only later — a slow safety snapshot, however fast or loaded the
 * machine is. The held child waits in `sh`; nothing in the test sleeps.
 */
export class HeldBackups implements ProcessSpawner {
  private gate: string | null = null;
  private count = 0;
  constructor(
    private readonly dir: string,
    private readonly inner: ProcessSpawner = nodeSpawner,
  ) {}
  /** From now on, `backup` runs wait for release(). */
  arm(): void {
    this.gate = join(this.dir, `gate-${process.pid}-${++this.count}`);
  }
  /** Lets the held runs go (and the next ones pass). */
  async release(): Promise<void> {
    const gate = this.gate;
    this.gate = null;
    if (gate) await writeFile(gate, '');
  }
  spawn(command: string, args: readonly string[], options: Parameters<ProcessSpawner['spawn']>[2]): ChildLike {
    if (!this.gate || args[0] !== 'backup') return this.inner.spawn(command, args, options);
    return this.inner.spawn('sh', ['-c', 'while [ ! -e "$0" ]; do sleep 0.05; done; exec "$@"', this.gate, command, ...args], options);
  }
}

/**
 * Runs restic as root but without the capabilities that let root read any file
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): a chmod 000 file is then really unreadable to it,
 * while the repository (owned by root, mode 0600/0700) stays accessible.
 */
export function unprivilegedSpawner(): RecordingSpawner {
  return new RecordingSpawner(nodeSpawner, ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--']);
}

export interface Fixture {
  root: string;
  data: string;
  repoPath: string;
  secrets: FileSecretStore;
  notifier: RecordingNotifier;
  service: BackupService;
  cleanup: () => Promise<void>;
}

let template: Promise<{ path: string; password: string }> | null = null;

/**
 * One empty repository per test process, copied for each fixture: `restic init` calibrates its
 * key derivation (~0.5 s of scrypt, more on a busy machine), no need to pay it for every test.
 */
function templateRepo(): Promise<{ path: string; password: string }> {
  template ??= (async () => {
    const dir = await tempDir('vigie-restic-template-');
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const password = generatePassword();
    const r = spawnSync('restic', ['init'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        RESTIC_REPOSITORY: join(dir, 'repo'),
        RESTIC_PASSWORD: password,
        RESTIC_CACHE_DIR: join(dir, 'cache'),
      },
    });
    if (r.status !== 0) throw new Error(`restic init failed: ${r.stderr.toString()}`);
    return { path: join(dir, 'repo'), password };
  })();
  return template;
}

/** A service on a fresh local repository (a copy of the per-process empty one). */
export async function makeFixture(
  files: Record<string, string | Buffer> = {},
  opts: Partial<BackupServiceOptions> & { settings?: Record<string, unknown> } = {},
): Promise<Fixture> {
  const root = await tempDir();
  const data = join(root, 'data');
  await mkdir(data, { recursive: true });
  await writeTree(data, files);
  const repoPath = join(root, 'repo');
  const tpl = await templateRepo();
  await cp(tpl.path, repoPath, { recursive: true });
  const secrets = new FileSecretStore(join(root, 'secrets.json'));
  await secrets.set(SECRET_KEYS.repositoryPassword, tpl.password);
  const notifier = new RecordingNotifier();
  const { settings, ...serviceOpts } = opts;
  const service = new BackupService({
    dataDir: join(root, 'app'),
    secrets,
    notifier,
    logger: testLogger,
    resticCacheDir: join(root, 'cache'),
    suggest: { home: join(root, 'home'), env: {} },
    // The user's own folders: the whole temp root (data, and places to « restaurer ailleurs »), which
    // also holds the repository, the app's data folder and restic's cache (reserved inside it).
    home: root,
    tickMs: 3_600_000,
    restorePollMs: 50,
    ...serviceOpts,
  });
  await service.start();
  await service.saveSettings({ settings: { repository: { kind: 'local', path: repoPath }, folders: [data], ...settings } });
  return {
    root,
    data,
    repoPath,
    secrets,
    notifier,
    service,
    cleanup: async () => {
      await service.stop();
      await removeDir(root);
    },
  };
}

/**
 * Lets a process run in short slices (SIGCONT … SIGSTOP) until `cond` holds, and leaves it
 * stopped: "midway" is then a state the test controls, however fast or loaded the machine is.
 */
export async function stepUntil(pid: number, cond: () => Promise<boolean>, sliceMs = 5, timeoutMs = 60_000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch (e) {
      throw new Error(`process ${pid} is gone before the condition held`, { cause: e });
    }
  };
  signal('SIGSTOP');
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out stepping the process');
    signal('SIGCONT');
    await new Promise((r) => setTimeout(r, sliceMs));
    signal('SIGSTOP');
  }
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, stepMs = 10): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * A local repository's locks. restic's local backend writes a lock as `<id>-tmp-<n>` and renames
 * it to `<id>`: only those names are locks (a process killed in between leaves a temp file that
 * restic ignores).
 */
export async function locksOf(repo: string): Promise<string[]> {
  return (await readdir(join(repo, 'locks')).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

/** One backup through the service, which must succeed; the snapshot it made. */
export async function backupNow(f: Pick<Fixture, 'service'>): Promise<{ id: string; time: Date }> {
  const run = await f.service.runBackup();
  if (run.outcome !== 'ok') throw new Error(`backup ${run.outcome}: ${JSON.stringify(run.error)}`);
  await f.service.idle();
  const snap = (await f.service.listSnapshots())[0]!;
  return { id: snap.id, time: new Date(snap.time) };
}

/** Starts a restore and waits for its end; with the job's own events, in order. */
export async function restoreAndWait(
  f: Pick<Fixture, 'service'>,
  input: RestoreRequestInput,
): Promise<{ job: RestoreJob; events: RestoreJob[] }> {
  const events: RestoreJob[] = [];
  const off = f.service.on('restore', (j) => events.push(j));
  try {
    const started = f.service.restore(RestoreRequest.parse(input));
    const job = await f.service.restores.settled(started.id);
    return { job, events: events.filter((e) => e.id === started.id) };
  } finally {
    off();
  }
}

/** Restore staging folders directly in `dir`. */
export async function stagingsIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith(STAGING_PREFIX));
}
