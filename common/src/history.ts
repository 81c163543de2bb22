import { z } from 'zod';
import {
  AuditEntry,
  BackupSummary,
  ChatMessage,
  Device,
  HealthSummary,
  HelpRequest,
  HelpStatus,
  HelpTopic,
  Id,
  IsoDate,
  TechnicianPublic,
} from './domain.js';
import { BackupAccessEndReason } from './backup-relay.js';
import { RestoreState } from './backup.js';
import { ScreenEndReason, ScreenKind, ScreenSession, ScreenSessionState } from './screen.js';

/**
 * The console's device page (a « Parc » row opened) and the audit view, technician → hub on /tech.
 * Every read is audited by the hub (device.history_view, audit.view, audit.export). The device
 * page is open to every technician, like the fleet; the audit view only to supervisors and admins.
 */

export const HISTORY_LIMIT = 50;

export const DeviceHistoryRequest = z.object({
  id: Id,
  status: HelpStatus,
  topic: HelpTopic.nullable(),
  createdAt: IsoDate,
  closedAt: IsoDate.nullable(),
  technician: TechnicianPublic.nullable(),
  resolutionNote: z.string().nullable(),
});
export type DeviceHistoryRequest = z.infer<typeof DeviceHistoryRequest>;

export const DeviceHistorySession = z.object({
  id: Id,
  requestId: Id,
  technician: TechnicianPublic,
  kind: ScreenKind,
  state: ScreenSessionState,
  requestedAt: IsoDate,
  consentAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  endReason: ScreenEndReason.nullable(),
});
export type DeviceHistorySession = z.infer<typeof DeviceHistorySession>;

export const DeviceHistoryRestore = z.object({
  jobId: Id,
  /** Under a request, or under an access granted outside a request. */
  requestId: Id.nullable(),
  accessId: Id.nullable(),
  technician: TechnicianPublic,
  /** How many items the technician asked for, and the first names (never a path). */
  items: z.number().int().nonnegative(),
  names: z.array(z.string().max(255)).max(5),
  state: RestoreState,
  createdAt: IsoDate,
  endedAt: IsoDate.nullable(),
});
export type DeviceHistoryRestore = z.infer<typeof DeviceHistoryRestore>;

export const DeviceHistoryAccess = z.object({
  id: Id,
  technician: TechnicianPublic,
  requestedAt: IsoDate,
  grantedAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  endReason: BackupAccessEndReason.nullable(),
});
export type DeviceHistoryAccess = z.infer<typeof DeviceHistoryAccess>;

export const DeviceHistory = z.object({
  device: Device,
  /** The device's latest summaries as last reported (null: none yet). */
  report: z.object({ health: HealthSummary.nullable(), backup: BackupSummary.nullable(), reportedAt: IsoDate }).nullable(),
  /** Newest first, HISTORY_LIMIT of each at most. */
  requests: z.array(DeviceHistoryRequest),
  sessions: z.array(DeviceHistorySession),
  restores: z.array(DeviceHistoryRestore),
  accesses: z.array(DeviceHistoryAccess),
  limit: z.number().int().positive(),
});
export type DeviceHistory = z.infer<typeof DeviceHistory>;

// ---------- audit view ----------
/**
 * Acts the audit view filters on, each a set of action prefixes (an action belongs to the first
 * act whose prefix it starts with, in this order).
 */
export const AUDIT_ACTS = {
  control: ['screen.control.'],
  screen: ['screen.'],
  access: ['backup.access.'],
  reads: [
    'help.view',
    'device.health_view',
    'device.history_view',
    'device.logs_view',
    'devices.list',
    'backup.read',
    'audit.view',
    'audit.export',
    'receipt.download',
    'receipt.list',
    'tripwire.view',
  ],
  backups: ['backup.', 'safety.'],
  alerts: ['tripwire.'],
  requests: ['help.', 'receipt.'],
  auth: ['auth.'],
  devices: ['device.', 'practice.'],
  admin: ['technician.', 'updates.', 'audit.', 'settings.'],
} as const;
export const AuditAct = z.enum(Object.keys(AUDIT_ACTS) as [keyof typeof AUDIT_ACTS, ...Array<keyof typeof AUDIT_ACTS>]);
export type AuditAct = z.infer<typeof AuditAct>;

/** The act an action belongs to (null: none of them). */
export function auditActOf(action: string): AuditAct | null {
  for (const [act, prefixes] of Object.entries(AUDIT_ACTS) as Array<[AuditAct, readonly string[]]>) {
    if (prefixes.some((p) => action === p || (p.endsWith('.') && action.startsWith(p)))) return act;
  }
  return null;
}

export const AuditQuery = z.strictObject({
  practiceId: Id.optional(),
  technicianId: Id.optional(),
  act: AuditAct.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  /** Entries older than this seq (the previous page's `next`). */
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditView = z.object({
  seq: z.number().int().positive(),
  at: IsoDate,
  actorType: AuditEntry.shape.actorType,
  /** Who acted, named as the hub knows them now (technician, device), null for the system. */
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  action: z.string(),
  act: AuditAct.nullable(),
  subject: z.string().nullable(),
  practice: z.object({ id: Id, name: z.string() }).nullable(),
  device: z.object({ id: Id, name: z.string() }).nullable(),
  /** The request the entry is about, when it is about one (its intervention can be exported). */
  requestId: Id.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type AuditView = z.infer<typeof AuditView>;

export const AuditPage = z.object({
  entries: z.array(AuditView),
  /** Ask again with beforeSeq = next for older entries; null: the start of the log was reached. */
  next: z.number().int().positive().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditOptions = z.object({
  practices: z.array(z.object({ id: Id, name: z.string() })),
  technicians: z.array(z.object({ id: Id, name: z.string(), disabled: z.boolean() })),
});
export type AuditOptions = z.infer<typeof AuditOptions>;

/** One intervention (a help request) as exported from the audit view: what happened, and the chain entries it stands on. */
export const InterventionExport = z.object({
  format: z.literal('vigie.intervention-export'),
  version: z.literal(1),
  exportedAt: IsoDate,
  exportedBy: z.object({ id: Id, name: z.string() }),
  request: HelpRequest,
  device: z.object({ id: Id, name: z.string(), practiceId: Id, practiceName: z.string() }),
  messages: z.array(ChatMessage),
  screenSessions: z.array(ScreenSession),
  /** The audit entries about it, in order, with their place in the keyed chain (seq, prevHash, hash). */
  audit: z.array(AuditEntry),
});
export type InterventionExport = z.infer<typeof InterventionExport>;

export const HISTORY_TECH_EVENTS = {
  /** A device's page: facts, latest report, history. Any technician (audited). */
  'device:history': { request: z.strictObject({ deviceId: Id }), response: DeviceHistory },
  /** Supervisors and admins: a page of the audit log, newest first, filtered. */
  'audit:list': { request: AuditQuery, response: AuditPage },
  /** Supervisors and admins: the practices and technicians to filter on. */
  'audit:options': { request: z.strictObject({}), response: AuditOptions },
  /** Supervisors and admins: one intervention, with its audit entries. */
  'audit:export': { request: z.strictObject({ requestId: Id }), response: InterventionExport },
} as const;
