import { z } from 'zod';
import { resultSchema } from './result.js';
import {
  ChatMessage,
  ChatReceipts,
  ContextSnapshot,
  HelpRequest,
  HelpTopic,
  Id,
  LIMITS,
  QueuePosition,
  ReceiptKind,
  TechnicianPublic,
  TechnicianSelf,
  Uuid,
  IsoDate,
  HealthSummary,
  BackupSummary,
  Device,
} from './domain.js';
import { SCREEN_DEVICE_EVENTS, SCREEN_DEVICE_PUSH, SCREEN_TECH_EVENTS, SCREEN_TECH_PUSH } from './screen.js';
import { BACKUP_DEVICE_EVENTS, BACKUP_DEVICE_PUSH, BACKUP_TECH_EVENTS, BACKUP_TECH_PUSH } from './backup-relay.js';
import { HealthReport } from './health.js';
import { HISTORY_TECH_EVENTS } from './history.js';
import { DEVICE_LOGS_TECH_EVENTS } from './device-logs.js';
import { UPDATE_DEVICE_EVENTS } from './updates.js';
import { TRIPWIRE_DEVICE_EVENTS, TRIPWIRE_DEVICE_PUSH, TRIPWIRE_TECH_EVENTS, TRIPWIRE_TECH_PUSH } from './tripwire.js';
import { SUPPORT_TECH_EVENTS, SUPPORT_TECH_PUSH, SupportStatus } from './support.js';
import { RECEIPT_DEVICE_EVENTS } from './receipts.js';

/**
 * Socket.io contract.
 *
 * Namespaces: `/device` (auth: `{ token }` from enrollment) and `/tech` (auth: the httpOnly
 * session cookie set by POST /api/auth/login).
 *
 * Client → hub: `socket.emit(name, payload, ack)`; the hub parses `payload` with `request` and
 * always calls `ack` with a Result whose `data` matches `response`. An event not listed here is
 * answered `UNKNOWN_EVENT` (when it has an ack) and counted against the rate limit.
 *
 * Hub → client: pushes without ack, payload matching the schema in *_PUSH.
 */
export const NS = { device: '/device', tech: '/tech' } as const;

const RequestRef = z.strictObject({ requestId: Id });

export const ChatSendRequest = z.strictObject({
  requestId: Id,
  id: Uuid,
  text: z.string().trim().min(1).max(LIMITS.chatText),
  sentAt: IsoDate,
});
export const ChatSyncRequest = z.strictObject({
  requestId: Id,
  /** Last seq the client holds; 0 for everything. */
  afterSeq: z.number().int().nonnegative().default(0),
});
export const ChatSyncResponse = z.object({
  messages: z.array(ChatMessage),
  receipts: ChatReceipts,
  /** True when more messages follow (page size LIMITS.syncPage): call again with the last seq. */
  more: z.boolean(),
});
export const ChatReceiptRequest = z.strictObject({ requestId: Id, kind: ReceiptKind, upToSeq: z.number().int().nonnegative() });
export const ChatTypingRequest = z.strictObject({ requestId: Id, typing: z.boolean() });

/** One answer per conversation of a batch: each succeeds or fails on its own. */
const PerRequest = <T extends z.ZodType>(data: T) => z.array(z.object({ requestId: Id, result: resultSchema(data) }));
/** Several conversations in one call (a console resyncing 30 conversations after a reconnect). */
export const ChatResyncRequest = z.strictObject({ items: z.array(ChatSyncRequest).min(1).max(LIMITS.chatBatch) });
export const ChatResyncResponse = PerRequest(ChatSyncResponse);
export const ChatReceiptsRequest = z.strictObject({ items: z.array(ChatReceiptRequest).min(1).max(LIMITS.chatBatch) });
export const ChatReceiptsResponse = PerRequest(ChatReceipts);

const chatEvents = {
  'chat:send': { request: ChatSendRequest, response: z.object({ message: ChatMessage, duplicate: z.boolean() }) },
  'chat:sync': { request: ChatSyncRequest, response: ChatSyncResponse },
  'chat:receipt': { request: ChatReceiptRequest, response: ChatReceipts },
  /** chat:sync for several conversations (one page each; ask again for those with `more`). */
  'chat:resync': { request: ChatResyncRequest, response: ChatResyncResponse },
  /** chat:receipt for several conversations. */
  'chat:receipts': { request: ChatReceiptsRequest, response: ChatReceiptsResponse },
  'chat:typing': { request: ChatTypingRequest, response: z.object({}) },
} as const;

export const HelpCreateRequest = z.strictObject({
  /** Client-generated UUID: creating twice with the same id returns the same request. */
  clientId: Uuid,
  topic: HelpTopic.nullable().default(null),
  description: z.string().trim().max(LIMITS.description).nullable().default(null),
  context: ContextSnapshot,
});
export const HelpUpdateRequest = z.strictObject({
  requestId: Id,
  topic: HelpTopic.nullable().optional(),
  description: z.string().trim().max(LIMITS.description).nullable().optional(),
});
export const DeviceHelloResponse = z.object({
  deviceId: Id,
  deviceName: z.string(),
  practice: z.object({ id: Id, name: z.string() }),
  /** The device's open request (waiting or assigned), if any, so the app resumes after a restart. */
  current: HelpRequest.nullable(),
  position: QueuePosition.nullable(),
  serverTime: IsoDate,
});

export const DeviceReportRequest = z.strictObject({
  health: HealthSummary.nullable().optional(),
  backup: BackupSummary.nullable().optional(),
  appVersion: z.string().max(40).optional(),
  /**
   * The full security-health report (checks, explanations, raw evidence), made to fit
   * HEALTH_REPORT_MAX_BYTES with fitHealthReport. When given, `health` may be left out (the hub
   * takes the report's summary); when both are given they must agree.
   */
  healthReport: HealthReport.nullable().optional(),
});

export const DEVICE_EVENTS = {
  'device:hello': { request: z.strictObject({}), response: DeviceHelloResponse },
  'device:report': { request: DeviceReportRequest, response: z.object({}) },
  'help:create': { request: HelpCreateRequest, response: z.object({ request: HelpRequest, position: QueuePosition.nullable() }) },
  'help:update': { request: HelpUpdateRequest, response: HelpRequest },
  'help:cancel': { request: RequestRef, response: HelpRequest },
  ...chatEvents,
  ...UPDATE_DEVICE_EVENTS,
  ...BACKUP_DEVICE_EVENTS,
  ...SCREEN_DEVICE_EVENTS,
  ...TRIPWIRE_DEVICE_EVENTS,
  ...RECEIPT_DEVICE_EVENTS,
} as const;

export const DEVICE_PUSH = {
  'help:updated': HelpRequest,
  'help:position': QueuePosition,
  'chat:message': ChatMessage,
  'chat:receipt': ChatReceipts,
  'chat:typing': z.object({ requestId: Id, author: z.literal('technician'), name: z.string(), typing: z.boolean() }),
  /**
   * The hub revoked this device: the app forgets its token and shows enrollment again, saying why
   * in its own language (errors.REVOKED). `reason` is a key ('revoked'), never a sentence.
   */
  'device:revoked': z.object({ reason: z.string() }),
  ...SCREEN_DEVICE_PUSH,
  ...BACKUP_DEVICE_PUSH,
  ...TRIPWIRE_DEVICE_PUSH,
} as const;

export const QueueItem = HelpRequest.extend({ deviceOnline: z.boolean() });
export type QueueItem = z.infer<typeof QueueItem>;

export const QueueSnapshot = z.object({
  /** Open requests (waiting first — urgent ones before the others —, oldest first; then assigned). */
  requests: z.array(QueueItem),
  serverTime: IsoDate,
  /** Median seconds from creation to pickup over recent requests: what ETAs are computed from (0: none recorded yet). */
  medianPickupSeconds: z.number().nonnegative(),
  /** How many recent pickups the median is computed from (0: no estimate is given). */
  pickupSamples: z.number().int().nonnegative(),
  /** What each waiting request's practice is told right now (the very objects pushed as `help:position`). */
  positions: z.array(QueuePosition),
  /** Support hours, phone, open or not, technicians available. */
  support: SupportStatus,
});
export type QueueSnapshot = z.infer<typeof QueueSnapshot>;

/**
 * What changed in the queue since the hub's previous push, for the consoles that asked for changes
 * (`tech:hello` with `queueChanges: true`; the others keep getting whole snapshots): every open
 * request's id in queue order, the requests new or changed since then (whole items), and the
 * positions whose practice's message changed (place, wait message, its facts: what the device is
 * sent `help:position` for); the rest as in a snapshot. A long queue's push is then a few kilobytes
 * instead of every request again. A console that lacks a request or a position this does not carry
 * asks for the whole queue (`queue:list`).
 */
export const QueueChange = QueueSnapshot.omit({ requests: true }).extend({
  order: z.array(Id),
  changed: z.array(QueueItem),
});
export type QueueChange = z.infer<typeof QueueChange>;

export const HelpDetail = z.object({
  request: HelpRequest,
  device: Device,
  messages: z.array(ChatMessage),
  receipts: ChatReceipts,
  /** The device's latest full security-health report (null: none received yet). */
  healthReport: HealthReport.nullable().optional(),
  /** The device's latest summaries as last reported (`device:report`): backup status, health (null: none yet). */
  deviceReport: z.object({ health: HealthSummary.nullable(), backup: BackupSummary.nullable(), reportedAt: IsoDate }).nullable().optional(),
});
export type HelpDetail = z.infer<typeof HelpDetail>;

export const TECH_EVENTS = {
  'tech:hello': {
    /** `queueChanges`: this console applies `queue:changed` (then it gets no more whole `queue:updated` snapshots unless the hub cannot tell what changed). */
    request: z.strictObject({ queueChanges: z.boolean().optional() }),
    response: z.object({ technician: TechnicianSelf, queue: QueueSnapshot, mine: z.array(HelpRequest) }),
  },
  'queue:list': { request: z.strictObject({}), response: QueueSnapshot },
  'help:mine': { request: z.strictObject({}), response: z.array(HelpRequest) },
  'help:get': { request: RequestRef, response: HelpDetail },
  'help:accept': { request: RequestRef, response: HelpRequest },
  /** Back to the queue (no target) or reassigned to another technician. */
  'help:release': { request: z.strictObject({ requestId: Id, toTechnicianId: Id.optional() }), response: HelpRequest },
  'help:resolve': {
    request: z.strictObject({ requestId: Id, note: z.string().trim().min(1).max(LIMITS.resolutionNote) }),
    response: HelpRequest,
  },
  'technicians:list': { request: z.strictObject({}), response: z.array(TechnicianPublic.extend({ online: z.boolean() })) },
  'devices:list': {
    request: z.strictObject({}),
    response: z.array(
      Device.extend({ health: HealthSummary.nullable(), backup: BackupSummary.nullable(), reportedAt: IsoDate.nullable() }),
    ),
  },
  /** A device's latest full security-health report, with when the hub received it (any technician may read it, like devices:list). */
  'device:health': {
    request: z.strictObject({ deviceId: Id }),
    response: z.object({ report: HealthReport.nullable(), reportedAt: IsoDate.nullable() }),
  },
  ...chatEvents,
  ...BACKUP_TECH_EVENTS,
  ...SCREEN_TECH_EVENTS,
  ...HISTORY_TECH_EVENTS,
  ...DEVICE_LOGS_TECH_EVENTS,
  ...TRIPWIRE_TECH_EVENTS,
  ...SUPPORT_TECH_EVENTS,
} as const;

export const TECH_PUSH = {
  'queue:updated': QueueSnapshot,
  'queue:changed': QueueChange,
  'help:updated': HelpRequest,
  'chat:message': ChatMessage,
  'chat:receipt': ChatReceipts,
  'chat:typing': z.object({ requestId: Id, author: z.literal('device'), name: z.string(), typing: z.boolean() }),
  'device:presence': z.object({ deviceId: Id, online: z.boolean() }),
  'device:report': z.object({
    deviceId: Id,
    health: HealthSummary.nullable(),
    backup: BackupSummary.nullable(),
    reportedAt: IsoDate,
    /** The app version the device reported, when it did. */
    appVersion: z.string().optional(),
  }),
  /** The session expired or was logged out elsewhere. */
  'session:ended': z.object({ reason: z.string() }),
  ...SCREEN_TECH_PUSH,
  ...BACKUP_TECH_PUSH,
  ...TRIPWIRE_TECH_PUSH,
  ...SUPPORT_TECH_PUSH,
} as const;

export type EventMap = Record<string, { request: z.ZodType; response: z.ZodType }>;
export type DeviceEvent = keyof typeof DEVICE_EVENTS;
export type TechEvent = keyof typeof TECH_EVENTS;
export type EventRequest<M extends EventMap, K extends keyof M> = z.input<M[K]['request']>;
export type EventResponse<M extends EventMap, K extends keyof M> = z.infer<M[K]['response']>;
export type PushPayload<M extends Record<string, z.ZodType>, K extends keyof M> = z.infer<M[K]>;
