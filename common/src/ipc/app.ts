import { z } from 'zod';
import {
  ChatReceipts,
  HelpRequest,
  HelpTopic,
  Id,
  IsoDate,
  LIMITS,
  Locale,
  QueuePosition,
  Uuid,
  ChatAuthor,
  SystemMessageRef,
} from '../domain.js';

/** A chat message as the app holds it: pending ones have no seq yet (they sit in the outbox). */
export const LocalChatMessage = z.object({
  id: Uuid,
  requestId: Id,
  seq: z.number().int().positive().nullable(),
  author: ChatAuthor,
  authorName: z.string(),
  text: z.string(),
  /** System lines: the key and parameters the UI writes in its own language (`text` is the hub's French). */
  system: SystemMessageRef.optional(),
  sentAt: IsoDate,
  /** pending: in the outbox; sent: stored by the hub; delivered / read: receipts from the other side. */
  status: z.enum(['pending', 'sent', 'delivered', 'read']),
});
export type LocalChatMessage = z.infer<typeof LocalChatMessage>;

export const ConnectionState = z.enum(['online', 'connecting', 'offline']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const EnrollmentState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('unenrolled'), hubUrl: z.string(), lastError: z.string().nullable() }),
  z.object({
    status: z.literal('enrolled'),
    hubUrl: z.string(),
    deviceId: Id,
    deviceName: z.string(),
    practiceName: z.string(),
  }),
]);
export type EnrollmentState = z.infer<typeof EnrollmentState>;

/** Tray icon state, derived from the support state. */
export const TrayState = z.enum(['idle', 'requested', 'connected', 'offline']);
export type TrayState = z.infer<typeof TrayState>;

export const SupportState = z.object({
  connection: ConnectionState,
  current: HelpRequest.nullable(),
  position: QueuePosition.nullable(),
  messages: z.array(LocalChatMessage),
  receipts: ChatReceipts.nullable(),
  technicianTyping: z.boolean(),
  outboxSize: z.number().int().nonnegative(),
  /** Last request that ended (resolved/cancelled), shown as a short confirmation. */
  lastClosed: HelpRequest.nullable(),
  /**
   * A help click that has not reached the hub yet (offline at the time): it is sent again with the
   * same clientId as soon as the hub is reachable. Absent/null when there is none.
   */
  pendingRequest: z
    .object({ clientId: Uuid, topic: HelpTopic.nullable(), description: z.string().nullable(), createdAt: IsoDate })
    .nullable()
    .optional(),
});
export type SupportState = z.infer<typeof SupportState>;

export const AppState = z.object({
  locale: Locale,
  appVersion: z.string(),
  enrollment: EnrollmentState,
  support: SupportState,
  tray: TrayState,
});
export type AppState = z.infer<typeof AppState>;

export const EnrollInput = z.strictObject({
  hubUrl: z.url({ protocol: /^https?$/ }).optional(),
  code: z.string().trim().min(4).max(LIMITS.enrollmentCode),
  deviceName: z.string().trim().min(1).max(LIMITS.deviceName).optional(),
});

export const APP_METHODS = {
  'app:getState': { request: z.strictObject({}), response: AppState },
  'app:setLocale': { request: z.strictObject({ locale: Locale }), response: z.object({}) },
  'enrollment:enroll': { request: EnrollInput, response: EnrollmentState },
  /** One click is enough: topic and description are optional and can be added afterwards. */
  'support:requestHelp': {
    request: z.strictObject({
      topic: HelpTopic.nullable().optional(),
      description: z.string().trim().max(LIMITS.description).nullable().optional(),
    }),
    response: HelpRequest.nullable(),
  },
  'support:updateRequest': {
    request: z.strictObject({
      topic: HelpTopic.nullable().optional(),
      description: z.string().trim().max(LIMITS.description).nullable().optional(),
    }),
    response: HelpRequest.nullable(),
  },
  'support:cancel': { request: z.strictObject({}), response: z.object({}) },
  'support:sendChat': { request: z.strictObject({ text: z.string().trim().min(1).max(LIMITS.chatText) }), response: LocalChatMessage },
  'support:markRead': { request: z.strictObject({}), response: z.object({}) },
  'support:setTyping': { request: z.strictObject({ typing: z.boolean() }), response: z.object({}) },
  'support:dismissClosed': { request: z.strictObject({}), response: z.object({}) },
} as const;

export const APP_PUSH = {
  'app:state': AppState,
} as const;
