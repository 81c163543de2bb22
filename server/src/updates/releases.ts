import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import {
  ArtifactName,
  compareSemver,
  parseOrThrow,
  PublishInput,
  VigieError,
  type ChannelState,
  type ReleaseFile,
  type ReleaseSummary,
  type UpdatePlatform,
} from '@vigie/common';
import { actorLabel, parseFiles, type UpdateActor, type UpdatesContext } from './context.js';
import type { Rollout } from './rollout.js';
import type { ArtifactStore, StagedFile, StoredFile } from './storage.js';

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

const FILE_TYPES: Record<UpdatePlatform, RegExp> = { mac: /\.(zip|dmg)$/i, win: /\.exe$/i };
const BlockMapJson = z.object({ version: z.string(), files: z.array(z.unknown()).min(1) });

/** The releases: published once (artifacts checked and stored first), listed, and their files served. */
export class Releases {
  constructor(
    private readonly ctx: UpdatesContext,
    private readonly store: ArtifactStore,
    private readonly rollout: Rollout,
  ) {}

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
        throw new VigieError(
          'CONFLICT',
          `La version ${input.version} (${input.platform}) est déjà publiée avec d’autres fichiers : changez de numéro de version.`,
        );
      }
    }

    await this.rollout.checkNotOlder(input.channel, input.platform, input.version);
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

    const at = this.ctx.now().toISOString();
    const newReleaseId = existingRelease?.id ?? randomUUID();
    // 3. Only now, in one transaction, the release and the channel pointer the feed is rendered from.
    const { channel, action, releaseId } = await this.ctx.db.transaction().execute(async (trx) => {
      for (const a of [
        ...files.map((f) => ({ name: f.url, sha512: f.sha512, size: f.size, kind: 'artifact' })),
        ...blockmaps.map((b) => ({ name: b.name, sha512: b.sha512, size: b.size, kind: 'blockmap' })),
      ]) {
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
          const other = await trx
            .selectFrom('update_releases')
            .select(['id', 'files'])
            .where('version', '=', input.version)
            .where('platform', '=', input.platform)
            .executeTakeFirstOrThrow();
          if (
            JSON.stringify(parseFiles(other.files).map((f) => [f.url, f.sha512, f.size])) !==
            JSON.stringify(files.map((f) => [f.url, f.sha512, f.size]))
          ) {
            throw new VigieError(
              'CONFLICT',
              `La version ${input.version} (${input.platform}) est déjà publiée avec d’autres fichiers : changez de numéro de version.`,
            );
          }
          releaseId = other.id;
        }
      }
      const pointed = await this.rollout.point(
        trx,
        {
          channel: input.channel,
          platform: input.platform,
          releaseId,
          version: input.version,
          stagingPercentage: input.stagingPercentage,
          via: 'publish',
        },
        actor,
        at,
      );
      return { channel: pointed.state, action: pointed.action, releaseId };
    });

    await this.ctx.audit(actor, action, `${input.platform}@${input.version}`, {
      channel: input.channel,
      stagingPercentage: input.stagingPercentage,
      files: files.map((f) => ({ name: f.url, size: f.size, sha512: f.sha512 })),
    });
    this.ctx.logger?.info({ version: input.version, platform: input.platform, channel: input.channel, stored, reused }, 'update published');
    const release = await this.releaseSummary(releaseId);
    return { release, channel, stored, reused };
  }

  /** A stored artifact (installer, archive or blockmap) by its served name; null when unknown. */
  async artifact(name: string): Promise<ArtifactInfo | null> {
    if (!ArtifactName.safeParse(name).success) return null;
    const row = await this.ctx.db
      .selectFrom('update_artifacts')
      .select(['name', 'sha512', 'size'])
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return null;
    const st = await this.store.statOf(row.name);
    if (!st || st.size !== Number(row.size)) {
      this.ctx.logger?.warn({ name }, 'update artifact listed but missing or truncated on disk');
      return null;
    }
    const etag = `"${Buffer.from(row.sha512, 'base64').toString('base64url').slice(0, 43)}"`;
    return { name: row.name, path: st.path, sha512: row.sha512, size: st.size, etag, mtimeMs: st.mtimeMs };
  }

  async releases(): Promise<ReleaseSummary[]> {
    const rows = await this.ctx.db.selectFrom('update_releases').selectAll().execute();
    return rows.sort((a, b) => compareSemver(b.version, a.version) || a.platform.localeCompare(b.platform)).map((r) => toSummary(r));
  }

  /** The id of a release already on the hub, or null. */
  async idOf(version: string, platform: UpdatePlatform): Promise<string | null> {
    return (await this.releaseRow(version, platform))?.id ?? null;
  }

  private checkFiles(input: z.infer<typeof PublishInput>): void {
    const seen = new Set<string>();
    for (const name of [...input.files.map((f) => f.name), ...input.blockmaps.map((b) => b.name)]) {
      if (seen.has(name)) throw new VigieError('BAD_REQUEST', `Fichier en double : ${name}.`, { file: name });
      seen.add(name);
    }
    for (const f of input.files) {
      if (/unsigned/i.test(f.name)) {
        throw new VigieError(
          'BAD_REQUEST',
          `${f.name} vient d’un build de test local non signé (VIGIE_LOCAL_TEST_BUILD=1) : il ne peut pas être publié.`,
          { file: f.name },
        );
      }
      if (!FILE_TYPES[input.platform].test(f.name)) {
        throw new VigieError(
          'BAD_REQUEST',
          `${f.name} n’est pas un fichier de mise à jour ${input.platform === 'mac' ? 'macOS (.zip ou .dmg)' : 'Windows (.exe)'}.`,
          { file: f.name },
        );
      }
      if (!f.name.includes(input.version)) {
        throw new VigieError(
          'BAD_REQUEST',
          `Le nom ${f.name} ne contient pas la version ${input.version} : les fichiers publiés doivent être propres à leur version.`,
          { file: f.name },
        );
      }
    }
    for (const b of input.blockmaps) {
      if (!input.files.some((f) => `${f.name}.blockmap` === b.name)) {
        throw new VigieError('BAD_REQUEST', `${b.name} ne correspond à aucun fichier publié (attendu : <fichier>.blockmap).`, {
          file: b.name,
        });
      }
    }
    if (input.platform === 'mac') {
      const zips = input.files.filter((f) => /\.zip$/i.test(f.name));
      const arm = zips.some((f) => f.name.includes('arm64'));
      const intel = zips.some((f) => !f.name.includes('arm64'));
      if (!arm || !intel) {
        throw new VigieError(
          'BAD_REQUEST',
          `La version macOS doit contenir les deux archives .zip (Apple Silicon « arm64 » et Intel « x64 ») : il manque ${arm ? 'Intel (x64)' : 'Apple Silicon (arm64)'}.`,
        );
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
    if (!ok)
      throw new VigieError('BAD_REQUEST', `${name} n’est pas une blockmap valide (JSON compressé gzip attendu).`, { file: name, source });
  }

  private async knownArtifacts(names: string[]): Promise<Map<string, StoredFile>> {
    if (names.length === 0) return new Map();
    const rows = await this.ctx.db.selectFrom('update_artifacts').select(['name', 'sha512', 'size']).where('name', 'in', names).execute();
    return new Map(rows.map((r) => [r.name, { sha512: r.sha512, size: Number(r.size) }]));
  }

  private releaseRow(version: string, platform: UpdatePlatform) {
    return this.ctx.db
      .selectFrom('update_releases')
      .selectAll()
      .where('version', '=', version)
      .where('platform', '=', platform)
      .executeTakeFirst();
  }

  private async releaseSummary(id: string): Promise<ReleaseSummary> {
    const row = await this.ctx.db.selectFrom('update_releases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toSummary(row);
  }
}

function toSummary(r: {
  version: string;
  platform: string;
  files: string;
  release_date: string;
  published_at: string;
  published_by: string | null;
}): ReleaseSummary {
  return {
    version: r.version,
    platform: r.platform as UpdatePlatform,
    releaseDate: r.release_date,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    files: parseFiles(r.files).map((f) => ({ name: f.url, size: f.size })),
  };
}
