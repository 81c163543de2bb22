/**
 * Hub settings administrators change while the hub runs: the support's hours, time zone and
 * fallback phone number (what practices are told when no technician is available). Wiring:
 *
 *   await migrateSettings(db);
 *   const settings = new SettingsService(db, audit);
 *   // Realtime reads them at every queue computation; /tech: supportTechHandlers(settings, rt)
 *   // cli.ts: case 'settings': runSettingsCommand(args, { settings, out })
 */
export { migrateSettings, settingsMigrations, SETTINGS_MIGRATION_TABLE, SETTINGS_MIGRATION_LOCK_TABLE } from './schema.js';
export type { SettingsTables, HubSettingTable } from './schema.js';
export { SettingsService } from './service.js';
export type { SettingsActor, SupportChange } from './service.js';
export { runSettingsCommand, parseWeekSpec, formatWeek, SETTINGS_CLI_HELP } from './cli.js';
export { supportTechHandlers } from './socket.js';
export { isOpenAt, nextChangeAt, wallTime } from './hours.js';
