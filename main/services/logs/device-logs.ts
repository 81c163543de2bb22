import { DEVICE_LOGS_LIMITS, err, ok, type DeviceLogs, type DeviceLogsCall, type HelpRequest, type Result } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import type { LogFile } from '../lib/log-file.js';

export interface DeviceLogsOptions {
  /** The app's log files; null when this app writes none (nothing to send). */
  file: LogFile | null;
  /** The practice's current help request as the app holds it. */
  current: () => HelpRequest | null;
  logger: Logger;
  now?: () => Date;
}

/**
 * Answers the hub's `device:logs` call: the last lines of the app's log files, for the technician
 * the practice's own current request is assigned to — the app checks it itself, so the hub's word
 * alone never reads the log. The lines are redacted again as they are read (LogFile.tail) and
 * bounded in count, length and bytes (DEVICE_LOGS_LIMITS). The practitioner is told by the line
 * the hub writes in the request's chat (`logs.viewed`).
 */
export function deviceLogsHandler(o: DeviceLogsOptions): (call: DeviceLogsCall) => Promise<Result<DeviceLogs>> {
  const log = o.logger.child({ svc: 'device-logs' });
  return async (call) => {
    const r = o.current();
    if (!r || r.id !== call.requestId || r.status !== 'assigned' || r.technician?.id !== call.technician.id) {
      log.warn('technical log asked outside the current request', { requestId: call.requestId, technicianId: call.technician.id });
      return err('FORBIDDEN', 'Ce poste ne donne son journal qu’au technicien de sa demande en cours.');
    }
    if (!o.file) return err('UNAVAILABLE', 'Ce poste ne tient pas de journal technique.');
    const tail = await o.file.tail(Math.min(call.lines, DEVICE_LOGS_LIMITS.maxLines), {
      maxBytes: DEVICE_LOGS_LIMITS.maxBytes,
      maxLineChars: DEVICE_LOGS_LIMITS.maxLineChars,
    });
    log.info('technical log read by the technician', {
      requestId: call.requestId,
      technicianId: call.technician.id,
      lines: tail.lines.length,
    });
    return ok({ lines: tail.lines, truncated: tail.truncated, readAt: (o.now?.() ?? new Date()).toISOString() });
  };
}
