import { unlink } from 'node:fs/promises';
import {
  canaryDigest,
  canaryFolders,
  canaryContent,
  canaryNames,
  checkCanary,
  excludePattern,
  plantCanaries,
  plantOne,
  type Canary,
} from './canaries.js';
import { isInside, parentOf } from './paths.js';
import { baseName } from './signals.js';

export interface CanarySetOptions {
  platform: NodeJS.Platform;
  /** This installation's token, written into every control file. */
  token: string;
  /** Hides a control file where a leading dot does not (Windows: `attrib +h`). */
  hide?: (path: string) => Promise<void>;
  /** Folders that get control files (each practice folder first, then their subfolders). */
  maxFolders: number;
}

/**
 * The control files this installation placed and still owns (known by path and hash): placing
 * them in the watched folders, taking them away from folders no longer watched (only if still
 * ours), putting back one deleted alone, forgetting those an attack touched. Never writes over a
 * file that is not ours. The service (service.ts) decides when; it saves the list with its state.
 */
export class CanarySet {
  private readonly byPath = new Map<string, Canary>();

  constructor(
    private readonly o: CanarySetOptions,
    saved: readonly Canary[],
  ) {
    for (const c of saved) this.byPath.set(c.path, c);
  }

  get size(): number {
    return this.byPath.size;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  get(path: string): Canary | undefined {
    return this.byPath.get(path);
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** What the state file keeps. */
  records(): Canary[] {
    return [...this.byPath.values()];
  }

  /** restic `--exclude` patterns of the control files: never in a backup, the restore browser or its counts. */
  excludes(): string[] {
    return this.paths().map((p) => excludePattern(p, this.o.platform));
  }

  /** The control file that a file newly created under a longer name (`… 2019.pdf.locked`) is, renamed. */
  renamedAs(path: string): Canary | undefined {
    return this.records().find((k) => k.folder === parentOf(path) && baseName(path).startsWith(`${baseName(k.path)}.`));
  }

  /**
   * Control files of folders no longer watched taken away (if still ours); when `plant` (no alert
   * stands: during an alert nothing is written into the practice folders), control files placed
   * in the watched folders where their names are free.
   */
  async place(folders: readonly string[], plant: boolean): Promise<void> {
    for (const c of this.records()) {
      if (folders.some((f) => isInside(c.folder, f))) continue;
      this.byPath.delete(c.path);
      if ((await canaryDigest(c.path)) === c.sha256) await unlink(c.path).catch(() => undefined);
    }
    if (plant && folders.length > 0) {
      const targets = await canaryFolders(folders, this.o.maxFolders);
      const planted = await plantCanaries(targets, {
        platform: this.o.platform,
        token: this.o.token,
        ...(this.o.hide ? { hide: this.o.hide } : {}),
      });
      for (const c of planted) this.byPath.set(c.path, c);
    }
  }

  /** Puts back a control file deleted alone. False when it is not one of ours (nothing done). */
  async replant(path: string): Promise<boolean> {
    const c = this.byPath.get(path);
    if (!c) return false;
    const kind = canaryNames(this.o.platform).find((n) => n.name === baseName(path))?.kind;
    if (!kind) return false;
    const digest = await plantOne(path, canaryContent(kind, this.o.token), this.o.hide);
    // A file of someone else's took the name: that one is not ours any more.
    if (digest !== c.sha256) this.byPath.delete(path);
    return true;
  }

  /** After an alert: control files that were touched are forgotten (never overwritten). */
  async forgetTouched(): Promise<void> {
    for (const c of this.records()) if ((await checkCanary(c)) !== 'ok') this.byPath.delete(c.path);
  }
}
