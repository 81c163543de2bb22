/**
 * What a technician sees of a restore on the device page, as a table: the file names (they may name
 * patients) only for the technician who restored them or a supervisor/admin, five at most, the last
 * part of each path (POSIX or Windows); stored paths that are not a list of texts count as none.
 * history.test.ts reads the whole page through the real hub.
 */
import { describe, expect, it } from 'vitest';
import type { TechnicianRole } from '@vigie/common';
import type { JobRow } from '../backup/relay.js';
import type { TechActor } from '../services/actors.js';
import { restoreView } from './device-history.js';

const viewer = (id: string, role: TechnicianRole = 'technician'): TechActor => ({ kind: 'technician', id, name: 'Julie', role });
const job = (paths: string): JobRow => ({
  device_id: 'dev1',
  job_id: 'job1',
  scope_id: 'req1',
  technician_id: 'tech1',
  paths,
  state: 'done',
  created_at: '2026-03-02T09:00:00.000Z',
  ended_at: null,
});
const six = JSON.stringify(['C:\\Patients\\dupont.pdf', '/home/a/b.txt', 'c.doc', 'd/', 'e', 'f']);

describe('a restore on the device page', () => {
  it.each<[string, TechActor, string, number, string[]]>([
    ['its technician sees the names', viewer('tech1'), six, 6, ['dupont.pdf', 'b.txt', 'c.doc', 'd', 'e']],
    ['another technician sees how many, not which', viewer('tech2'), six, 6, []],
    ['a supervisor sees the names', viewer('tech2', 'supervisor'), six, 6, ['dupont.pdf', 'b.txt', 'c.doc', 'd', 'e']],
    ['an admin sees the names', viewer('tech2', 'admin'), JSON.stringify(['/x/y.odt']), 1, ['y.odt']],
    ['paths that are not JSON count as none', viewer('tech1'), 'not json', 0, []],
    ['only texts count', viewer('tech1'), JSON.stringify(['/a.txt', 3, null, { p: 'b' }]), 1, ['a.txt']],
    ['an object is no list', viewer('tech1'), JSON.stringify({ 0: '/a.txt' }), 0, []],
  ])('%s', (_name, v, paths, items, names) => {
    const r = restoreView(job(paths), { requestId: 'req1', accessId: null }, v, 'Julie Martin');
    expect(r.items).toBe(items);
    expect(r.names).toEqual(names);
    expect(r).toMatchObject({
      jobId: 'job1',
      requestId: 'req1',
      accessId: null,
      state: 'done',
      technician: { id: 'tech1', initials: 'JM' },
    });
  });

  it('names a technician the hub no longer knows with a dash', () => {
    expect(restoreView(job('[]'), { requestId: null, accessId: 'acc1' }, viewer('tech1'), null).technician).toEqual({
      id: 'tech1',
      displayName: '—',
      initials: '?',
    });
  });
});
