import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { link, lstat, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactName, VigieError } from '@vigie/common';

export interface StoredFile {
  sha512: string;
  size: number;
}

/** sha512 (base64, as in latest*.yml) and size of a file, streamed. */
export async function hashFile(path: string): Promise<StoredFile> {
  const h = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha512: h.digest('base64'), size };
}

/**
 * Immutable artifact files of the feed, flat in `<dataDir>/updates/artifacts/`, or in the folder
 * every hub node shares (VIGIE_ARTIFACTS_DIR: a cluster publishes on one node and serves from all;
 * files are staged in its `.incoming/`, on the same file system, a name no artifact can have). A name is stored
 * once: ingesting the same name again with the same content is a no-op, with different content a
 * CONFLICT (served files carry a one-year immutable cache lifetime, so they must never change).
 */
export class ArtifactStore {
  readonly root: string;
  private readonly incoming: string;

  constructor(dataDir: string, artifactsDir?: string) {
    this.root = artifactsDir ? resolve(artifactsDir) : resolve(dataDir, 'updates', 'artifacts');
    this.incoming = artifactsDir ? join(this.root, '.incoming') : resolve(dataDir, 'updates', 'incoming');
  }

  /** Absolute path of a stored name; throws on anything that is not one plain file name. */
  pathOf(name: string): string {
    if (!ArtifactName.safeParse(name).success) throw new VigieError('BAD_REQUEST', `Nom de fichier refusé : « ${name} ».`);
    const p = resolve(this.root, name);
    if (dirname(p) !== this.root || !p.startsWith(this.root + sep))
      throw new VigieError('BAD_REQUEST', `Nom de fichier refusé : « ${name} ».`);
    return p;
  }

  async statOf(name: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
    const path = this.pathOf(name);
    try {
      const s = await stat(path);
      return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs } : null;
    } catch {
      return null;
    }
  }

  /**
   * Copies `source` into the store's incoming area, hashing on the way. When `expected` is given
   * the copy is refused (and removed) unless size and sha512 match exactly. Nothing is visible to
   * the feed until `commit`; `discard` removes a staged copy.
   */
  async stage(name: string, source: string, expected: StoredFile | null): Promise<StagedFile> {
    this.pathOf(name);
    let st;
    try {
      st = await lstat(source);
    } catch {
      throw new VigieError('BAD_REQUEST', `Fichier introuvable : ${source}.`, { file: name, source });
    }
    if (!st.isFile()) throw new VigieError('BAD_REQUEST', `Ce n’est pas un fichier ordinaire : ${source}.`, { file: name, source });
    if (st.size === 0) throw new VigieError('BAD_REQUEST', `Fichier vide : ${source}.`, { file: name, source });
    if (expected && st.size !== expected.size) {
      throw new VigieError('BAD_REQUEST', `Taille incorrecte pour ${name} : ${st.size} octets au lieu de ${expected.size} annoncés.`, {
        file: name,
        expectedSize: expected.size,
        actualSize: st.size,
      });
    }

    await mkdir(this.root, { recursive: true });
    await mkdir(this.incoming, { recursive: true });
    const tmp = join(this.incoming, `${name}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
    const h = createHash('sha512');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        h.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(source), meter, createWriteStream(tmp, { flags: 'wx', mode: 0o644 }));
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const actual = { sha512: h.digest('base64'), size };
      if (expected && (actual.sha512 !== expected.sha512 || actual.size !== expected.size)) {
        throw new VigieError(
          'BAD_REQUEST',
          `Empreinte sha512 incorrecte pour ${name} : le fichier ne correspond pas à celui annoncé par la compilation.`,
          {
            file: name,
            expectedSha512: expected.sha512,
            actualSha512: actual.sha512,
          },
        );
      }
      return { name, tmp, ...actual };
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Refuses (CONFLICT) when a staged name already exists in the store with another content;
   * `known` is what the database says about stored files. Call for every file before committing any.
   */
  async checkConflict(staged: StagedFile, known: StoredFile | null): Promise<boolean> {
    const target = this.pathOf(staged.name);
    const existing = known ?? (existsSync(target) ? await hashFile(target) : null);
    if (!existing) return false;
    if (existing.sha512 !== staged.sha512 || existing.size !== staged.size) {
      throw new VigieError('CONFLICT', `${staged.name} existe déjà sur le hub avec un contenu différent : changez de numéro de version.`, {
        file: staged.name,
      });
    }
    return true;
  }

  /** Moves a staged file into the store; returns false when an identical file was already there. */
  async commit(staged: StagedFile): Promise<boolean> {
    const target = this.pathOf(staged.name);
    try {
      // Never overwrite: link() fails when the name exists, so two publishers cannot race.
      await link(staged.tmp, target);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const existing = await hashFile(target);
      if (existing.sha512 !== staged.sha512)
        throw new VigieError('CONFLICT', `${staged.name} existe déjà sur le hub avec un contenu différent.`, { file: staged.name });
      return false;
    } finally {
      await unlink(staged.tmp).catch(() => undefined);
    }
  }

  async discard(staged: StagedFile[]): Promise<void> {
    await Promise.all(staged.map((f) => unlink(f.tmp).catch(() => undefined)));
  }
}

export interface StagedFile extends StoredFile {
  name: string;
  tmp: string;
}
