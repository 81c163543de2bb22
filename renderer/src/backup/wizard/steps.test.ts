import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@vigie/common';
import { FIRST_STEP, stepNumber, wizardStep, type Choice, type Step, type StepEvent } from './steps.js';

const snapshot = (roots: string[]): Snapshot => ({
  id: 'a'.repeat(64),
  shortId: 'aaaaaaaa',
  time: '2026-03-02T12:30:00.000Z',
  hostname: 'poste',
  paths: roots.map((r) => `/home/cabinet${r}`),
  roots,
  tags: [],
  sizeBytes: null,
  filesCount: null,
});
const one = snapshot(['/Documents']);
const two = snapshot(['/Documents', '/Logiciel']);
const choice: Choice = { snapshotId: 'b'.repeat(64), snapshotTime: '2026-03-01T20:00:00.000Z', paths: ['/Documents/ordonnance.pdf'] };
const browsing: Step = { kind: 'browse', snapshot: one, path: '/Documents' };
const fromSearch: Step = { kind: 'mode', choice, from: FIRST_STEP };
const picked: Choice = { snapshotId: one.id, snapshotTime: one.time, paths: ['/Documents/a.txt', '/Documents/b.txt'] };
const fromBrowse: Step = { kind: 'mode', choice: picked, from: browsing };
const running: Step = { kind: 'progress', jobId: 'job-1', choice: picked, from: fromBrowse };

describe('restore wizard steps', () => {
  const table: Array<[string, Step, StepEvent, Step]> = [
    ['a date with one folder opens it', FIRST_STEP, { type: 'snapshot', snapshot: one }, browsing],
    [
      'a date with several folders lists them',
      FIRST_STEP,
      { type: 'snapshot', snapshot: two },
      { kind: 'browse', snapshot: two, path: null },
    ],
    ['a searched version goes straight to « where »', FIRST_STEP, { type: 'choice', choice }, fromSearch],
    [
      'a folder opened while browsing',
      browsing,
      { type: 'path', path: '/Documents/Patients' },
      { ...browsing, path: '/Documents/Patients' },
    ],
    ['the breadcrumb back to the backed-up folders', browsing, { type: 'path', path: null }, { ...browsing, path: null }],
    ['items ticked go to « where », from this backup', browsing, { type: 'pick', paths: picked.paths }, fromBrowse],
    ['back from browsing is the dates', browsing, { type: 'back' }, FIRST_STEP],
    ['back from « where » after a search is the dates', fromSearch, { type: 'back' }, FIRST_STEP],
    ['back from « where » after browsing is the same folder', fromBrowse, { type: 'back' }, browsing],
    ['a restore started shows its progress', fromBrowse, { type: 'started', jobId: 'job-1' }, running],
    ['« Réessayer » goes back to « where », same choice', running, { type: 'retry' }, fromBrowse],
    ['a date step ignores « back »', FIRST_STEP, { type: 'back' }, FIRST_STEP],
    ['a browse step ignores a restore start', browsing, { type: 'started', jobId: 'x' }, browsing],
    ['« where » ignores a path', fromSearch, { type: 'path', path: '/x' }, fromSearch],
    ['progress ignores « back » (no way out while it runs)', running, { type: 'back' }, running],
  ];
  it.each(table)('%s', (_what, step, event, next) => {
    expect(wizardStep(step, event)).toEqual(next);
  });

  it('numbers the steps the way the hint says them', () => {
    expect([FIRST_STEP, browsing, fromSearch, running].map(stepNumber)).toEqual([1, 2, 3, 3]);
  });
});
