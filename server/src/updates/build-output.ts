import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { ArtifactName, parseOrThrow, Sha512Base64, VigieError, type PublishInput, type UpdatePlatform } from '@vigie/common';

/** What electron-builder writes next to the installers (only the fields we rely on). */
const BuilderUpdateInfo = z.object({
  version: z.string().min(1),
  files: z.array(z.object({ url: ArtifactName, sha512: Sha512Base64, size: z.number().int().positive() })).min(1),
  releaseDate: z.string().optional(),
});

/** The feed file electron-builder writes in its output directory for a platform (default channel). */
export const builderFeedFile = (platform: UpdatePlatform): string => (platform === 'mac' ? 'latest-mac.yml' : 'latest.yml');

/**
 * Reads electron-builder output directories (one per build machine or architecture, e.g. the
 * arm64 and x64 macOS builds) and turns them into one publish input: every file the builder
 * listed with the sha512 and size it computed, plus the `.blockmap` beside each one when present.
 * The hub recomputes every digest while copying; this only says what to expect.
 */
export async function readBuildOutput(
  dirs: string[],
  platform: UpdatePlatform,
): Promise<Pick<PublishInput, 'version' | 'files' | 'blockmaps' | 'releaseDate'>> {
  if (dirs.length === 0) throw new VigieError('BAD_REQUEST', 'Indiquez au moins un dossier de compilation (--dir).');
  let version: string | null = null;
  let releaseDate: string | undefined;
  const files = new Map<string, PublishInput['files'][number]>();
  const blockmaps = new Map<string, { name: string; source: string }>();
  for (const d of dirs) {
    const dir = resolve(d);
    const feedPath = join(dir, builderFeedFile(platform));
    let text: string;
    try {
      text = await readFile(feedPath, 'utf8');
    } catch {
      throw new VigieError(
        'BAD_REQUEST',
        `${builderFeedFile(platform)} introuvable dans ${dir} : est-ce bien le dossier de sortie d’electron-builder pour ${platform === 'mac' ? 'macOS' : 'Windows'} ?`,
      );
    }
    let doc: unknown;
    try {
      doc = load(text);
    } catch (e) {
      throw new VigieError('BAD_REQUEST', `${feedPath} illisible : ${(e as Error).message}`);
    }
    const info = parseOrThrow(BuilderUpdateInfo, doc);
    if (version !== null && info.version !== version) {
      throw new VigieError('BAD_REQUEST', `Les dossiers de compilation ne portent pas la même version (${version} et ${info.version}).`);
    }
    version = info.version;
    releaseDate ??= info.releaseDate;
    for (const f of info.files) {
      const prev = files.get(f.url);
      if (prev && (prev.sha512 !== f.sha512 || prev.size !== f.size)) {
        throw new VigieError('BAD_REQUEST', `${f.url} apparaît dans deux dossiers avec des contenus différents.`);
      }
      files.set(f.url, { name: f.url, source: join(dir, f.url), sha512: f.sha512, size: f.size });
      const bm = join(dir, `${f.url}.blockmap`);
      if (existsSync(bm)) blockmaps.set(`${f.url}.blockmap`, { name: `${f.url}.blockmap`, source: bm });
    }
  }
  const dated = releaseDate && !Number.isNaN(Date.parse(releaseDate)) ? new Date(releaseDate).toISOString() : undefined;
  return { version: version!, files: [...files.values()], blockmaps: [...blockmaps.values()], ...(dated ? { releaseDate: dated } : {}) };
}
