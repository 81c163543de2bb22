import { z } from 'zod';
import { HealthStatus, HealthSummary, IsoDate, OsFamily } from '../domain.js';

/**
 * Security health, the shapes: the checks a scan runs, why one could not be verified, the full
 * report of one scan (with the raw evidence kept for the technician) and its compact history entry.
 */

// ---------- checks ----------
export const CHECK_IDS = [
  'disk-encryption',
  'antivirus',
  'firewall',
  'os-supported',
  'os-updates',
  'auto-updates',
  'screen-lock',
  'admin-user',
  'auto-login',
  'guest-account',
  'remote-access',
  'smbv1',
  'platform-integrity',
  'disk-space',
  'time-sync',
  'backup-recency',
] as const;
export const CheckId = z.enum(CHECK_IDS);
export type CheckId = z.infer<typeof CheckId>;

/**
 * Why a check could not be verified. Each code has a plain sentence for the practitioner in
 * HEALTH_STRINGS.<locale>.reasons and the technician's one (which tool, which exit code, what was
 * missing: its parameters) in HEALTH_STRINGS.<locale>.technicalReasons.
 */
export const UNKNOWN_REASONS = [
  'command-missing', // the tool is not on this machine
  'timeout', // the tool did not answer in time (it was stopped)
  'permission-denied', // the tool needs administrator rights
  'command-failed', // the tool ended with an error
  'unparseable', // the answer was not understood
  'empty-output', // the tool answered nothing
  'incomplete', // the answer lacks what is needed (cut short, missing part)
  'no-network', // the tool needed the Internet and could not reach it
  'not-supported', // this system or version is not in our tables
  'nothing-found', // no known tool or configuration to judge from
  'no-backup-provider', // backups are not set up in Vigie yet
  'internal', // a fault in Vigie itself
] as const;
export const UnknownReasonCode = z.enum(UNKNOWN_REASONS);
export type UnknownReasonCode = z.infer<typeof UnknownReasonCode>;

export const MessageParams = z.record(z.string(), z.union([z.string().max(300), z.number()]));
export type MessageParams = z.infer<typeof MessageParams>;

/** Raw output kept for the technician; each stream is capped at EVIDENCE_MAX_CHARS. */
export const EVIDENCE_MAX_CHARS = 4000;
export const Evidence = z.object({
  /** The command as a person would type it (for PowerShell: the script). */
  command: z.string().max(2000),
  stdout: z.string().max(EVIDENCE_MAX_CHARS + 100),
  stderr: z.string().max(EVIDENCE_MAX_CHARS + 100),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** True when stdout or stderr was cut to fit. */
  truncated: z.boolean(),
  /** Set when the command could not run to its end. */
  failure: z.enum(['not-found', 'timeout', 'permission-denied', 'spawn-failed']).nullable(),
});
export type Evidence = z.infer<typeof Evidence>;

/** `text`: the practitioner's sentence in French (renderUnknownReason); `params` hold the technician's facts (renderTechnicalReason). */
export const UnknownReason = z.object({ code: UnknownReasonCode, params: MessageParams, text: z.string().max(1000) });
export type UnknownReason = z.infer<typeof UnknownReason>;

export const CheckResult = z.object({
  id: CheckId,
  status: HealthStatus,
  /** Plain French, already rendered from `message` (the UI re-renders it in the user's locale). */
  title: z.string().max(300),
  explanation: z.string().max(1000),
  /** The one thing to do; null when there is nothing to do. */
  remediation: z.string().max(1000).nullable(),
  /** i18n: `key` in HEALTH_STRINGS.<locale>.messages, with its parameters. */
  message: z.object({ key: z.string().max(100), params: MessageParams }),
  /** Set when status is `unknown`: why. */
  reason: UnknownReason.nullable(),
  evidence: z.array(Evidence).max(12),
  durationMs: z.number().nonnegative(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const HealthOsInfo = z.object({
  family: OsFamily,
  /** e.g. "Debian GNU/Linux 12 (bookworm)", "macOS 15.5", "Windows 11 Pro 24H2". */
  name: z.string().max(200),
  version: z.string().max(100),
});
export type HealthOsInfo = z.infer<typeof HealthOsInfo>;

export const HealthReport = z.object({
  version: z.literal(1),
  checks: z.array(CheckResult).max(CHECK_IDS.length),
  score: z.number().int().min(0).max(100),
  worst: HealthStatus,
  summary: HealthSummary,
  startedAt: IsoDate,
  finishedAt: IsoDate,
  os: HealthOsInfo,
  trigger: z.enum(['start', 'schedule', 'manual']),
});
export type HealthReport = z.infer<typeof HealthReport>;

/** One line of history: what changed over time, without the evidence. */
export const HealthHistoryEntry = z.object({
  at: IsoDate,
  score: z.number().int().min(0).max(100),
  worst: HealthStatus,
  statuses: z.partialRecord(CheckId, HealthStatus),
});
export type HealthHistoryEntry = z.infer<typeof HealthHistoryEntry>;
export const HEALTH_HISTORY_MAX = 90;
