import { z } from 'zod';
import { Id, IsoDate, LIMITS } from './domain.js';

/**
 * The technical log of a practice's computer, read by the technician of its open request
 * (issue 13). Technician → hub `device:logs` { requestId, lines? }; the hub checks that the
 * request is open and assigned to that technician, counts the ask, audits it, and relays it to the
 * device as the hub → device call `device:logs` (HUB_DEVICE_CALLS, acknowledged with a Result): the
 * answer is only ever the acknowledgement of the hub's own call, so a device cannot push a log
 * nobody asked for. The device answers only for its own current request assigned to that
 * technician, with its last lines redacted again at the source (no secrets, no patient file names).
 * The practitioner reads « {{name}} a consulté le journal technique de ce poste » in the request's
 * chat (system message `logs.viewed`).
 */
export const DEVICE_LOGS_LIMITS = {
  /** Lines a technician may ask for at most, and by default. */
  maxLines: 500,
  defaultLines: 200,
  /** A line longer than this is cut (with « … ») by the device. */
  maxLineChars: 2000,
  /** Bytes of log the device reads and sends at most (the newest lines win). */
  maxBytes: 256 * 1024,
  /** How long the hub waits for the device. */
  timeoutMs: 15_000,
  /** Asks per technician and device in a window: reading a log is not polling it. */
  asksPerWindow: 6,
  askWindowMs: 10 * 60_000,
} as const;

const LogLine = z.string().max(DEVICE_LOGS_LIMITS.maxLineChars + 1);

/** What the device sends back: its last lines, oldest first, and whether older ones were left out. */
export const DeviceLogs = z.strictObject({
  lines: z.array(LogLine).max(DEVICE_LOGS_LIMITS.maxLines),
  /** Older lines exist that were not sent (line or byte bound reached). */
  truncated: z.boolean(),
  /** When the device read them (its clock). */
  readAt: IsoDate,
});
export type DeviceLogs = z.infer<typeof DeviceLogs>;

export const DeviceLogsRequest = z.strictObject({
  requestId: Id,
  lines: z.number().int().min(1).max(DEVICE_LOGS_LIMITS.maxLines).optional(),
});
export type DeviceLogsRequest = z.infer<typeof DeviceLogsRequest>;

/** Hub → device: who asks, under which request, how many lines. */
export const DeviceLogsCall = z.strictObject({
  requestId: Id,
  technician: z.object({ id: Id, name: z.string().min(1).max(LIMITS.displayName) }),
  lines: z.number().int().min(1).max(DEVICE_LOGS_LIMITS.maxLines),
});
export type DeviceLogsCall = z.infer<typeof DeviceLogsCall>;

/** Technician → hub (namespace /tech). */
export const DEVICE_LOGS_TECH_EVENTS = {
  'device:logs': { request: DeviceLogsRequest, response: DeviceLogs },
} as const;
