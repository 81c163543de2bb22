/**
 * A practice computer's technical log, read by the technician of its open request (issue 13).
 * Wiring: socket/tech.ts handlers: { ...deviceLogsTechHandlers({ services, realtime, log }) }
 * (TECH_EVENTS has ...DEVICE_LOGS_TECH_EVENTS; the hub → device call is HUB_DEVICE_CALLS 'device:logs').
 */
export { deviceLogsTechHandlers, DEVICE_LOGS_AUDIT, type DeviceLogsOptions } from './service.js';
