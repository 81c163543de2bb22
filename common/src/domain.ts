import { z } from 'zod';

/** Shared limits: one place, used by hub, app and console. */
export const LIMITS = {
  chatText: 4000,
  description: 1000,
  resolutionNote: 1000,
  deviceName: 100,
  displayName: 100,
  login: 64,
  password: 256,
  enrollmentCode: 32,
  syncPage: 500,
  /** Conversations per chat:resync / chat:receipts call. */
  chatBatch: 25,
} as const;

/** 3-minute promise: the console colours a waiting request green < 2 min, orange 2–3 min, red beyond. */
export const SLA = { warnMs: 2 * 60_000, breachMs: 3 * 60_000 } as const;

export const Id = z.string().min(1).max(64);
export const Uuid = z.uuid();
export const IsoDate = z.iso.datetime({ offset: true });

export const OsFamily = z.enum(['windows', 'macos', 'linux']);
export type OsFamily = z.infer<typeof OsFamily>;

export const Locale = z.enum(['fr', 'en']);
export type Locale = z.infer<typeof Locale>;

export const HELP_TOPICS = ['computer', 'software', 'printer', 'internet', 'email', 'security', 'files', 'other'] as const;
export const HelpTopic = z.enum(HELP_TOPICS);
export type HelpTopic = z.infer<typeof HelpTopic>;

export const HelpStatus = z.enum(['waiting', 'assigned', 'resolved', 'cancelled']);
export type HelpStatus = z.infer<typeof HelpStatus>;

// ---------- security health (summary; the full report lives in health.ts) ----------
export const HealthStatus = z.enum(['ok', 'warning', 'critical', 'unknown']);
export type HealthStatus = z.infer<typeof HealthStatus>;

export const HealthSummary = z.object({
  score: z.number().int().min(0).max(100),
  worst: HealthStatus,
  counts: z.object({ ok: z.number().int(), warning: z.number().int(), critical: z.number().int(), unknown: z.number().int() }),
  worstCheck: z.object({ id: z.string().max(64), title: z.string().max(200), status: HealthStatus }).optional(),
  at: IsoDate,
});
export type HealthSummary = z.infer<typeof HealthSummary>;

// ---------- backups (summary; the full status lives in backup.ts) ----------
export const BackupHeadline = z.enum(['ok', 'running', 'stale', 'failed', 'not-configured']);
export type BackupHeadline = z.infer<typeof BackupHeadline>;

export const BackupSummary = z.object({
  headline: BackupHeadline,
  lastSuccessAt: IsoDate.nullable(),
  lastRunAt: IsoDate.nullable(),
  nextRunAt: IsoDate.nullable(),
  sizeBytes: z.number().nonnegative().nullable(),
  filesChangedLastRun: z.number().int().nonnegative().nullable(),
  message: z.string().max(500).optional(),
});
export type BackupSummary = z.infer<typeof BackupSummary>;

// ---------- devices and practices ----------
export const DeviceInfo = z.object({
  name: z.string().trim().min(1).max(LIMITS.deviceName),
  os: OsFamily,
  osVersion: z.string().max(100),
  model: z.string().max(100).default(''),
  appVersion: z.string().max(40),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

/** What the app sends with a help request so the technician starts with facts. */
export const ContextSnapshot = z.object({
  os: OsFamily,
  osVersion: z.string().max(100),
  appVersion: z.string().max(40),
  model: z.string().max(100).optional(),
  hostname: z.string().max(255).optional(),
  locale: Locale.optional(),
  uptimeSeconds: z.number().nonnegative().optional(),
  health: HealthSummary.nullable().optional(),
  backup: BackupSummary.nullable().optional(),
});
export type ContextSnapshot = z.infer<typeof ContextSnapshot>;

export const TechnicianPublic = z.object({
  id: Id,
  displayName: z.string(),
  initials: z.string().max(4),
});
export type TechnicianPublic = z.infer<typeof TechnicianPublic>;

export const TechnicianRole = z.enum(['technician', 'supervisor', 'admin']);
export type TechnicianRole = z.infer<typeof TechnicianRole>;

export const TechnicianSelf = TechnicianPublic.extend({ login: z.string(), role: TechnicianRole });
export type TechnicianSelf = z.infer<typeof TechnicianSelf>;

export const Device = z.object({
  id: Id,
  practiceId: Id,
  practiceName: z.string(),
  name: z.string(),
  os: OsFamily,
  osVersion: z.string(),
  model: z.string(),
  appVersion: z.string(),
  online: z.boolean(),
  enrolledAt: IsoDate,
  lastSeenAt: IsoDate.nullable(),
  revoked: z.boolean(),
});
export type Device = z.infer<typeof Device>;

// ---------- help requests ----------
export const HelpRequest = z.object({
  id: Id,
  clientId: Uuid,
  deviceId: Id,
  deviceName: z.string(),
  practiceId: Id,
  practiceName: z.string(),
  status: HelpStatus,
  topic: HelpTopic.nullable(),
  description: z.string().nullable(),
  context: ContextSnapshot.nullable(),
  createdAt: IsoDate,
  assignedAt: IsoDate.nullable(),
  closedAt: IsoDate.nullable(),
  technician: TechnicianPublic.nullable(),
  resolutionNote: z.string().nullable(),
  /** Opened or raised by an alert (ransomware tripwire): first in the queue. Absent: not urgent. */
  urgent: z.boolean().optional(),
});
export type HelpRequest = z.infer<typeof HelpRequest>;

/** The support's fallback phone number (a hub setting): digits, spaces, dots, dashes, brackets, a leading +. */
export const PhoneNumber = z
  .string()
  .trim()
  .max(30)
  .regex(/^\+?[0-9][0-9 .()-]*$/, 'digits, spaces, dots, dashes or brackets, with an optional leading +')
  .refine((v) => {
    const digits = v.replace(/\D/g, '').length;
    return digits >= 3 && digits <= 20;
  }, 'between 3 and 20 digits');
export type PhoneNumber = z.infer<typeof PhoneNumber>;

/**
 * What the hub says about a waiting request, as a message key (each UI words it in its own
 * language) and the facts it rests on. The practitioner and the console show the same one.
 * - `estimate`: technicians are available and the hub has pickup times to go by: about `etaMinutes`.
 * - `noEstimate`: technicians are available but the hub has nothing to base a number on (no pickup
 *   recorded yet, or the estimate ran out): no number is given.
 * - `overdue`: waited more than 3 minutes (SLA.breachMs) with technicians available: no countdown,
 *   the request keeps its place and the technicians' consoles have been alerted.
 * - `noTechnician`: no technician available; the phone number when one is configured.
 * - `closed`: no technician available and outside the support hours: when it opens (`opensAt`).
 */
export const WAIT_KEYS = ['estimate', 'noEstimate', 'overdue', 'noTechnician', 'closed'] as const;
export const WaitKey = z.enum(WAIT_KEYS);
export type WaitKey = z.infer<typeof WaitKey>;

export const WaitMessage = z.object({
  key: WaitKey,
  params: z.object({
    position: z.number().int().min(1),
    waiting: z.number().int().min(1),
    /** Seconds the request has waited, on the hub's clock. */
    waitedSeconds: z.number().int().nonnegative(),
    /** Technicians connected and not on a break. */
    techniciansAvailable: z.number().int().nonnegative(),
    /** `estimate` only: minutes before pickup, rounded up. */
    etaMinutes: z.number().int().min(1).nullable(),
    /** Median seconds from a request to its pickup over the last `samples` pickups (null: none recorded). */
    medianPickupSeconds: z.number().nonnegative().nullable(),
    samples: z.number().int().nonnegative(),
    /** `closed` only: when the support opens next (null: no opening in the coming week). */
    opensAt: IsoDate.nullable(),
    /** Time zone of the support hours (IANA name), to word `opensAt`. */
    timeZone: z.string().min(1).max(64),
    /** The support's fallback phone number, when one is configured. */
    phone: PhoneNumber.nullable(),
  }),
});
export type WaitMessage = z.infer<typeof WaitMessage>;

/**
 * Live position of a waiting request, pushed to its device whenever what its practitioner reads
 * changes (place, wait key, estimate, technicians available, opening, phone) — not when a request
 * joins behind it: `waiting` and the wait's `waitedSeconds` are as of the message.
 */
export const QueuePosition = z.object({
  requestId: Id,
  position: z.number().int().min(1),
  waiting: z.number().int().min(1),
  /**
   * Legacy (apps before `wait`): seconds of the estimate when there is one (`wait.key` is
   * `estimate`), else the old formula. Current UIs show `wait`, never this number alone.
   */
  etaSeconds: z.number().int().nonnegative(),
  /** What to tell the practice about the wait (absent only from hubs older than this field). */
  wait: WaitMessage.optional(),
});
export type QueuePosition = z.infer<typeof QueuePosition>;

// ---------- chat ----------
export const ChatAuthor = z.enum(['device', 'technician', 'system']);
export type ChatAuthor = z.infer<typeof ChatAuthor>;

/**
 * A system line as a message key with its parameters (SYSTEM_MESSAGE_STRINGS in
 * system-messages.ts): each UI writes it in its own language. The hub still fills `text` (French)
 * for clients that predate keys; a key a client does not know falls back to that text.
 */
export const SystemMessageRef = z.object({
  key: z.string().min(1).max(64),
  params: z.record(z.string().max(32), z.union([z.string().max(LIMITS.chatText), z.number()])),
});
export type SystemMessageRef = z.infer<typeof SystemMessageRef>;

export const ChatMessage = z.object({
  /** Client-generated UUID: the idempotency key. */
  id: Uuid,
  requestId: Id,
  /** Hub-assigned, strictly increasing per request: the resync cursor. */
  seq: z.number().int().positive(),
  author: ChatAuthor,
  authorName: z.string(),
  text: z.string(),
  /** System lines only: what `text` says, as a key and parameters. */
  system: SystemMessageRef.optional(),
  /** When the author pressed send (client clock). */
  sentAt: IsoDate,
  /** When the hub stored it (hub clock). */
  createdAt: IsoDate,
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** Highest seq each side has received / read, per request. */
export const ReceiptKind = z.enum(['delivered', 'read']);
export type ReceiptKind = z.infer<typeof ReceiptKind>;

export const ChatReceipts = z.object({
  requestId: Id,
  device: z.object({ delivered: z.number().int().nonnegative(), read: z.number().int().nonnegative() }),
  technician: z.object({ delivered: z.number().int().nonnegative(), read: z.number().int().nonnegative() }),
});
export type ChatReceipts = z.infer<typeof ChatReceipts>;

// ---------- audit ----------
export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  at: IsoDate,
  actorType: z.enum(['device', 'technician', 'system', 'cli']),
  actorId: z.string().nullable(),
  action: z.string(),
  subject: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
