import type { Kysely } from 'kysely';
import type { ChannelState, ReleaseSummary, UpdateChannel, UpdatePlatform, UpdatesOverview, VersionCount } from '@vigie/common';
import type { UpdateActor, UpdateAuditEvent, UpdatesContext, UpdatesLogger } from './context.js';
import { Releases, type ArtifactInfo, type PublishResult } from './releases.js';
import { DeviceReports } from './reports.js';
import { Rollout, type FeedDocument } from './rollout.js';
import type { UpdatesDatabase } from './schema.js';
import { ArtifactStore } from './storage.js';

export type { UpdateActor, UpdateAuditEvent, UpdatesLogger } from './context.js';
export type { ArtifactInfo, PublishResult } from './releases.js';
export type { FeedDocument } from './rollout.js';
export { UPDATE_REPORTS_PER_DEVICE } from './reports.js';

export interface UpdatesServiceOptions<DB> {
  /** The hub's Kysely database (SQLite or Postgres); the update tables must be migrated (migrateUpdates). */
  db: Kysely<DB>;
  /** The hub's data directory: artifacts go to `<dataDir>/updates/artifacts/` unless `artifactsDir` is given. */
  dataDir: string;
  /** The folder every hub node shares for artifacts (VIGIE_ARTIFACTS_DIR / hub.json `artifactsDir`). */
  artifactsDir?: string | undefined;
  logger?: UpdatesLogger;
  audit?: (ev: UpdateAuditEvent) => Promise<unknown>;
  now?: () => Date;
}

export function createUpdatesService<DB>(opts: UpdatesServiceOptions<DB>): UpdatesService {
  return new UpdatesService({ ...opts, db: opts.db as unknown as Kysely<UpdatesDatabase> });
}

/**
 * The hub's update feed, one object for the routes, the CLI and the device socket. Three jobs,
 * each its own module: releases (publish, list, serve artifacts: releases.ts), rollout (channel
 * pointers, staged percentages, feed files: rollout.ts), device reports (reports.ts). Artifacts
 * are stored by the ArtifactStore built here (storage.ts), the only place their folder is chosen.
 */
export class UpdatesService {
  readonly store: ArtifactStore;
  private readonly releasesPart: Releases;
  private readonly rollout: Rollout;
  private readonly reports: DeviceReports;

  constructor(opts: UpdatesServiceOptions<UpdatesDatabase>) {
    this.store = new ArtifactStore(opts.dataDir, opts.artifactsDir);
    const ctx: UpdatesContext = {
      db: opts.db,
      now: opts.now ?? (() => new Date()),
      logger: opts.logger,
      audit: async (actor, action, subject, data) => {
        await opts.audit?.({ actorType: actor.type, actorId: actor.id, action, subject, data });
      },
    };
    this.rollout = new Rollout(ctx);
    this.releasesPart = new Releases(ctx, this.store, this.rollout);
    this.reports = new DeviceReports(ctx);
  }

  /**
   * Publishes a release on a channel. Order matters for clients: every artifact and blockmap is
   * copied and verified (size, sha512) first; only then, in one transaction, the release row and
   * the channel pointer are written — the pointer is what the feed file is rendered from, so no
   * client ever sees a feed naming a file that is not fully stored.
   */
  publish(raw: unknown, actor: UpdateActor): Promise<PublishResult> {
    return this.releasesPart.publish(raw, actor);
  }

  /** Raises, lowers or resumes the staged rollout of a channel's current release. */
  setRollout(raw: unknown, actor: UpdateActor): Promise<ChannelState> {
    return this.rollout.setRollout(raw, actor);
  }

  /** Stops a rollout: stagingPercentage 0, so no device that has not installed it yet takes it. */
  halt(channel: UpdateChannel, platform: UpdatePlatform, actor: UpdateActor): Promise<ChannelState> {
    return this.setRollout({ channel, platform, stagingPercentage: 0 }, actor);
  }

  /** Points a channel at a release already on the hub (e.g. the pilot's release goes to stable). */
  promote(raw: unknown, actor: UpdateActor): Promise<ChannelState> {
    return this.rollout.promote(raw, actor, (version, platform) => this.releasesPart.idOf(version, platform));
  }

  feed(channel: UpdateChannel, platform: UpdatePlatform): Promise<FeedDocument | null> {
    return this.rollout.feed(channel, platform);
  }

  feedFileTarget(channel: UpdateChannel, file: string): UpdatePlatform | null {
    return this.rollout.feedFileTarget(channel, file);
  }

  artifact(name: string): Promise<ArtifactInfo | null> {
    return this.releasesPart.artifact(name);
  }

  channelStates(): Promise<ChannelState[]> {
    return this.rollout.channelStates();
  }

  channelState(channel: UpdateChannel, platform: UpdatePlatform): Promise<ChannelState | null> {
    return this.rollout.channelState(channel, platform);
  }

  releases(): Promise<ReleaseSummary[]> {
    return this.releasesPart.releases();
  }

  versionCounts(): Promise<VersionCount[]> {
    return this.reports.versionCounts();
  }

  recordReport(deviceId: string, raw: unknown): Promise<void> {
    return this.reports.recordReport(deviceId, raw);
  }

  recentReports(limit = 50): Promise<UpdatesOverview['reports']> {
    return this.reports.recentReports(limit);
  }

  async overview(): Promise<UpdatesOverview> {
    return {
      channels: await this.channelStates(),
      releases: await this.releases(),
      versions: await this.versionCounts(),
      reports: await this.recentReports(),
    };
  }
}
