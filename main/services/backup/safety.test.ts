import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAFETY_LIMITS, type SafetyIntervention } from '@vigie/common';
import { repoTarget } from './repository.js';
import { fitReport, restoreBatches, SafetyService, summarizeChanges, undoTargets } from './safety.js';
import { interventionTag, SAFETY_KEEP_DAYS, safetyDayTag, safetyKeepTags } from './safety-tags.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { backupNow, testLogger, type Fixture } from './test-support/index.js';
import { fixtureScope } from './test-support/scope.js';

const { fixture, cleanups } = fixtureScope();
const DAY = 86_400_000;

async function safetyOf(f: Fixture, clock?: ManualClock): Promise<{ safety: SafetyService; pushed: SafetyIntervention[] }> {
  const safety = new SafetyService({ backup: f.service, dataDir: join(f.root, 'app'), logger: testLogger, ...(clock ? { clock } : {}) });
  await safety.start();
  cleanups.push(() => safety.stop());
  const pushed: SafetyIntervention[] = [];
  safety.on('intervention', (i) => pushed.push(i));
  return { safety, pushed };
}

/** The repository's snapshots as restic lists them (tags, parent). */
async function resticSnapshots(f: Fixture) {
  return f.service.restic.snapshots(await repoTarget({ kind: 'local', path: f.repoPath }, f.secrets));
}

describe('safety snapshot before a technician acts (real restic)', () => {
  it('is incremental, tagged with the intervention and its day; the session’s changes are listed; undo puts changed and deleted files back and keeps the current versions as dated copies', async () => {
    const f = await fixture({
      'Patients/Dupont.txt': 'tension 12/8',
      'Patients/Martin.txt': 'allergie pénicilline',
      'Compta/2024.ods': 'recettes',
      'Courriers/a.txt': 'a',
    });
    const first = await backupNow(f);
    const { safety, pushed } = await safetyOf(f);
    expect(safety.available()).toBe(true);

    const asked = new Date();
    const out = await safety.before({ requestId: 'req-42', technicianName: 'Julie Martin' });
    if (!out.ok) throw new Error(`safety snapshot failed: ${out.reason}`);
    const snap = (await resticSnapshots(f)).find((s) => s.id === out.snapshotId)!;
    expect(snap.tags).toEqual(expect.arrayContaining(['vigie', 'vigie-safety', 'before-intervention-req-42']));
    // The day it was taken (UTC): the day it was asked, or the next one if midnight passed meanwhile.
    expect([safetyDayTag(asked), safetyDayTag(new Date())]).toContain(snap.tags?.find((tag) => tag.startsWith('vigie-safety-')));
    // Incremental: restic read the first backup as its parent.
    expect(snap.parent).toBe(first.id);
    const taken = safety.get('req-42')!;
    expect(taken.baseline).toEqual({ snapshotId: out.snapshotId, time: taken.snapshots[0]!.startedAt });
    expect(taken.snapshots).toEqual([
      expect.objectContaining({ before: 'control', state: 'done', snapshotId: out.snapshotId, error: null }),
    ]);
    expect(pushed.map((i) => i.snapshots[0]?.state)).toEqual(['running', 'done']);

    // What the technician does during the session.
    await writeFile(join(f.data, 'Patients/Dupont.txt'), 'tension 15/9 — modifié');
    await rm(join(f.data, 'Patients/Martin.txt'));
    await rm(join(f.data, 'Compta'), { recursive: true });
    await writeFile(join(f.data, 'Nouveau.txt'), 'ajouté');
    await mkdir(join(f.data, 'Scans'));
    await writeFile(join(f.data, 'Scans/ordonnance.pdf'), 'scan');

    safety.after('req-42');
    await safety.idle();
    const listed = safety.get('req-42')!;
    const changes = listed.changes!;
    expect(changes.state).toBe('ready');
    expect(changes.counts).toEqual({ added: 2, changed: 1, deleted: 2 });
    expect(changes.items.map((c) => [c.kind, c.localPath, c.type, c.inside])).toEqual([
      ['deleted', join(f.data, 'Compta'), 'dir', 1],
      ['deleted', join(f.data, 'Patients/Martin.txt'), 'file', 0],
      ['changed', join(f.data, 'Patients/Dupont.txt'), 'file', 0],
      ['added', join(f.data, 'Nouveau.txt'), 'file', 0],
      ['added', join(f.data, 'Scans'), 'dir', 1],
    ]);
    const after = (await resticSnapshots(f)).find((s) => s.id === changes.afterSnapshotId)!;
    expect(after.tags).toEqual(expect.arrayContaining(['vigie-safety', 'after-intervention-req-42']));

    const started = await safety.undo('req-42');
    expect(started.undo?.state).toBe('running');
    await safety.idle();
    const undone = safety.get('req-42')!.undo!;
    expect(undone).toMatchObject({ state: 'done', total: 3, restored: 3, keptCopies: 1, failed: 0, error: null });
    expect(await readFile(join(f.data, 'Patients/Dupont.txt'), 'utf8')).toBe('tension 12/8');
    expect(await readFile(join(f.data, 'Patients/Martin.txt'), 'utf8')).toBe('allergie pénicilline');
    expect(await readFile(join(f.data, 'Compta/2024.ods'), 'utf8')).toBe('recettes');
    // Nothing destroyed: the version the technician left is kept beside, dated; added files stay.
    const kept = (await readdir(join(f.data, 'Patients'))).filter((n) => n.startsWith('Dupont (avant restauration '));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^Dupont \(avant restauration \d{4}-\d{2}-\d{2} \d{2}h\d{2}\)\.txt$/);
    expect(await readFile(join(f.data, 'Patients', kept[0]!), 'utf8')).toBe('tension 15/9 — modifié');
    expect(await readFile(join(f.data, 'Nouveau.txt'), 'utf8')).toBe('ajouté');
    expect(await readFile(join(f.data, 'Scans/ordonnance.pdf'), 'utf8')).toBe('scan');
    expect(pushed.at(-1)!.undo!.state).toBe('done');

    // Kept across a restart of the app.
    const again = new SafetyService({ backup: f.service, dataDir: join(f.root, 'app'), logger: testLogger });
    await again.start();
    expect(again.get('req-42')).toEqual(safety.get('req-42'));
    await again.stop();
  });

  it('a failed safety snapshot is said with its reason; with no baseline the changes cannot be listed and undo is refused', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    await backupNow(f);
    const { safety } = await safetyOf(f);
    await rename(f.repoPath, f.repoPath + '-away');
    const out = await safety.before({ requestId: 'req-7', technicianName: 'Julie Martin' });
    expect(out).toEqual({ ok: false, reason: 'repo-missing' });
    const i = safety.get('req-7')!;
    expect(i.baseline).toBeNull();
    expect(i.snapshots).toEqual([
      expect.objectContaining({ state: 'failed', snapshotId: null, error: expect.objectContaining({ reason: 'repo-missing' }) }),
    ]);
    await rename(f.repoPath + '-away', f.repoPath);
    safety.after('req-7');
    await safety.idle();
    expect(safety.get('req-7')!.changes).toMatchObject({ state: 'failed', afterSnapshotId: null, items: [] });
    await expect(safety.undo('req-7')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(safety.undo('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a technician’s restore waits for its safety snapshot while queued, then restores', async () => {
    const f = await fixture({ 'Patients/Dupont.txt': 'v1' });
    const snap = await backupNow(f);
    const { safety } = await safetyOf(f);
    await rm(join(f.data, 'Patients/Dupont.txt'));
    const ctx = { requestId: 'req-9', technicianName: 'Julie Martin' };
    const job = f.service.restore(
      { snapshotId: snap.id, paths: [join(f.data, 'Patients/Dupont.txt')], mode: 'in-place', origin: 'technician' },
      async () => void (await safety.before(ctx, 'restore')),
    );
    const end = await f.service.restores.settled(job.id);
    expect(end.state).toBe('done');
    const s = safety.get('req-9')!.snapshots[0]!;
    expect(s).toMatchObject({ before: 'restore', state: 'done' });
    // The snapshot was over before the restore left the queue.
    expect(Date.parse(s.endedAt!)).toBeLessThanOrEqual(Date.parse(end.startedAt!));
    expect(await readFile(join(f.data, 'Patients/Dupont.txt'), 'utf8')).toBe('v1');
  });
});

describe('retention keeps safety snapshots for 30 days (real restic)', () => {
  it('keeps a 29-day-old safety snapshot and removes a 31-day-old one per the normal policy', async () => {
    const now = new Date();
    const clock = new ManualClock(new Date(now.getTime() - 31 * DAY));
    const f = await fixture({ 'a.txt': 'a' }, { clock });
    const { safety } = await safetyOf(f, clock);
    const old = await safety.before({ requestId: 'old', technicianName: 'Julie Martin' });
    clock.set(new Date(now.getTime() - 29 * DAY));
    await writeFile(join(f.data, 'a.txt'), 'b');
    const recent = await safety.before({ requestId: 'recent', technicianName: 'Julie Martin' });
    if (!old.ok || !recent.ok) throw new Error('safety snapshots failed');
    clock.set(now);
    await writeFile(join(f.data, 'a.txt'), 'c');
    const latest = await backupNow(f);
    // The normal policy keeps one snapshot (the newest): both safety snapshots fall outside it.
    await f.service.saveSettings({
      settings: { ...(await f.service.getSettings()).settings, retention: { daily: 1, weekly: 0, monthly: 0, everyDays: 1 } },
    });
    await f.service.runMaintenance({ force: true });
    const ids = (await resticSnapshots(f)).map((s) => s.id).sort();
    expect(ids).toEqual([recent.snapshotId, latest.id].sort());
  });
});

describe('safety: pure parts', () => {
  const ch = (kind: 'added' | 'changed' | 'deleted', path: string, dir = false) => ({ kind, path, dir });

  it('a folder added or deleted is one entry with what was inside, even when a sibling sorts between it and its children', () => {
    const s = summarizeChanges(
      [
        ch('deleted', '/d/b', true),
        ch('deleted', '/d/b c'),
        ch('deleted', '/d/b/x'),
        ch('deleted', '/d/b/y', true),
        ch('deleted', '/d/b/y/z'),
        ch('added', '/d/n', true),
        ch('added', '/d/n/1'),
        ch('changed', '/d/m'),
      ],
      'linux',
    );
    expect(s.counts).toEqual({ added: 1, changed: 1, deleted: 2 });
    expect(s.items.map((i) => [i.kind, i.path, i.inside])).toEqual([
      ['deleted', '/d/b', 3],
      ['deleted', '/d/b c', 0],
      ['changed', '/d/m', 0],
      ['added', '/d/n', 1],
    ]);
    expect(s.truncated).toBe(false);
    const many = summarizeChanges(
      Array.from({ length: SAFETY_LIMITS.items + 5 }, (_, i) => ch('added', `/d/f${i}`)),
      'linux',
    );
    expect(many.items).toHaveLength(SAFETY_LIMITS.items);
    expect(many.truncated).toBe(true);
    expect(many.counts.added).toBe(SAFETY_LIMITS.items + 5);
  });

  it('undo puts back the topmost changed or deleted entries only, in batches of one folder and 100 paths', () => {
    expect(
      undoTargets([
        ch('deleted', '/d/b', true),
        ch('deleted', '/d/b/x'),
        ch('changed', '/d/t'),
        ch('deleted', '/d/t/old'),
        ch('added', '/d/n'),
        ch('changed', '/d/b c'),
      ]),
    ).toEqual(['/d/b', '/d/b c', '/d/t']);
    const paths = [...Array.from({ length: 150 }, (_, i) => `/d/a/f${i}`), '/d/b/x', '/d/y'];
    const batches = restoreBatches(paths);
    expect(batches.map((b) => b.length)).toEqual([100, 50, 1, 1]);
    for (const b of batches) expect(new Set(b.map((p) => p.slice(0, p.lastIndexOf('/')))).size).toBe(1);
  });

  it('a report too big for the hub is shortened (entries dropped, said truncated), never its facts', () => {
    const long = '/d/' + 'x'.repeat(3000);
    const items = Array.from({ length: 60 }, (_, i) => ({
      kind: 'added' as const,
      path: `${long}${i}`,
      localPath: `${long}${i}`,
      type: 'file' as const,
      inside: 0,
    }));
    const at = new Date().toISOString();
    const i: SafetyIntervention = {
      requestId: 'r',
      technicianName: 'Julie',
      startedAt: at,
      updatedAt: at,
      snapshots: [],
      baseline: null,
      changes: {
        state: 'ready',
        afterSnapshotId: null,
        at,
        counts: { added: 60, changed: 0, deleted: 0 },
        items,
        truncated: false,
        error: null,
      },
      undo: null,
    };
    const fitted = fitReport(i);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(SAFETY_LIMITS.reportBytes);
    expect(fitted.changes!.truncated).toBe(true);
    expect(fitted.changes!.counts).toEqual({ added: 60, changed: 0, deleted: 0 });
    expect(fitted.changes!.items.length).toBeGreaterThan(0);
  });

  it('retention keeps the day tags of the last 30 days and today; an intervention tag is always one tag', () => {
    const now = new Date('2025-05-31T10:00:00Z');
    const tags = safetyKeepTags(now);
    expect(tags).toHaveLength(SAFETY_KEEP_DAYS + 1);
    expect(tags[0]).toBe('vigie-safety-2025-05-31');
    expect(tags).toContain('vigie-safety-2025-05-01');
    expect(tags).not.toContain('vigie-safety-2025-04-30');
    expect(interventionTag('before', 'req-42')).toBe('before-intervention-req-42');
    const odd = interventionTag('after', 'a,b c');
    expect(odd).toMatch(/^after-intervention-[0-9a-f]{32}$/);
    expect(odd).not.toContain(',');
  });
});
