/**
 * The console's device page and audit view on the hub (issue 11). Wiring in the hub:
 *   // app.ts, after the hub's own migrations:  await migrateHistory(db);
 *   // socket/tech.ts handlers: { ...historyTechHandlers(s, rt) }  (TECH_EVENTS has ...HISTORY_TECH_EVENTS)
 */
export { historyTechHandlers, migrateHistory, HISTORY_MIGRATION_TABLE, HISTORY_MIGRATION_LOCK_TABLE } from './service.js';
