import { describe, expect, it } from 'vitest';
import { BACKUP_STRINGS, type RestoreJob } from '@vigie/common';
import { technicianNotice } from './relay-notice.js';
import { restoreJobOf } from './test-support/jobs.js';

const job = (over: Partial<RestoreJob> = {}): RestoreJob =>
  restoreJobOf({ request: { ...restoreJobOf().request, origin: 'technician' }, ...over });

describe('technicianNotice: the practitioner told of a technician’s restore', () => {
  it('names the technician and what is restored, in French and English', () => {
    expect(technicianNotice(job(), 'Julie Martin', 'restore-job-1', 'fr')).toEqual({
      title: 'Julie Martin restaure « Dupont.odt » pour vous',
      body: 'Vous pouvez suivre la progression dans Vigie, onglet « Sauvegardes ».',
      tag: 'restore-job-1',
    });
    const two = job({ request: { ...job().request, paths: ['/d/a.txt', '/d/b.txt'] } });
    expect(technicianNotice(two, 'Julie Martin', 't', 'en').title).toBe('Julie Martin is restoring 2 items for you');
  });

  it('done: the folder by its name, never its system path', () => {
    const done = job({ state: 'done', result: { items: [], folder: '/home/dr/Documents/Patients' } });
    expect(technicianNotice(done, 'Julie Martin', 't', 'fr')).toEqual({
      title: 'Julie Martin a restauré « Dupont.odt » pour vous',
      body: 'Il est dans le dossier « Patients ».',
      tag: 't',
    });
  });

  it('failed: what went wrong and what to do; cancelled: nothing was changed', () => {
    const failed = job({
      state: 'failed',
      error: { reason: 'disk-full', message: 'x', nextStep: 'y', at: '2026-12-03T12:31:00.000Z' },
    });
    const n = technicianNotice(failed, 'Julie Martin', 't', 'fr');
    expect(n.title).toBe('La restauration demandée par Julie Martin n’a pas abouti');
    // In the app's words for the reason (the job's own text may be another language's).
    const { message, nextStep } = BACKUP_STRINGS.fr.reasons['disk-full'];
    expect(n.body).toBe(`${message} ${nextStep}`);
    expect(technicianNotice(job({ state: 'cancelled' }), 'Julie Martin', 't', 'en')).toEqual({
      title: 'The restore requested by Julie Martin was cancelled',
      body: 'Nothing was changed.',
      tag: 't',
    });
  });
});
