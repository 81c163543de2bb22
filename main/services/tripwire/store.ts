import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { TripwireAlert } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';

/**
 * What survives a restart (`<dataDir>/tripwire/state.json`): the standing alert (retention stays
 * frozen), the control files, the backups' usual pattern. Read synchronously at start; a file
 * that cannot be understood is set aside and a fresh state begins.
 */

const CanaryRecord = z.object({ path: z.string(), folder: z.string(), sha256: z.string() });

export const TripwireFile = z.object({
  version: z.literal(1),
  seed: z.string().min(1).max(32),
  token: z.string().min(1).max(64),
  raised: z.number().int().nonnegative(),
  backups: z.array(z.number().int().nonnegative()).max(200),
  lastBackup: z.object({ total: z.number().int().nonnegative(), at: z.number() }).nullable(),
  lastRunId: z.string().nullable(),
  alert: TripwireAlert.nullable(),
  reported: z.boolean(),
  requestId: z.string().nullable(),
  supportPhone: z.string().max(40).nullable(),
  canaries: z.array(CanaryRecord).max(2_000),
});
export type TripwireFile = z.infer<typeof TripwireFile>;

/** A new installation's state: a random alert-id prefix and control-file token, nothing else. */
export function freshTripwireFile(): TripwireFile {
  return {
    version: 1,
    seed: randomBytes(6).toString('hex'),
    token: randomBytes(8).toString('hex'),
    raised: 0,
    backups: [],
    lastBackup: null,
    lastRunId: null,
    alert: null,
    reported: false,
    requestId: null,
    supportPhone: null,
    canaries: [],
  };
}

/** Reads the saved state at construction, synchronously: retention is frozen from the first instant if an alert stands. */
export function loadSync(path: string, log: Logger): TripwireFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.error('tripwire state unreadable', { err: e });
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const r = TripwireFile.safeParse(parsed);
  if (r.success) return r.data;
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, aside);
  } catch {
    /* left where it is */
  }
  log.warn('tripwire state set aside', { path, aside });
  return null;
}
