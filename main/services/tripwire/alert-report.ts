/**
 * Whether the hub has the standing alert, and the urgent request it opened for it: kept with the
 * alert on disk (the alert is sent again on every reconnection until the hub has it), as one pure
 * function `alertReportAfter(report, event)`. A new alert and a lifted one start unreported; the
 * hub's answer counts only for the alert that stands.
 */

export interface AlertReport {
  reported: boolean;
  requestId: string | null;
}

export type AlertReportEvent =
  | { type: 'raised' }
  | { type: 'lifted' }
  /** The hub has alert `alertId` in request `requestId`; `standingAlertId` is the alert that stands now. */
  | { type: 'reported'; alertId: string; requestId: string; standingAlertId: string | null };

/** The report after `event`, or null when nothing changes. */
export function alertReportAfter(r: AlertReport, event: AlertReportEvent): AlertReport | null {
  switch (event.type) {
    case 'raised':
    case 'lifted':
      return r.reported || r.requestId !== null ? { reported: false, requestId: null } : null;
    case 'reported':
      if (event.standingAlertId !== event.alertId) return null;
      if (r.reported && r.requestId === event.requestId) return null;
      return { reported: true, requestId: event.requestId };
  }
}
