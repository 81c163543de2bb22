import type { RestoreJob } from '@vigie/common';

/** A restore job record for the pure tests: one file restored beside, restoring, by the practitioner unless `over` says otherwise. */
export const restoreJobOf = (over: Partial<RestoreJob> = {}): RestoreJob => ({
  id: 'job-1',
  request: { snapshotId: 'abcd1234', paths: ['/home/dr/Documents/Dupont.odt'], mode: 'beside', origin: 'practitioner' },
  state: 'restoring',
  progress: null,
  snapshotTime: null,
  createdAt: '2026-12-03T12:30:00.000Z',
  startedAt: null,
  endedAt: null,
  result: null,
  error: null,
  ...over,
});
