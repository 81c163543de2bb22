/**
 * Backups seen and restored by a technician, relayed by the hub (issue 5). Wiring:
 *   const backup = createBackupRelay({ services, realtime: rt, log });
 *   // socket/device.ts handlers: { ...handlers(s, rt), ...backup.deviceHandlers }  (DEVICE_EVENTS has ...BACKUP_DEVICE_EVENTS)
 *   // socket/tech.ts handlers:   { ...handlers(s, rt), ...backup.techHandlers }    (TECH_EVENTS has ...BACKUP_TECH_EVENTS)
 * The latest BackupSummary of each device comes with `device:report` (DeviceService.saveReport)
 * and is served by `devices:list`.
 */
export { loadDeviceReport } from './reports.js';
export { BackupRelay, BACKUP_SYSTEM_TEXT, createBackupRelay, type BackupRelayOptions } from './relay.js';
export { BackupAccessHub, createBackupAccess, toBackupAccess, type BackupAccessOptions } from './access.js';
export { migrateBackupAccess, backupAccessMigrations, type BackupAccessTables } from './access-schema.js';
