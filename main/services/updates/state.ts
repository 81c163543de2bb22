import { z } from 'zod';
import { UpdateFailureReason, UpdateReport } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { JsonFile } from '../lib/files.js';

/** What the updater remembers across restarts. */
export const PersistedUpdateState = z.object({
  /** Set just before installing: on the next start the app reports whether it took. */
  installing: z.object({ from: z.string(), to: z.string(), at: z.number() }).nullable().default(null),
  /** Consecutive failures per version (retry schedule). */
  failures: z
    .record(z.string(), z.object({ attempt: z.number().int().positive(), retryAt: z.number(), reason: UpdateFailureReason }))
    .default({}),
  /** Reports not yet acknowledged by the hub (oldest first, bounded). */
  outbox: z.array(UpdateReport).max(100).default([]),
});
export type PersistedUpdateState = z.infer<typeof PersistedUpdateState>;

export interface UpdateStateStore {
  load(): Promise<PersistedUpdateState | null>;
  save(state: PersistedUpdateState): Promise<void>;
}

/** The updater state in `<userData>/updates.json` (atomic writes; an unreadable file is set aside). */
export function fileUpdateStateStore(path: string, logger?: Logger): UpdateStateStore {
  const file = new JsonFile<PersistedUpdateState>(path, PersistedUpdateState as unknown as z.ZodType<PersistedUpdateState>, logger);
  return { load: () => file.load(), save: (s) => file.save(s) };
}

/** Keeps the state in memory only (browser host, tests that do not restart). */
export function memoryUpdateStateStore(
  initial: PersistedUpdateState | null = null,
): UpdateStateStore & { current: PersistedUpdateState | null } {
  const store = {
    current: initial,
    load: async () => (store.current ? structuredClone(store.current) : null),
    save: async (s: PersistedUpdateState) => {
      store.current = structuredClone(s);
    },
  };
  return store;
}
