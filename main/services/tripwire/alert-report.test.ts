import { describe, expect, it } from 'vitest';
import { alertReportAfter, type AlertReport, type AlertReportEvent } from './alert-report.js';

const unreported: AlertReport = { reported: false, requestId: null };
const reported: AlertReport = { reported: true, requestId: 'req-1' };

describe('whether the hub has the standing alert', () => {
  // Each row: the report before, what happened → the report after (null: nothing changes, nothing saved or pushed).
  const rows: Array<[string, AlertReport, AlertReportEvent, AlertReport | null]> = [
    [
      'the hub has the standing alert',
      unreported,
      { type: 'reported', alertId: 'a-1', requestId: 'req-1', standingAlertId: 'a-1' },
      reported,
    ],
    [
      'the same answer again (a reconnection)',
      reported,
      { type: 'reported', alertId: 'a-1', requestId: 'req-1', standingAlertId: 'a-1' },
      null,
    ],
    [
      'the hub moved it to another request',
      reported,
      { type: 'reported', alertId: 'a-1', requestId: 'req-2', standingAlertId: 'a-1' },
      { reported: true, requestId: 'req-2' },
    ],
    [
      'an answer about an alert lifted meanwhile',
      unreported,
      { type: 'reported', alertId: 'a-1', requestId: 'req-1', standingAlertId: null },
      null,
    ],
    ['an answer about an older alert', unreported, { type: 'reported', alertId: 'a-1', requestId: 'req-1', standingAlertId: 'a-2' }, null],
    ['a new alert starts unreported', reported, { type: 'raised' }, unreported],
    ['a lifted alert leaves nothing reported', reported, { type: 'lifted' }, unreported],
    ['a new alert when nothing was reported: nothing changes', unreported, { type: 'raised' }, null],
    ['a request id without the flag is cleared too', { reported: false, requestId: 'req-1' }, { type: 'lifted' }, unreported],
  ];
  for (const [name, before, event, after] of rows) {
    it(name, () => {
      expect(alertReportAfter(before, event)).toEqual(after);
    });
  }
});
