/**
 * The hub's update feed, self-contained. Wiring in the hub (see docs/releasing.md):
 *
 *   await migrateUpdates(db);
 *   const updates = createUpdatesService({ db, dataDir, logger, audit: (ev) => audit.append(ev) });
 *   registerUpdateRoutes(app, { updates, authenticate });      // feed + admin rollout API
 *   // cli.ts:  case 'updates': return runUpdatesCommand(args, { updates });
 *   // device socket: 'update:report' → updates.recordReport(deviceId, payload) (updateDeviceHandlers)
 */
export {
  migrateUpdates,
  updatesMigrations,
  updatesMigrationProvider,
  UPDATES_MIGRATION_TABLE,
  UPDATES_MIGRATION_LOCK_TABLE,
} from './schema.js';
export type { UpdatesTables, UpdatesDatabase } from './schema.js';
export { createUpdatesService, UpdatesService } from './service.js';
export type { UpdateActor, UpdateAuditEvent, UpdatesServiceOptions, FeedDocument, ArtifactInfo, PublishResult } from './service.js';
export { registerUpdateRoutes, parseRange, UPDATES_PREFIX, UPDATES_API, FEED_CACHE_CONTROL, ARTIFACT_CACHE_CONTROL } from './routes.js';
export type { UpdateRoutesOptions } from './routes.js';
export { runUpdatesCommand, UPDATES_CLI_HELP } from './cli.js';
export { updateDeviceHandlers } from './socket.js';
export { readBuildOutput, builderFeedFile } from './build-output.js';
export { ArtifactStore, hashFile } from './storage.js';
