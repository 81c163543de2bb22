import { createHash } from 'node:crypto';
import { dump } from 'js-yaml';
import type { Kysely } from 'kysely';
import {
  compareSemver,
  feedFileName,
  parseOrThrow,
  PromoteInput,
  RolloutInput,
  UPDATE_CHANNELS,
  UPDATE_PLATFORMS,
  VigieError,
  type ChannelState,
  type ReleaseMetadata,
  type UpdateChannel,
  type UpdatePlatform,
} from '@vigie/common';
import { serialize } from '../store/dialect.js';
import { actorLabel, olderVersion, parseFiles, type UpdateActor, type UpdatesContext } from './context.js';
import type { UpdatesDatabase } from './schema.js';

// ---------- the channel pointer's lifecycle, pure ----------

/** What a channel offers for a platform: one release, to a share of the devices (0 = halted). */
export interface ChannelPointer {
  version: string;
  stagingPercentage: number;
}

export type RolloutEvent =
  /** A release is put on the channel: published there, or promoted from another channel. */
  | { type: 'point'; via: 'publish' | 'promote'; version: string; stagingPercentage: number }
  /** The share of devices is raised, lowered, resumed or set to 0 (halt). */
  | { type: 'set-percentage'; stagingPercentage: number };

export type RolloutEffect =
  /** Write the new pointer (in the transaction that read the current one). */
  | { type: 'write' }
  /** The audit action recorded once the write is committed. */
  | { type: 'audit'; action: 'updates.publish' | 'updates.promote' | 'updates.rollout' | 'updates.halt'; from: number | null; to: number };

export type RolloutStep =
  | { ok: true; state: ChannelPointer; effects: RolloutEffect[] }
  /** older-version: devices never go back; nothing-published: no release to roll out. */
  | { ok: false; refusal: 'older-version' | 'nothing-published' };

/**
 * One step of a channel pointer: `null` (nothing published) → pointed at a version → its share
 * moved or halted, or pointed at a newer version. Never backwards: an older version is refused
 * (halt, then publish a higher one). No I/O.
 */
export function rolloutTransition(current: ChannelPointer | null, event: RolloutEvent): RolloutStep {
  if (event.type === 'point') {
    if (current && compareSemver(event.version, current.version) < 0) return { ok: false, refusal: 'older-version' };
    return {
      ok: true,
      state: { version: event.version, stagingPercentage: event.stagingPercentage },
      effects: [
        { type: 'write' },
        {
          type: 'audit',
          action: event.via === 'publish' ? 'updates.publish' : 'updates.promote',
          from: current?.stagingPercentage ?? null,
          to: event.stagingPercentage,
        },
      ],
    };
  }
  if (!current) return { ok: false, refusal: 'nothing-published' };
  return {
    ok: true,
    state: { ...current, stagingPercentage: event.stagingPercentage },
    effects: [
      { type: 'write' },
      {
        type: 'audit',
        action: event.stagingPercentage === 0 ? 'updates.halt' : 'updates.rollout',
        from: current.stagingPercentage,
        to: event.stagingPercentage,
      },
    ],
  };
}

/** What a feed serves among its candidate channels' releases: the newest not halted, else the newest. */
export function servedRelease<R extends { version: string; staging_percentage: number }>(rows: readonly R[]): R | null {
  const byNewest = [...rows].sort((a, b) => compareSemver(b.version, a.version));
  return byNewest.find((r) => r.staging_percentage > 0) ?? byNewest[0] ?? null;
}

// ---------- the channels, stored ----------

export interface FeedDocument {
  metadata: ReleaseMetadata;
  yaml: string;
  etag: string;
  /** The channel whose release is served (a pilot feed can serve the stable release). */
  servedFrom: UpdateChannel;
}

/** The channel pointers (which release each channel offers, to what share) and the feed files rendered from them. */
export class Rollout {
  constructor(private readonly ctx: UpdatesContext) {}

  /** Raises, lowers or resumes the staged rollout of a channel's current release. */
  async setRollout(raw: unknown, actor: UpdateActor): Promise<ChannelState> {
    const input = parseOrThrow(RolloutInput, raw);
    const at = this.ctx.now().toISOString();
    const step = await this.ctx.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('update_channels')
        .select(['release_id', 'staging_percentage'])
        .where('channel', '=', input.channel)
        .where('platform', '=', input.platform)
        .forNoKeyUpdate()
        .executeTakeFirst();
      const release = current
        ? await trx.selectFrom('update_releases').select('version').where('id', '=', current.release_id).executeTakeFirst()
        : undefined;
      const s = rolloutTransition(current && release ? { version: release.version, stagingPercentage: current.staging_percentage } : null, {
        type: 'set-percentage',
        stagingPercentage: input.stagingPercentage,
      });
      if (!s.ok) throw new VigieError('NOT_FOUND', `Aucune version publiée sur le canal ${input.channel} (${input.platform}).`);
      await trx
        .updateTable('update_channels')
        .set({ staging_percentage: s.state.stagingPercentage, updated_at: at, updated_by: actorLabel(actor) })
        .where('channel', '=', input.channel)
        .where('platform', '=', input.platform)
        .execute();
      return s;
    });
    const after = await this.channelState(input.channel, input.platform);
    if (!after) throw new VigieError('INTERNAL', 'Canal introuvable après mise à jour.');
    for (const e of step.effects) {
      if (e.type !== 'audit') continue;
      await this.ctx.audit(actor, e.action, `${input.platform}@${after.version}`, { channel: input.channel, from: e.from, to: e.to });
      this.ctx.logger?.info({ channel: input.channel, platform: input.platform, version: after.version, from: e.from, to: e.to }, e.action);
    }
    return after;
  }

  /** Points a channel at a release already on the hub (e.g. the pilot's release goes to stable). */
  async promote(
    raw: unknown,
    actor: UpdateActor,
    releaseId: (version: string, platform: UpdatePlatform) => Promise<string | null>,
  ): Promise<ChannelState> {
    const input = parseOrThrow(PromoteInput, raw);
    const id = await releaseId(input.version, input.platform);
    if (!id) throw new VigieError('NOT_FOUND', `La version ${input.version} (${input.platform}) n’a jamais été publiée sur ce hub.`);
    const at = this.ctx.now().toISOString();
    const { state, action } = await this.ctx.db.transaction().execute((trx) =>
      this.point(
        trx,
        {
          channel: input.channel,
          platform: input.platform,
          releaseId: id,
          version: input.version,
          stagingPercentage: input.stagingPercentage,
          via: 'promote',
        },
        actor,
        at,
      ),
    );
    await this.ctx.audit(actor, action, `${input.platform}@${input.version}`, {
      channel: input.channel,
      stagingPercentage: input.stagingPercentage,
    });
    return state;
  }

  /**
   * Moves a channel's pointer; never backwards (devices do not downgrade: halt and publish a higher
   * version). Answers the new state and the audit action to record once the transaction commits.
   */
  async point(
    trx: Kysely<UpdatesDatabase>,
    p: {
      channel: UpdateChannel;
      platform: UpdatePlatform;
      releaseId: string;
      version: string;
      stagingPercentage: number;
      via: 'publish' | 'promote';
    },
    actor: UpdateActor,
    at: string,
  ): Promise<{ state: ChannelState; action: string }> {
    const { channel, platform, releaseId, stagingPercentage } = p;
    // One pointer move at a time per channel and platform (on every hub node and CLI): the version
    // compared against is the one in force, so two publishes at once never leave the older one.
    await serialize(trx, `update-channel:${channel}:${platform}`);
    const current = await trx
      .selectFrom('update_channels')
      .innerJoin('update_releases', 'update_releases.id', 'update_channels.release_id')
      .select(['update_releases.version', 'update_channels.staging_percentage'])
      .where('update_channels.channel', '=', channel)
      .where('update_channels.platform', '=', platform)
      .executeTakeFirst();
    const step = rolloutTransition(current ? { version: current.version, stagingPercentage: current.staging_percentage } : null, {
      type: 'point',
      via: p.via,
      version: p.version,
      stagingPercentage,
    });
    if (!step.ok) throw olderVersion(channel, platform, current!.version, p.version);
    await trx
      .insertInto('update_channels')
      .values({
        channel,
        platform,
        release_id: releaseId,
        staging_percentage: stagingPercentage,
        updated_at: at,
        updated_by: actorLabel(actor),
      })
      .onConflict((oc) =>
        oc
          .columns(['channel', 'platform'])
          .doUpdateSet({ release_id: releaseId, staging_percentage: stagingPercentage, updated_at: at, updated_by: actorLabel(actor) }),
      )
      .execute();
    const audit = step.effects.find((e) => e.type === 'audit')!;
    return {
      state: { channel, platform, version: step.state.version, stagingPercentage, halted: stagingPercentage === 0, updatedAt: at },
      action: audit.action,
    };
  }

  /** Refuses early (before any file is copied) a version older than the channel's. */
  async checkNotOlder(channel: UpdateChannel, platform: UpdatePlatform, version: string): Promise<void> {
    const current = await this.channelState(channel, platform);
    if (current && !rolloutTransition(current, { type: 'point', via: 'publish', version, stagingPercentage: current.stagingPercentage }).ok)
      throw olderVersion(channel, platform, current.version, version);
  }

  async channelStates(): Promise<ChannelState[]> {
    const rows = await this.ctx.db
      .selectFrom('update_channels')
      .innerJoin('update_releases', 'update_releases.id', 'update_channels.release_id')
      .select([
        'update_channels.channel',
        'update_channels.platform',
        'update_channels.staging_percentage',
        'update_channels.updated_at',
        'update_releases.version',
      ])
      .execute();
    const order = (c: string, p: string) =>
      UPDATE_CHANNELS.indexOf(c as UpdateChannel) * 10 + UPDATE_PLATFORMS.indexOf(p as UpdatePlatform);
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

  /**
   * The feed document a channel serves for a platform. Stable serves its own release. Pilot
   * devices take everything stable gets too: the pilot feed serves the newer of the pilot and the
   * stable releases, preferring one whose rollout is not halted.
   */
  async feed(channel: UpdateChannel, platform: UpdatePlatform): Promise<FeedDocument | null> {
    const candidates = channel === 'stable' ? (['stable'] as const) : (['pilot', 'stable'] as const);
    const rows = await this.ctx.db
      .selectFrom('update_channels')
      .innerJoin('update_releases', 'update_releases.id', 'update_channels.release_id')
      .select([
        'update_channels.channel',
        'update_channels.staging_percentage',
        'update_releases.version',
        'update_releases.files',
        'update_releases.release_date',
        'update_releases.release_notes',
      ])
      .where('update_channels.platform', '=', platform)
      .where('update_channels.channel', 'in', [...candidates])
      .execute();
    const row = servedRelease(rows);
    if (!row) return null;
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
}
