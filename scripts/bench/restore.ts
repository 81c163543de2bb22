/**
 * Restore benchmark: `npm run bench:restore [-- --rounds 2 --data-dir DIR]` (or BENCH_ROUNDS,
 * BENCH_RESTORE_DIR).
 *
 * A data set of ~1 GB (2,000 files of mixed sizes, incompressible) is generated once in
 * <tmp>/vigie-bench-restore/data and reused. Each run: a fresh repository, a backup through
 * Vigie, single-file restores through Vigie (from the panel — folder listed first — and cold),
 * then full restores through Vigie, bare
 * `restic restore` and `cp -a`, alternating in the same run (best of the rounds, warm page cache
 * for all). Prints a table and one summary line:
 * `single_file_s=… full_restore_s=… overhead_vs_restic=… ratio_vs_cp=… safety_snapshot_s=… safety_changes_s=…`.
 * Targets: single file < 2 s; Vigie's overhead ≤ 1.10× bare restic. The safety snapshot (issue 12:
 * what control waits for, a few seconds at most) is measured on the same folder after the first
 * full backup, and the change list after a session (a snapshot after it + `restic diff`) with
 * 20 new documents.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RestoreRequest } from '@vigie/common';
import { FileSecretStore } from '../../main/platform/node/secret-store.js';
import { SECRET_KEYS } from '../../main/services/backup/repository.js';
import { SafetyService } from '../../main/services/backup/safety.js';
import { BackupService } from '../../main/services/backup/service.js';
import { RecordingNotifier, testLogger } from '../../main/services/backup/test-support/index.js';

function arg(name: string, env: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.env[env];
}
const ROUNDS = Math.max(1, Number(arg('rounds', 'BENCH_ROUNDS') ?? 2));
const BASE = arg('data-dir', 'BENCH_RESTORE_DIR') ?? join(tmpdir(), 'vigie-bench-restore');
const FILES = 2000;
const TARGET_BYTES = 1024 ** 3;

const seconds = (ms: number) => ms / 1000;
const fmt = (x: number, d = 2) => x.toFixed(d);
const say = (m: string) => process.stdout.write(`${m}\n`);

/** Deterministic mixed sizes: many small documents, some scans, a few large images. */
function sizes(): number[] {
  let seed = 0x5eed;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: number[] = [];
  for (let i = 0; i < FILES; i++) {
    const r = rnd();
    if (i % 400 === 0)
      out.push(Math.floor((40 + rnd() * 30) * 1024 * 1024)); // 5 files of 40–70 MB
    else if (r < 0.6)
      out.push(Math.floor(2048 + rnd() * 60 * 1024)); // documents: 2–62 KB
    else if (r < 0.9)
      out.push(Math.floor(64 * 1024 + rnd() * 700 * 1024)); // scans: 64–764 KB
    else out.push(Math.floor(1024 * 1024 + rnd() * 4 * 1024 * 1024)); // images: 1–5 MB
  }
  const total = out.reduce((a, b) => a + b, 0);
  return out.map((s) => Math.max(1, Math.floor((s * TARGET_BYTES) / total)));
}

async function ensureData(dir: string): Promise<{ files: number; bytes: number }> {
  const marker = join(dir, '..', 'data.complete.json');
  if (existsSync(marker)) {
    const m = JSON.parse(await readFile(marker, 'utf8')) as { files: number; bytes: number };
    say(`data set reused: ${dir} (${m.files} files, ${fmt(m.bytes / 1024 ** 3)} GiB)`);
    return m;
  }
  say(`generating the data set in ${dir} (once)…`);
  await rm(dir, { recursive: true, force: true });
  const list = sizes();
  let bytes = 0;
  for (const [i, size] of list.entries()) {
    const sub = join(dir, `Patients ${String(Math.floor(i / 100)).padStart(2, '0')}`, i % 3 === 0 ? 'Comptes rendus' : 'Imagerie');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `document ${String(i).padStart(4, '0')} é.bin`), randomBytes(size));
    bytes += size;
  }
  const m = { files: list.length, bytes };
  await writeFile(marker, JSON.stringify(m));
  return m;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} ${args[0]} failed (${code}): ${err.slice(-400)}`)),
    );
  });
}

async function treeBytes(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}

async function main() {
  if (spawnSync('restic', ['version']).status !== 0)
    throw new Error('restic is not installed (apt-get install restic / brew install restic)');
  const data = join(BASE, 'data');
  await mkdir(BASE, { recursive: true });
  const set = await ensureData(data);
  const work = join(BASE, 'run');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });

  const secrets = new FileSecretStore(join(work, 'secrets.json'));
  const cacheDir = join(work, 'cache');
  const service = new BackupService({
    dataDir: join(work, 'app'),
    secrets,
    notifier: new RecordingNotifier(),
    logger: testLogger,
    resticCacheDir: cacheDir,
    suggest: { home: join(work, 'home'), env: {} },
    // « Restaurer ailleurs » into work/vigie-N: the bench's run folder plays the user's home.
    home: work,
    tickMs: 3_600_000,
  });
  await service.start();
  const version = (await service.restic.detect()).text;
  const repo = join(work, 'repo');
  await service.saveSettings({ settings: { repository: { kind: 'local', path: repo }, folders: [data] } });

  // Backup through Vigie.
  let t0 = performance.now();
  const backup = await service.runBackup('manual');
  const backupMs = performance.now() - t0;
  if (backup.outcome !== 'ok') throw new Error(`backup failed: ${JSON.stringify(backup.error)}`);
  await service.idle();

  // The panel lists the dates before anything is restored.
  const [snap] = await service.listSnapshots();
  if (!snap) throw new Error('no snapshot');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: (await secrets.get(SECRET_KEYS.repositoryPassword))!,
    RESTIC_CACHE_DIR: cacheDir,
  };

  // Single file through Vigie (copy beside, the default), a 700 KB scan in a folder of 100 files.
  // "panel": the practitioner opened the folder (or searched the name) before clicking Restaurer,
  // as the panel requires, so the file's size is known; "cold": nothing listed before.
  const one = join(data, 'Patients 10', 'Imagerie', 'document 1001 é.bin');
  const restoreOne = async (): Promise<number> => {
    const t = performance.now();
    const job = service.restore(RestoreRequest.parse({ snapshotId: snap.id, paths: [one] }));
    const done = await service.restores.settled(job.id);
    const ms = performance.now() - t;
    if (done.state !== 'done') throw new Error(`single-file restore failed: ${JSON.stringify(done.error)}`);
    const to = done.result!.items[0]!.to;
    const same =
      createHash('sha256')
        .update(await readFile(to))
        .digest('hex') ===
      createHash('sha256')
        .update(await readFile(one))
        .digest('hex');
    if (!same) throw new Error('restored file differs');
    await rm(to);
    return ms;
  };
  const coldMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) coldMs.push(await restoreOne());
  await service.browse({ snapshotId: snap.id, path: join(data, 'Patients 10', 'Imagerie') });
  const singleMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) singleMs.push(await restoreOne());

  // Full restores, alternating, same run.
  const vigieMs: number[] = [];
  const resticMs: number[] = [];
  const cpMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const tr = join(work, `restic-${r}`);
    resticMs.push(await run('restic', ['restore', snap.id, '--target', tr], env));
    const restoredByRestic = await treeBytes(join(tr, data));
    await rm(tr, { recursive: true, force: true });

    const tv = join(work, `vigie-${r}`);
    t0 = performance.now();
    const job = service.restore(RestoreRequest.parse({ snapshotId: snap.id, paths: [data], mode: 'folder', targetDir: tv }));
    const done = await service.restores.settled(job.id);
    vigieMs.push(performance.now() - t0);
    if (done.state !== 'done') throw new Error(`full restore failed: ${JSON.stringify(done.error)}`);
    const restoredByVigie = await treeBytes(done.result!.items[0]!.to);
    if (restoredByVigie.files !== set.files || restoredByVigie.bytes !== set.bytes || restoredByRestic.bytes !== set.bytes) {
      throw new Error(`restored ${JSON.stringify(restoredByVigie)} / ${JSON.stringify(restoredByRestic)}, expected ${JSON.stringify(set)}`);
    }
    await rm(tv, { recursive: true, force: true });

    const tc = join(work, `cp-${r}`);
    cpMs.push(await run('cp', ['-a', data, tc], process.env));
    await rm(tc, { recursive: true, force: true });
  }

  // The safety snapshot before a technician acts (issue 12), after the first full backup: nothing
  // changed since (the usual case between two scheduled backups), incremental.
  const safety = new SafetyService({ backup: service, dataDir: join(work, 'app'), logger: testLogger });
  await safety.start();
  const safetyMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    t0 = performance.now();
    const out = await safety.before({ requestId: `bench-${r}`, technicianName: 'Bench' });
    safetyMs.push(performance.now() - t0);
    if (!out.ok) throw new Error(`safety snapshot failed: ${out.reason}`);
  }
  // After the session: 20 new documents, then the snapshot after it and the diff (what the practitioner sees).
  const added = join(data, 'Nouveaux documents (bench)');
  await mkdir(added, { recursive: true });
  for (let i = 0; i < 20; i++) await writeFile(join(added, `document ${i}.bin`), randomBytes(40 * 1024));
  t0 = performance.now();
  safety.after(`bench-${ROUNDS - 1}`);
  await safety.idle();
  const changesMs = performance.now() - t0;
  const listed = safety.get(`bench-${ROUNDS - 1}`)?.changes;
  await rm(added, { recursive: true, force: true });
  if (listed?.state !== 'ready' || listed.counts.added !== 1 || listed.items[0]?.inside !== 20)
    throw new Error(`change list: ${JSON.stringify(listed)}`);
  await safety.stop();
  await service.stop();

  const best = (xs: number[]) => Math.min(...xs);
  const single = seconds(best(singleMs));
  const full = seconds(best(vigieMs));
  const bare = seconds(best(resticMs));
  const cp = seconds(best(cpMs));
  const rows: Array<[string, string, string]> = [
    ['data set', `${set.files} files, ${fmt(set.bytes / 1024 ** 3)} GiB`, ''],
    ['restic', version, ''],
    [
      'backup through Vigie (first, fresh repo)',
      `${fmt(seconds(backupMs))} s`,
      `${fmt(set.bytes / 1024 ** 2 / seconds(backupMs), 0)} MiB/s`,
    ],
    [
      'single file through Vigie (700 KB, beside, from the panel)',
      `${fmt(single)} s`,
      `rounds: ${singleMs.map((x) => fmt(seconds(x))).join(', ')}  (target < 2 s)`,
    ],
    [
      'single file through Vigie, nothing listed before',
      `${fmt(seconds(best(coldMs)))} s`,
      `rounds: ${coldMs.map((x) => fmt(seconds(x))).join(', ')}`,
    ],
    ['full restore through Vigie (staging, verify, move)', `${fmt(full)} s`, `rounds: ${vigieMs.map((x) => fmt(seconds(x))).join(', ')}`],
    ['full restore, bare `restic restore`', `${fmt(bare)} s`, `rounds: ${resticMs.map((x) => fmt(seconds(x))).join(', ')}`],
    ['full copy, `cp -a`', `${fmt(cp)} s`, `rounds: ${cpMs.map((x) => fmt(seconds(x))).join(', ')}`],
    ['Vigie / bare restic', `${fmt(full / bare)}×`, '(target ≤ 1.10×)'],
    ['Vigie / cp -a', `${fmt(full / cp)}×`, ''],
    [
      'safety snapshot after the full backup (incremental)',
      `${fmt(seconds(best(safetyMs)))} s`,
      `rounds: ${safetyMs.map((x) => fmt(seconds(x))).join(', ')}  (control waits at most 5 s)`,
    ],
    ['changes after a session (snapshot after + restic diff, 20 new files)', `${fmt(seconds(changesMs))} s`, ''],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  say(`\n${'measure'.padEnd(w0)}  ${'value'.padEnd(w1)}  notes`);
  say(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(20)}`);
  for (const [a, b, c] of rows) say(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  say(
    `\nsingle_file_s=${fmt(single)} full_restore_s=${fmt(full)} overhead_vs_restic=${fmt(full / bare)} ratio_vs_cp=${fmt(full / cp)} safety_snapshot_s=${fmt(seconds(best(safetyMs)))} safety_changes_s=${fmt(seconds(changesMs))}`,
  );
  await rm(work, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
