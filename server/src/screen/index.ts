/**
 * Remote screen and remote control on the hub (issue 3), self-contained. Wiring in the hub:
 *
 *   // app.ts, after createServices / new Realtime(...):
 *   await migrateScreen(db);
 *   const screen = createScreenHub(hubScreenDeps({ services, realtime: rt, settings: cfg.screen, log: log.child({ part: 'screen' }) }));
 *   screen.attach();                                  // rooms, disconnect → end, sweep
 *   // socket/device.ts handlers: { ...handlers(s, rt), ...screen.deviceHandlers }  (DEVICE_EVENTS gets ...SCREEN_DEVICE_EVENTS)
 *   // socket/tech.ts handlers:   { ...handlers(s, rt), ...screen.techHandlers }    (TECH_EVENTS gets ...SCREEN_TECH_EVENTS)
 *   // after help:release / help:resolve / help:cancel: void screen.endForRequest(requestId)
 *   // close(): await screen.close() before db.destroy()
 */
export { ScreenSettings, type ScreenSettingsInput } from './config.js';
export { iceConfigFor, turnCredentials, type TurnCredentials } from './ice.js';
export {
  migrateScreen,
  screenMigrations,
  screenMigrationProvider,
  SCREEN_MIGRATION_TABLE,
  SCREEN_MIGRATION_LOCK_TABLE,
  type ScreenTables,
  type ScreenSessionTable,
} from './schema.js';
export {
  createScreenHub,
  ScreenHub,
  screenRooms,
  toScreenSession,
  type ScreenHubDeps,
  type ScreenDeviceCtx,
  type ScreenTechCtx,
  type ScreenAuditEvent,
  type ScreenDb,
  type ScreenTrx,
} from './service.js';
export { hubScreenDeps, type HubScreenDepsOptions } from './hub-deps.js';
