import { z } from 'zod';
import { HealthHistoryEntry, HEALTH_HISTORY_MAX, HealthReport } from '../health.js';

// The health contract travels with the IPC contract so that every UI gets it from '@vigie/common'.
export * from '../health.js';

/** Security health calls from the renderer (the "Sécurité" panel). */
export const HEALTH_METHODS = {
  /** Latest report (kept across restarts), or null before the first scan ever finished. */
  'health:getReport': { request: z.strictObject({}), response: HealthReport.nullable() },
  /** "Vérifier maintenant": runs a scan (or joins the one already running) and answers its report. */
  'health:scan': { request: z.strictObject({}), response: HealthReport },
  /** Compact history, newest first. */
  'health:history': {
    request: z.strictObject({ limit: z.number().int().min(1).max(HEALTH_HISTORY_MAX).optional() }),
    response: z.array(HealthHistoryEntry),
  },
} as const;

export const HEALTH_PUSH = {
  /** Every new report (scheduled, at start or on demand). */
  'health:report': HealthReport,
} as const;
