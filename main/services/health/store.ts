import { join } from 'node:path';
import { z } from 'zod';
import { HEALTH_HISTORY_MAX, HealthHistoryEntry, HealthReport } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { JsonFile } from '../lib/files.js';

/** What the health service keeps on disk: the latest full report and a capped compact history (newest first). */
export const HealthState = z.object({
  version: z.literal(1),
  latest: HealthReport.nullable(),
  history: z.array(HealthHistoryEntry).max(HEALTH_HISTORY_MAX * 2),
});
export type HealthState = z.infer<typeof HealthState>;

/** Port: where the health state lives. */
export interface HealthStore {
  load(): Promise<HealthState | null>;
  save(state: HealthState): Promise<void>;
}

/**
 * `<dataDir>/health.json`, written atomically (temp file, fsync, rename); an unreadable file is
 * set aside as `health.json.corrupt-<time>`, never silently overwritten.
 */
export class JsonHealthStore implements HealthStore {
  private readonly file: JsonFile<HealthState>;
  constructor(dataDir: string, logger?: Logger) {
    this.file = new JsonFile(join(dataDir, 'health.json'), HealthState, logger);
  }
  get path(): string {
    return this.file.path;
  }
  load(): Promise<HealthState | null> {
    return this.file.load();
  }
  save(state: HealthState): Promise<void> {
    return this.file.save(state);
  }
}
