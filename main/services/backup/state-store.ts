import { join } from 'node:path';
import { JsonFile } from '../lib/files.js';
import type { Logger } from './ports.js';
import { removeLeftoverStagings, type StagingJournal } from './staging.js';
import { BackupStateFile, EMPTY_STATE } from './status.js';

/**
 * The backup service's saved state (`backup/state.json`: history, last slot, repository size,
 * the staging journal…): loaded at start, changed by one update function at a time and saved,
 * and the staging folders a crash left removed at start (staging.ts).
 */
export class BackupStateStore {
  private readonly file: JsonFile<BackupStateFile>;
  private current: BackupStateFile = { ...EMPTY_STATE };
  /** The restores' staging folders, journaled here before they are created (staging.ts). */
  readonly journal: StagingJournal = {
    add: (p) => this.persist((s) => ({ ...s, stagings: [...s.stagings, p] })),
    remove: (p) => this.persist((s) => ({ ...s, stagings: s.stagings.filter((x) => x !== p) })),
  };

  constructor(
    dataDir: string,
    logger: Logger,
    private readonly log: Logger,
  ) {
    this.file = new JsonFile(join(dataDir, 'backup', 'state.json'), BackupStateFile, logger);
  }

  get state(): BackupStateFile {
    return this.current;
  }

  /** The saved state (empty the first time), then the staging folders a crash left removed. */
  async load(): Promise<void> {
    this.current = (await this.file.load()) ?? { ...EMPTY_STATE };
    if (this.current.stagings.length === 0) return;
    const kept = await removeLeftoverStagings(this.current.stagings, this.log);
    await this.persist((s) => ({ ...s, stagings: kept }));
  }

  async persist(update: (s: BackupStateFile) => BackupStateFile): Promise<void> {
    this.current = update(this.current);
    await this.file.save(this.current);
  }

  flush(): Promise<void> {
    return this.file.flush();
  }
}
