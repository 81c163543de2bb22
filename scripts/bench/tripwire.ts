/**
 * Ransomware tripwire benchmark: `npm run bench:tripwire [-- --rate 20 --days 30]` (or
 * BENCH_TRIPWIRE_RATE, BENCH_TRIPWIRE_DAYS).
 *
 * A 2,000-file practice folder on this machine's disk, the real tripwire (control files, the real
 * watcher and sampler, the detector) and real restic backups every evening. 30 simulated days of
 * practice life on a simulated clock — documents edited (some the way Word saves), scans added,
 * files renamed and deleted — with the bulk but benign events that must not trip it: 2,000
 * scanned PDFs imported at once (day 5), a software update rewriting thousands of files outside
 * the practice folders and its own files inside them (day 12), a mail re-index rewriting its store
 * and hundreds of index blobs (day 20), folders reorganised (300 files moved, day 25). Then an
 * attack in real time: files overwritten with random bytes one after the other (`--rate` files
 * per second), renamed with an extension of its own, a ransom note in each folder it finishes;
 * then, once lifted, the same attack leaving hidden files alone and dropping no note (entropy only).
 * Prints a table and one summary line:
 * `attack_detected=… detect_s=… files_encrypted_before_alert=… false_alarms=… normal_days=30`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deflateSync } from 'node:zlib';
import type { TripwireAlert } from '@vigie/common';
import { ManualClock } from '@vigie/common/test-support/clock';
import { makeFixture, testLogger } from '../../main/services/backup/test-support/index.js';
import { TripwireService } from '../../main/services/tripwire/service.js';

function arg(name: string, env: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.env[env];
}
const RATE = Math.max(1, Number(arg('rate', 'BENCH_TRIPWIRE_RATE') ?? 20));
const DAYS = Math.max(1, Number(arg('days', 'BENCH_TRIPWIRE_DAYS') ?? 30));
const FILES = 2000;
const DAY = 86_400_000;
const say = (m: string) => process.stdout.write(`${m}\n`);
const fmt = (x: number, d = 2) => x.toFixed(d);

// Deterministic choices (the content itself is random bytes where it should be).
let seed = 0x7e1e;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// ---------- content of the usual kinds ----------

const pdf = (kb: number) =>
  Buffer.concat([
    Buffer.from('%PDF-1.6\n1 0 obj\n<< /Type /XObject /Subtype /Image /Filter /FlateDecode >>\nstream\n'),
    deflateSync(randomBytes(kb * 1024)),
    Buffer.from('\nendstream\nendobj\n%%EOF\n'),
  ]);
const zipDoc = (kb: number) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), randomBytes(kb * 1024)]);
const jpeg = (kb: number) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), randomBytes(kb * 1024)]);
const dicom = (kb: number) => Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), randomBytes(kb * 1024)]);
const text = (kb: number) => {
  const words = [
    'patient',
    'consultation',
    'ordonnance',
    'tension',
    'traitement',
    'suivi',
    'bilan',
    'renouvellement',
    'douleur',
    'examen',
    'résultats',
    'normal',
  ];
  let s = '';
  while (s.length < kb * 1024) s += `${Array.from({ length: 12 }, () => pick(words)).join(' ')}.\n`;
  return Buffer.from(s);
};
const KINDS: Record<string, (kb: number) => Buffer> = {
  pdf,
  docx: zipDoc,
  xlsx: zipDoc,
  odt: zipDoc,
  jpg: jpeg,
  dcm: dicom,
  txt: text,
  csv: text,
};
const contentFor = (name: string) => KINDS[name.slice(name.lastIndexOf('.') + 1)]!(2 + Math.floor(rnd() * 38));

const LAYOUT: Array<[folder: string, count: number, exts: string[]]> = [
  // Documents at the top of the folder too: the control files there are not the first thing an attack meets.
  ['', 20, ['docx', 'pdf', 'xlsx']],
  ['Patients', 680, ['pdf', 'docx', 'txt']],
  ['Courriers', 400, ['docx', 'odt', 'pdf']],
  ['Comptabilite', 200, ['xlsx', 'csv']],
  ['Imagerie', 250, ['jpg', 'dcm']],
  ['Ordonnances', 300, ['pdf', 'txt']],
  ['Logiciel Medical', 148, ['csv', 'pdf']],
];

async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkFiles(p)));
    else if (e.isFile() && !e.name.startsWith('.000 - ')) out.push(p);
  }
  return out;
}

async function main(): Promise<void> {
  say(`tripwire benchmark: ${FILES}-file practice folder, ${DAYS} simulated days, then an attack at ${RATE} files/s`);
  const f = await makeFixture({}, { retentionHold: () => tripwire.holding(), extraExcludes: () => tripwire.excludes() });
  const practice = f.data;
  const outside = join(f.root, 'Program Files', 'Logiciel Medical');
  const sim = new ManualClock(Date.parse('2025-03-03T07:00:00Z'));
  const started = performance.now();

  // The practice folder: 2,000 files, one of them the mail store.
  let n = 0;
  for (const [folder, count, exts] of LAYOUT) {
    await mkdir(join(practice, folder), { recursive: true });
    for (let i = 0; i < count; i++, n++) {
      const name = `${folder ? folder.toLowerCase().replace(/ /g, '-') : 'courant'}-${String(i).padStart(4, '0')}.${exts[i % exts.length]}`;
      await writeFile(join(practice, folder, name), contentFor(name));
    }
  }
  await mkdir(join(practice, 'Fichiers Outlook', 'index'), { recursive: true });
  await writeFile(join(practice, 'Fichiers Outlook', 'archive.pst'), Buffer.concat([Buffer.from('!BDN'), randomBytes(300 * 1024)]));
  await writeFile(join(practice, 'Fichiers Outlook', 'index', 'segment-0.idx'), randomBytes(8 * 1024));
  n += 2;
  await mkdir(outside, { recursive: true });
  for (let i = 0; i < 500; i++) await writeFile(join(outside, `module${i}.dll`), Buffer.concat([Buffer.from('MZ'), randomBytes(8 * 1024)]));

  const alerts: Array<{ alert: TripwireAlert; at: number }> = [];
  const tripwire: TripwireService = new TripwireService({
    dataDir: join(f.root, 'app'),
    logger: testLogger,
    folders: () => [practice],
    ownFolders: () => f.service.folders().own,
    clock: sim,
  });
  tripwire.on('raise', (alert) => alerts.push({ alert, at: sim.now() }));
  await tripwire.start();
  say(
    `practice folder: ${n} files, ${tripwire.canaryPaths().length} control files placed; watcher ready in ${fmt((performance.now() - started) / 1000, 1)} s`,
  );

  /** Lets the watcher's notifications in, then walks (the safety net) before the clock moves on. */
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 0));
    await tripwire.settle();
    await tripwire.rescan();
  };
  const tick = (ms: number) => {
    sim.set(sim.now() + ms);
  };

  const rows: Array<{ day: number; what: string; ops: number; backup: string; alerts: number }> = [];
  let backups = 0;
  for (let day = 1; day <= DAYS; day++) {
    sim.set(Date.parse('2025-03-03T07:00:00Z') + (day - 1) * DAY);
    let ops = 0;
    let what = 'ordinary day';
    const files = await walkFiles(practice);
    const docs = files.filter((p) => /\.(pdf|docx|odt|xlsx|txt|csv|jpg|dcm)$/.test(p) && !p.includes('Fichiers Outlook'));
    // Documents edited, some the way Word saves (temp file, original removed, temp renamed).
    for (let i = 0; i < 30; i++, ops++) {
      tick(60_000 + Math.floor(rnd() * 600_000));
      const p = pick(docs);
      if (i % 4 === 0 && p.endsWith('.docx')) {
        const tmp = join(p, '..', `~WRL${String(i).padStart(4, '0')}.tmp`);
        await writeFile(tmp, contentFor(p));
        await unlink(p).catch(() => undefined);
        await rename(tmp, p);
      } else await writeFile(p, contentFor(p));
    }
    // Scans of the day.
    const scans = join(practice, 'Scans', `2025-03-${String(day).padStart(2, '0')}`);
    await mkdir(scans, { recursive: true });
    for (let i = 0; i < 15; i++, ops++) {
      tick(120_000);
      await writeFile(join(scans, `scan_${i}.pdf`), pdf(20 + Math.floor(rnd() * 100)));
    }
    // Renames (same type) and deletions.
    for (let i = 0; i < 5; i++, ops++) {
      const p = pick(docs);
      await rename(p, p.replace(/(\.[a-z]+)$/, `-v${day}$1`)).catch(() => undefined);
    }
    for (let i = 0; i < 3; i++, ops++) await unlink(pick(docs)).catch(() => undefined);
    await settle();

    if (day === 5) {
      what = 'scan import: 2,000 PDFs';
      const lot = join(practice, 'Scans', 'Import-lot-2019');
      await mkdir(lot, { recursive: true });
      for (let i = 0; i < 2000; i++, ops++) {
        tick(300);
        await writeFile(join(lot, `archive_${String(i).padStart(4, '0')}.pdf`), pdf(4 + Math.floor(rnd() * 30)));
      }
      await settle();
    } else if (day === 12) {
      what = 'software update: 1,500 files outside, 300 inside';
      for (let i = 0; i < 1500; i++, ops++) {
        tick(50);
        const name = i % 3 === 0 ? `module${i % 500}.dll` : i % 3 === 1 ? `data${i}.dat` : `aide${i}.pdf`;
        await writeFile(join(outside, name), i % 3 === 0 ? Buffer.concat([Buffer.from('MZ'), randomBytes(8192)]) : randomBytes(8192));
      }
      const own = join(practice, 'Logiciel Medical', 'bin');
      await mkdir(own, { recursive: true });
      for (let i = 0; i < 300; i++, ops++) {
        tick(50);
        await writeFile(
          join(own, i % 2 ? `lib${i}.dll` : `cache${i}.dat`),
          i % 2 ? Buffer.concat([Buffer.from('MZ'), randomBytes(16_384)]) : randomBytes(16_384),
        );
      }
      await settle();
    } else if (day === 20) {
      what = 'mail re-index: store rewritten, 600 index blobs';
      const box = join(practice, 'Fichiers Outlook');
      for (let pass = 0; pass < 5; pass++, ops++) {
        tick(1000);
        await writeFile(join(box, 'archive.pst'), Buffer.concat([Buffer.from('!BDN'), randomBytes(300 * 1024)]));
      }
      for (let i = 0; i < 600; i++, ops += 2) {
        tick(100);
        await writeFile(join(box, 'index', `segment-${day}-${i}.idx`), randomBytes(4096 + Math.floor(rnd() * 8192)));
        await unlink(join(box, 'index', `segment-${i === 0 ? 0 : `${day}-${i - 1}`}.idx`)).catch(() => undefined);
      }
      await settle();
    } else if (day === 25) {
      what = 'folders reorganised: 300 files moved';
      const dest = join(practice, 'Archives 2024');
      await mkdir(dest, { recursive: true });
      for (const p of (await walkFiles(join(practice, 'Patients'))).slice(0, 300)) {
        tick(200);
        await rename(p, join(dest, p.slice(p.lastIndexOf('/') + 1)));
        ops++;
      }
      await settle();
    }

    // The evening backup, through restic; its counts go to the tripwire like the capability does.
    sim.set(Date.parse('2025-03-03T19:00:00Z') + (day - 1) * DAY);
    const run = await f.service.runBackup();
    if (run.outcome !== 'ok' && run.outcome !== 'warning') throw new Error(`backup ${run.outcome}: ${JSON.stringify(run.error)}`);
    backups++;
    await tripwire.backupFinished({
      id: run.id,
      at: sim.now(),
      snapshotId: run.snapshotId,
      filesNew: run.filesNew ?? 0,
      filesChanged: run.filesChanged ?? 0,
      filesUnmodified: run.filesUnmodified ?? 0,
    });
    rows.push({ day, what, ops, backup: `+${run.filesNew} ~${run.filesChanged} =${run.filesUnmodified}`, alerts: alerts.length });
    if (day % 5 === 0 || what !== 'ordinary day')
      say(
        `day ${String(day).padStart(2)}  ${what.padEnd(48)} ops ${String(ops).padStart(5)}  backup ${rows.at(-1)!.backup}  alerts ${alerts.length}`,
      );
  }
  const falseAlarms = alerts.length;
  for (const a of alerts)
    say(
      `FALSE ALARM: ${a.alert.reasons.join(',')} — ${a.alert.files
        .slice(0, 3)
        .map((x) => `${x.kind} ${x.path}`)
        .join('; ')}`,
    );
  await f.service.idle();
  const snapshotsBefore = (await f.service.listSnapshots()).length;

  // ---------- the attacks, in real time ----------
  /**
   * Files overwritten with random bytes of their size and renamed with an extension of the
   * attack's own, one after the other at RATE files/s, in directory order (as ransomware walks);
   * with `notes`, a ransom note in each folder it leaves; with `skipHidden`, hidden files (the
   * control files among them) are left alone, so only the entropy of what it writes can give it away.
   */
  const attack = async (o: { startSim: number; notes: boolean; skipHidden: boolean; max: number }) => {
    const t0 = performance.now();
    const wall = Date.now();
    sim.set(o.startSim);
    const clock = setInterval(() => {
      sim.set(o.startSim + Math.round(performance.now() - t0));
    }, 5);
    let encrypted = 0;
    let atAlert: number | null = null;
    let detectMs: number | null = null;
    const off = tripwire.on('raise', () => {
      if (atAlert !== null) return;
      atAlert = encrypted;
      detectMs = performance.now() - t0;
    });
    const ext = `.${randomBytes(3).toString('hex')}`;
    const order: string[] = [];
    const walkInOrder = async (d: string): Promise<void> => {
      const entries = await readdir(d, { withFileTypes: true });
      for (const e of entries)
        if (e.isFile() && !(o.skipHidden && e.name.startsWith('.')) && !/\.[0-9a-f]{6}$/.test(e.name) && !e.name.startsWith('HOW_TO'))
          order.push(join(d, e.name));
      for (const e of entries) if (e.isDirectory()) await walkInOrder(join(d, e.name));
    };
    await walkInOrder(practice);
    let lastFolder: string | null = null;
    for (let i = 0; i < Math.min(order.length, o.max) && atAlert === null; i++) {
      const p = order[i]!;
      const folder = join(p, '..');
      if (o.notes && lastFolder && folder !== lastFolder)
        await writeFile(
          join(lastFolder, 'HOW_TO_RECOVER_FILES.txt'),
          'All your files have been encrypted. To get them back, pay 2 BTC. Contact us on our .onion site with your ID.',
        );
      lastFolder = folder;
      const size = (await stat(p).catch(() => null))?.size;
      if (size === undefined) continue;
      await writeFile(p, randomBytes(Math.max(16, size)));
      await rename(p, `${p}${ext}`);
      encrypted++;
      const wait = t0 + ((i + 1) * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    // The alert may come from what is already on disk: give the watcher its last look.
    if (atAlert === null) await settle();
    clearInterval(clock);
    off();
    return {
      detected: atAlert !== null,
      detectMs: detectMs as number | null,
      before: (atAlert as number | null) ?? encrypted,
      ext,
      wall,
      alert: tripwire.alert(),
    };
  };

  const main1 = await attack({ startSim: Date.parse('2025-03-03T09:00:00Z') + DAYS * DAY, notes: true, skipHidden: false, max: 600 });
  // Retention while the alert stands: a backup still runs, nothing is forgotten.
  let frozen = 'n/a';
  let lastGood = 'n/a';
  if (main1.alert) {
    // restic stamps snapshots with the real clock: the first changed file, in real time.
    const first = main1.wall + (Date.parse(main1.alert.firstChangeAt) - (Date.parse('2025-03-03T09:00:00Z') + DAYS * DAY));
    const good = (await f.service.listSnapshots()).find((s) => Date.parse(s.time) < first);
    lastGood = good ? `${good.shortId} (${good.time})` : 'none';
    await f.service.runBackup();
    await f.service.runMaintenance({ force: true });
    frozen = (await f.service.listSnapshots()).length === snapshotsBefore + 1 ? 'yes' : 'NO';
    await tripwire.lift(main1.alert.id);
    await settle();
  }
  // The same pace by an attack that leaves hidden files alone and drops no note: entropy only.
  const quiet = await attack({ startSim: Date.parse('2025-03-03T14:00:00Z') + DAYS * DAY, notes: false, skipHidden: true, max: 600 });
  await tripwire.stop();
  await f.cleanup();
  await rm(f.root, { recursive: true, force: true });

  const secs = (ms: number | null) => (ms === null ? '—' : `${fmt(ms / 1000)} s`);
  say('');
  say(`| measure | value |`);
  say('|---|---|');
  say(`| normal days simulated (each with a real restic backup) | ${DAYS} (${backups} backups) |`);
  say(`| false alarms (scan import, software update, mail re-index, reorganisation included) | ${falseAlarms} |`);
  say(
    `| attack: ${RATE} files/s, random bytes, extension ${main1.ext}, a note per folder | detected ${main1.detected ? 'yes' : 'NO'} in ${secs(main1.detectMs)}, ${main1.before} files encrypted before the alert (${main1.alert?.reasons.join(', ') ?? '—'}) |`,
  );
  say(
    `| same pace, hidden files left alone, no note | detected ${quiet.detected ? 'yes' : 'NO'} in ${secs(quiet.detectMs)}, ${quiet.before} files encrypted before the alert (${quiet.alert?.reasons.join(', ') ?? '—'}) |`,
  );
  say(`| last snapshot before the first changed file | ${lastGood} |`);
  say(`| retention frozen while the alert stands (backup + forced forget) | ${frozen} |`);
  say(`| wall time | ${fmt((performance.now() - started) / 1000, 1)} s |`);
  say('');
  say(
    `attack_detected=${main1.detected ? 1 : 0} detect_s=${main1.detectMs === null ? 'NA' : fmt(main1.detectMs / 1000)} files_encrypted_before_alert=${main1.before} false_alarms=${falseAlarms} normal_days=${DAYS}`,
  );
  process.exitCode = main1.detected && quiet.detected && falseAlarms === 0 ? 0 : 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:tripwire failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
