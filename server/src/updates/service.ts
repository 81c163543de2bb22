import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { dump } from 'js-yaml';
import type { Kysely } from 'kysely';
import {
  ArtifactName,
  compareSemver,
  parseSemver,
  feedFileName,
  parseOrThrow,
  PromoteInput,
  PublishInput,
  ReleaseFile,
  RolloutInput,
  UPDATE_CHANNELS,
  UPDATE_PLATFORMS,
  UpdateChannel,
  UpdatePlatform,
  UpdateReport,
  VigieError,
  type ChannelState,
  type ReleaseMetadata,
  type ReleaseSummary,
  type UpdatesOverview,
  type VersionCount,
} from '@vigie/common';
import { z } from 'zod';
import { serialize } from '../store/dialect.js';
import { ArtifactStore, type StagedFile, type StoredFile } from './storage.js';
import type { UpdatesDatabase } from './schema.js';

/** Who acts: the hub CLI (shell access to the hub machine) or an admin technician over HTTP. */
export interface UpdateActor {
  type: 'cli' | 'technician';
  id: string | null;
}

/** Shape of the hub's audit append (server/src/services/audit.ts AuditEvent). */
export interface UpdateAuditEvent {
  actorType: 'cli' | 'technician';
  actorId: string | null;
  action: string;
  subject: string | null;
  data: Record<string, unknown>;
}

export interface UpdatesLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

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

export interface FeedDocument {
  metadata: ReleaseMetadata;
  yaml: string;
  etag: string;
  /** The channel whose release is served (a pilot feed can serve the stable release). */
  servedFrom: UpdateChannel;
}

export interface ArtifactInfo extends StoredFile {
  name: string;
  path: string;
  etag: string;
  mtimeMs: number;
}

export interface PublishResult {
  release: ReleaseSummary;
  channel: ChannelState;
  /** Files copied into the store by this call (the others were already there, identical). */
  stored: string[];
  reused: string[];
}

/** Update reports kept per device (the newest): a device writes this table, so its history is bounded. */
export const UPDATE_REPORTS_PER_DEVICE = 50;

const FILE_TYPES: Record<UpdatePlatform, RegExp> = { mac: /\.(zip|dmg)$/i, win: /\.exe$/i };
const BlockMapJson = z.object({ version: z.string(), files: z.array(z.unknown()).min(1) });

export function createUpdatesService<DB>(opts: UpdatesServiceOptions<DB>): UpdatesService {
  return new UpdatesService({ ...opts, db: opts.db as unknown as Kysely<UpdatesDatabase> });
}

/**
 * The hub's update feed: publishes releases (artifacts first, channel pointer last), moves
 * rollout percentages, renders electron-updater feed files and records what devices report.
 */
export class UpdatesService {
  readonly store: ArtifactStore;
  private readonly db: Kysely<UpdatesDatabase>;
  private readonly now: () => Date;

  constructor(private readonly opts: UpdatesServiceOptions<UpdatesDatabase>) {
    this.db = opts.db;
    this.store = new ArtifactStore(opts.dataDir, opts.artifactsDir);
    this.now = opts.now ?? (() => new Date());
  }

  // ---------- publishing ----------

  /**
   * Publishes a release on a channel. Order matters for clients: every artifact and blockmap is
   * copied and verified (size, sha512) first; only then, in one transaction, the release row and
   * the channel pointer are written — the pointer is what the feed file is rendered from, so no
   * client ever sees a feed naming a file that is not fully stored.
   */
  async publish(raw: unknown, actor: UpdateActor): Promise<PublishResult> {
    const input = parseOrThrow(PublishInput, raw);
    this.checkFiles(input);

    const names = [...input.files.map((f) => f.name), ...input.blockmaps.map((b) => b.name)];
    const known = await this.knownArtifacts(names);
    const existingRelease = await this.releaseRow(input.version, input.platform);
    if (existingRelease) {
      // Same version again: only an identical file set is accepted (re-run, or publish to another channel).
      const before = JSON.stringify(parseFiles(existingRelease.files).map((f) => [f.url, f.sha512, f.size]));
      const after = JSON.stringify(input.files.map((f) => [f.name, f.sha512, f.size]));
      if (before !== after) {
        throw new VigieError('CONFLICT', `La version ${input.version} (${input.platform}) est déjà publiée avec d’autres fichiers : changez de numéro de version.`);
      }
    }

    await this.checkNotOlder(input.channel, input.platform, input.version);
    for (const b of input.blockmaps) await this.checkBlockmap(b.name, b.source);

    // 1. Copy everything into the incoming area and verify it; any refusal leaves no trace.
    const staged: StagedFile[] = [];
    try {
      for (const f of input.files) staged.push(await this.store.stage(f.name, f.source, { sha512: f.sha512, size: f.size }));
      for (const b of input.blockmaps) staged.push(await this.store.stage(b.name, b.source, null));
      for (const st of staged) await this.store.checkConflict(st, known.get(st.name) ?? null);
    } catch (e) {
      await this.store.discard(staged);
      throw e;
    }
    // 2. Move the verified files into the store (still invisible: no feed names them yet).
    const stored: string[] = [];
    const reused: string[] = [];
    try {
      for (const st of staged) ((await this.store.commit(st)) ? stored : reused).push(st.name);
    } catch (e) {
      await this.store.discard(staged);
      throw e;
    }
    const files: ReleaseFile[] = input.files.map((f) => {
      const st = staged.find((x) => x.name === f.name)!;
      const bm = staged.find((x) => x.name === `${f.name}.blockmap`);
      return { url: f.name, sha512: st.sha512, size: st.size, ...(bm ? { blockMapSize: bm.size } : {}) };
    });
    const blockmaps = staged.filter((st) => st.name.endsWith('.blockmap'));

    const at = this.now().toISOString();
    const newReleaseId = existingRelease?.id ?? randomUUID();
    // 3. Only now, in one transaction, the release and the channel pointer the feed is rendered from.
    const { channel, releaseId } = await this.db.transaction().execute(async (trx) => {
      for (const a of [...files.map((f) => ({ name: f.url, sha512: f.sha512, size: f.size, kind: 'artifact' })), ...blockmaps.map((b) => ({ name: b.name, sha512: b.sha512, size: b.size, kind: 'blockmap' }))]) {
        await trx
          .insertInto('update_artifacts')
          .values({ name: a.name, sha512: a.sha512, size: a.size, kind: a.kind, stored_at: at })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
      }
      let releaseId = newReleaseId;
      if (!existingRelease) {
        const inserted = await trx
          .insertInto('update_releases')
          .values({
            id: newReleaseId,
            version: input.version,
            platform: input.platform,
            files: JSON.stringify(files),
            release_date: input.releaseDate ?? at,
            release_notes: input.releaseNotes ?? null,
            published_at: at,
            published_by: actorLabel(actor),
          })
          .onConflict((oc) => oc.columns(['version', 'platform']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
          // Published meanwhile by someone else (another hub node or CLI): the same files only.
          const other = await trx.selectFrom('update_releases').select(['id', 'files']).where('version', '=', input.version).where('platform', '=', input.platform).executeTakeFirstOrThrow();
          if (JSON.stringify(parseFiles(other.files).map((f) => [f.url, f.sha512, f.size])) !== JSON.stringify(files.map((f) => [f.url, f.sha512, f.size]))) {
            throw new VigieError('CONFLICT', `La version ${input.version} (${input.platform}) est déjà publiée avec d’autres fichiers : changez de numéro de version.`);
          }
          releaseId = other.id;
        }
      }
      return { channel: await this.pointChannel(trx, input.channel, input.platform, releaseId, input.version, input.stagingPercentage, actor, at), releaseId };
    });

    await this.audit(actor, 'updates.publish', `${input.platform}@${input.version}`, {
      channel: input.channel,
      stagingPercentage: input.stagingPercentage,
      files: files.map((f) => ({ name: f.url, size: f.size, sha512: f.sha512 })),
    });
    this.opts.logger?.info({ version: input.version, platform: input.platform, channel: input.channel, stored, reused }, 'update published');
    const release = await this.releaseSummary(releaseId);
    return { release, channel, stored, reused };
  }

  /** Raises, lowers or resumes the staged rollout of a channel's current release. */
  async setRollout(raw: unknown, actor: UpdateActor): Promise<ChannelState> {
    const input = parseOrThrow(RolloutInput, raw);
    const at = this.now().toISOString();
    const state = await this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('update_channels')
        .select(['release_id', 'staging_percentage'])
        .where('channel', '=', input.channel)
        .where('platform', '=', input.platform)
        .forNoKeyUpdate()
        .executeTakeFirst();
      if (!current) throw new VigieError('NOT_FOUND', `Aucune version publiée sur le canal ${input.channel} (${input.platform}).`);
      await trx
        .updateTable('update_channels')
        .set({ staging_percentage: input.stagingPercentage, updated_at: at, updated_by: actorLabel(actor) })
        .where('channel', '=', input.channel)
        .where('platform', '=', input.platform)
        .execute();
      return { previous: current.staging_percentage };
    });
    const after = await this.channelState(input.channel, input.platform);
    if (!after) throw new VigieError('INTERNAL', 'Canal introuvable après mise à jour.');
    const action = input.stagingPercentage === 0 ? 'updates.halt' : 'updates.rollout';
    await this.audit(actor, action, `${input.platform}@${after.version}`, { channel: input.channel, from: state.previous, to: input.stagingPercentage });
    this.opts.logger?.info({ channel: input.channel, platform: input.platform, version: after.version, from: state.previous, to: input.stagingPercentage }, action);
    return after;
  }

  /** Stops a rollout: stagingPercentage 0, so no device that has not installed it yet takes it. */
  halt(channel: UpdateChannel, platform: UpdatePlatform, actor: UpdateActor): Promise<ChannelState> {
    return this.setRollout({ channel, platform, stagingPercentage: 0 }, actor);
  }

  /** Points a channel at a release already on the hub (e.g. the pilot's release goes to stable). */
  async promote(raw: unknown, actor: UpdateActor): Promise<ChannelState> {
    const input = parseOrThrow(PromoteInput, raw);
    const release = await this.releaseRow(input.version, input.platform);
    if (!release) throw new VigieError('NOT_FOUND', `La version ${input.version} (${input.platform}) n’a jamais été publiée sur ce hub.`);
    const at = this.now().toISOString();
    const state = await this.db.transaction().execute((trx) => this.pointChannel(trx, input.channel, input.platform, release.id, input.version, input.stagingPercentage, actor, at));
    await this.audit(actor, 'updates.promote', `${input.platform}@${input.version}`, { channel: input.channel, stagingPercentage: input.stagingPercentage });
    return state;
  }

  // ---------- feed ----------

  /**
   * The feed document a channel serves for a platform. Stable serves its own release. Pilot
   * devices take everything stable gets too: the pilot feed serves the newer of the pilot and the
   * stable releases, preferring one whose rollout is not halted.
   */
  async feed(channel: UpdateChannel, platform: UpdatePlatform): Promise<FeedDocument | null> {
    const candidates = channel === 'stable' ? (['stable'] as const) : (['pilot', 'stable'] as const);
    const rows = await this.db
      .selectFrom('update_channels')
      .innerJoin('update_releases', 'update_releases.id', 'update_channels.release_id')
      .select(['update_channels.channel', 'update_channels.staging_percentage', 'update_releases.version', 'update_releases.files', 'update_releases.release_date', 'update_releases.release_notes'])
      .where('update_channels.platform', '=', platform)
      .where('update_channels.channel', 'in', [...candidates])
      .execute();
    if (rows.length === 0) return null;
    const byNewest = [...rows].sort((a, b) => compareSemver(b.version, a.version));
    const row = byNewest.find((r) => r.staging_percentage > 0) ?? byNewest[0]!;
    const files = parseFiles(row.files);
    const first = files[0]!;
    const metadata: ReleaseMetadata = {
      version: row.version,
      files,
      path: first.url,
      sha512: first.sha512,
      releaseDate: row.release_date,
      ...(row.release_notes ? { releaseNotes: row.release_notes } : {}),
      // 100 % is written as "no staging": electron-updater's test is `share < percentage/100`.
      ...(row.staging_percentage < 100 ? { stagingPercentage: row.staging_percentage } : {}),
    };
    const yaml = dump(metadata, { lineWidth: -1, noRefs: true });
    const etag = `"${createHash('sha256').update(yaml).digest('base64url').slice(0, 32)}"`;
    return { metadata, yaml, etag, servedFrom: row.channel as UpdateChannel };
  }

  /** Which feed a file name asks for under a channel's URL, or null when it is not a feed file of that channel. */
  feedFileTarget(channel: UpdateChannel, file: string): UpdatePlatform | null {
    for (const p of UPDATE_PLATFORMS) if (feedFileName(channel, p) === file) return p;
    return null;
  }

  /** A stored artifact (installer, archive or blockmap) by its served name; null when unknown. */
  async artifact(name: string): Promise<ArtifactInfo | null> {
    if (!ArtifactName.safeParse(name).success) return null;
    const row = await this.db.selectFrom('update_artifacts').select(['name', 'sha512', 'size']).where('name', '=', name).executeTakeFirst();
    if (!row) return null;
    const st = await this.store.statOf(row.name);
    if (!st || st.size !== Number(row.size)) {
      this.opts.logger?.warn({ name }, 'update artifact listed but missing or truncated on disk');
      return null;
    }
    const etag = `"${Buffer.from(row.sha512, 'base64').toString('base64url').slice(0, 43)}"`;
    return { name: row.name, path: st.path, sha512: row.sha512, size: st.size, etag, mtimeMs: st.mtimeMs };
  }

  // ---------- state for the console and the CLI ----------

  async channelStates(): Promise<ChannelState[]> {
    const rows = await this.db
      .selectFrom('update_channels')
      .innerJoin('update_releases', 'update_releases.id', 'update_channels.release_id')
      .select(['update_channels.channel', 'update_channels.platform', 'update_channels.staging_percentage', 'update_channels.updated_at', 'update_releases.version'])
      .execute();
    const order = (c: string, p: string) => UPDATE_CHANNELS.indexOf(c as UpdateChannel) * 10 + UPDATE_PLATFORMS.indexOf(p as UpdatePlatform);
    return rows
      .map((r) => ({
        channel: r.channel as UpdateChannel,
        platform: r.platform as UpdatePlatform,
        version: r.version,
        stagingPercentage: r.staging_percentage,
        halted: r.staging_percentage === 0,
        updatedAt: r.updated_at,
      }))
      .sort((a, b) => order(a.channel, a.platform) - order(b.channel, b.platform));
  }

  async channelState(channel: UpdateChannel, platform: UpdatePlatform): Promise<ChannelState | null> {
    return (await this.channelStates()).find((s) => s.channel === channel && s.platform === platform) ?? null;
  }

  async releases(): Promise<ReleaseSummary[]> {
    const rows = await this.db.selectFrom('update_releases').selectAll().execute();
    return rows
      .sort((a, b) => compareSemver(b.version, a.version) || a.platform.localeCompare(b.platform))
      .map((r) => toSummary(r));
  }

  /**
   * How many enrolled (not revoked) devices run each app version, from the hub's devices table
   * (columns read: app_version, os, revoked_at). Newest version first.
   */
  async versionCounts(): Promise<VersionCount[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select((eb) => ['app_version', 'os', eb.fn.countAll<number>().as('devices')])
      .where('revoked_at', 'is', null)
      .groupBy(['app_version', 'os'])
      .execute();
    const byVersion = (a: string, b: string) => {
      try {
        return compareSemver(b, a);
      } catch {
        return b.localeCompare(a);
      }
    };
    return rows
      .map((r) => ({ appVersion: r.app_version, os: r.os, devices: Number(r.devices) }))
      .sort((a, b) => byVersion(a.appVersion, b.appVersion) || a.os.localeCompare(b.os));
  }

  /**
   * Stores one report from a device (parsed with the contract's UpdateReport first). The version
   * the device says it runs becomes its app version (what versionCounts counts), as device:report does.
   */
  async recordReport(deviceId: string, raw: unknown): Promise<void> {
    const r = parseOrThrow(UpdateReport, raw);
    await this.db.transaction().execute(async (trx) => {
      await this.insertReport(trx, deviceId, r);
      await this.pruneReports(trx, deviceId);
      if (parseSemver(r.currentVersion)) {
        await trx.updateTable('devices').set({ app_version: r.currentVersion }).where('id', '=', deviceId).where('app_version', '!=', r.currentVersion).execute();
      }
    });
    if (r.outcome === 'rejected' || r.outcome === 'failed') this.opts.logger?.warn({ deviceId, ...r }, 'device update failed');
  }

  private async insertReport(trx: Kysely<UpdatesDatabase>, deviceId: string, r: UpdateReport): Promise<void> {
    await trx
      .insertInto('update_reports')
      .values({
        id: randomUUID(),
        device_id: deviceId,
        outcome: r.outcome,
        current_version: r.currentVersion,
        target_version: r.targetVersion,
        channel: r.channel,
        reason: r.reason ?? null,
        message: r.message ?? null,
        attempt: r.attempt ?? null,
        retry_at: r.retryAt ?? null,
        at: r.at,
        received_at: this.now().toISOString(),
      })
      .execute();
  }

  /** Keeps the newest UPDATE_REPORTS_PER_DEVICE reports of a device. */
  private async pruneReports(trx: Kysely<UpdatesDatabase>, deviceId: string): Promise<void> {
    const keep = trx.selectFrom('update_reports').select('id').where('device_id', '=', deviceId).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(UPDATE_REPORTS_PER_DEVICE);
    await trx.deleteFrom('update_reports').where('device_id', '=', deviceId).where('id', 'not in', keep).execute();
  }

  async recentReports(limit = 50): Promise<UpdatesOverview['reports']> {
    const rows = await this.db.selectFrom('update_reports').selectAll().orderBy('received_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      deviceId: r.device_id,
      outcome: r.outcome as UpdateReport['outcome'],
      currentVersion: r.current_version,
      targetVersion: r.target_version,
      channel: r.channel as UpdateChannel,
      ...(r.reason ? { reason: r.reason as NonNullable<UpdateReport['reason']> } : {}),
      ...(r.message ? { message: r.message } : {}),
      ...(r.attempt ? { attempt: r.attempt } : {}),
      ...(r.retry_at ? { retryAt: r.retry_at } : {}),
      at: r.at,
      receivedAt: r.received_at,
    }));
  }

  async overview(): Promise<UpdatesOverview> {
    return { channels: await this.channelStates(), releases: await this.releases(), versions: await this.versionCounts(), reports: await this.recentReports() };
  }

  // ---------- internals ----------

  private checkFiles(input: z.infer<typeof PublishInput>): void {
    const seen = new Set<string>();
    for (const name of [...input.files.map((f) => f.name), ...input.blockmaps.map((b) => b.name)]) {
      if (seen.has(name)) throw new VigieError('BAD_REQUEST', `Fichier en double : ${name}.`, { file: name });
      seen.add(name);
    }
    for (const f of input.files) {
      if (/unsigned/i.test(f.name)) {
        throw new VigieError('BAD_REQUEST', `${f.name} vient d’un build de test local non signé (VIGIE_LOCAL_TEST_BUILD=1) : il ne peut pas être publié.`, { file: f.name });
      }
      if (!FILE_TYPES[input.platform].test(f.name)) {
        throw new VigieError('BAD_REQUEST', `${f.name} n’est pas un fichier de mise à jour ${input.platform === 'mac' ? 'macOS (.zip ou .dmg)' : 'Windows (.exe)'}.`, { file: f.name });
      }
      if (!f.name.includes(input.version)) {
        throw new VigieError('BAD_REQUEST', `Le nom ${f.name} ne contient pas la version ${input.version} : les fichiers publiés doivent être propres à leur version.`, { file: f.name });
      }
    }
    for (const b of input.blockmaps) {
      if (!input.files.some((f) => `${f.name}.blockmap` === b.name)) {
        throw new VigieError('BAD_REQUEST', `${b.name} ne correspond à aucun fichier publié (attendu : <fichier>.blockmap).`, { file: b.name });
      }
    }
    if (input.platform === 'mac') {
      const zips = input.files.filter((f) => /\.zip$/i.test(f.name));
      const arm = zips.some((f) => f.name.includes('arm64'));
      const intel = zips.some((f) => !f.name.includes('arm64'));
      if (!arm || !intel) {
        throw new VigieError('BAD_REQUEST', `La version macOS doit contenir les deux archives .zip (Apple Silicon « arm64 » et Intel « x64 ») : il manque ${arm ? 'Intel (x64)' : 'Apple Silicon (arm64)'}.`);
      }
      // The updater takes the first zip of its architecture: keep zips first so `path` is a zip.
      input.files.sort((a, b) => Number(/\.dmg$/i.test(a.name)) - Number(/\.dmg$/i.test(b.name)));
    }
  }

  /** A blockmap is a gzip'd JSON document; refuse anything else before it is served. */
  private async checkBlockmap(name: string, source: string): Promise<void> {
    let ok: boolean;
    try {
      const json: unknown = JSON.parse(gunzipSync(await readFile(source)).toString('utf8'));
      ok = BlockMapJson.safeParse(json).success;
    } catch {
      ok = false;
    }
    if (!ok) throw new VigieError('BAD_REQUEST', `${name} n’est pas une blockmap valide (JSON compressé gzip attendu).`, { file: name, source });
  }

  private async knownArtifacts(names: string[]): Promise<Map<string, StoredFile>> {
    if (names.length === 0) return new Map();
    const rows = await this.db.selectFrom('update_artifacts').select(['name', 'sha512', 'size']).where('name', 'in', names).execute();
    return new Map(rows.map((r) => [r.name, { sha512: r.sha512, size: Number(r.size) }]));
  }

  private releaseRow(version: string, platform: UpdatePlatform) {
    return this.db.selectFrom('update_releases').selectAll().where('version', '=', version).where('platform', '=', platform).executeTakeFirst();
  }

  private async releaseSummary(id: string): Promise<ReleaseSummary> {
    const row = await this.db.selectFrom('update_releases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toSummary(row);
  }

  private async checkNotOlder(channel: UpdateChannel, platform: UpdatePlatform, version: string): Promise<void> {
    const current = await this.channelState(channel, platform);
    if (current && compareSemver(version, current.version) < 0) throw olderVersion(channel, platform, current.version, version);
  }

  /** Moves a channel's pointer; never backwards (devices do not downgrade: halt and publish a higher version). */
  private async pointChannel(
    trx: Kysely<UpdatesDatabase>,
    channel: UpdateChannel,
    platform: UpdatePlatform,
    releaseId: string,
    version: string,
    stagingPercentage: number,
    actor: UpdateActor,
    at: string,
  ): Promise<ChannelState> {
    // One pointer move at a time per channel and platform (on every hub node and CLI): the version
    // compared against is the one in force, so two publishes at once never leave the older one.
    await serialize(trx, `update-channel:${channel}:${platform}`);
    const current = await trx
      .selectFrom('update_channels')
      .innerJoin('update_releases', 'update_releases.id', 'update_channels.release_id')
      .select(['update_releases.version'])
      .where('update_channels.channel', '=', channel)
      .where('update_channels.platform', '=', platform)
      .executeTakeFirst();
    if (current && compareSemver(version, current.version) < 0) throw olderVersion(channel, platform, current.version, version);
    await trx
      .insertInto('update_channels')
      .values({ channel, platform, release_id: releaseId, staging_percentage: stagingPercentage, updated_at: at, updated_by: actorLabel(actor) })
      .onConflict((oc) => oc.columns(['channel', 'platform']).doUpdateSet({ release_id: releaseId, staging_percentage: stagingPercentage, updated_at: at, updated_by: actorLabel(actor) }))
      .execute();
    return { channel, platform, version, stagingPercentage, halted: stagingPercentage === 0, updatedAt: at };
  }

  private async audit(actor: UpdateActor, action: string, subject: string, data: Record<string, unknown>): Promise<void> {
    if (!this.opts.audit) return;
    await this.opts.audit({ actorType: actor.type, actorId: actor.id, action, subject, data });
  }
}

function olderVersion(channel: UpdateChannel, platform: UpdatePlatform, current: string, version: string): VigieError {
  return new VigieError(
    'CONFLICT',
    `Le canal ${channel} (${platform}) propose déjà la version ${current}, plus récente que ${version} : les appareils ne reviennent jamais en arrière. Suspendez la diffusion et publiez une version supérieure.`,
  );
}

function actorLabel(a: UpdateActor): string {
  return a.id ? `${a.type}:${a.id}` : a.type;
}

function parseFiles(json: string): ReleaseFile[] {
  return z.array(ReleaseFile).min(1).parse(JSON.parse(json));
}

function toSummary(r: { version: string; platform: string; files: string; release_date: string; published_at: string; published_by: string | null }): ReleaseSummary {
  return {
    version: r.version,
    platform: r.platform as UpdatePlatform,
    releaseDate: r.release_date,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    files: parseFiles(r.files).map((f) => ({ name: f.url, size: f.size })),
  };
}
