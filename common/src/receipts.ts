import { z } from 'zod';
import { HelpStatus, HelpTopic, Id, IsoDate, LIMITS, Locale, OsFamily, TechnicianRole } from './domain.js';

/**
 * Intervention receipts (« reçu d'intervention »): what the hub issues when a request a technician
 * worked on is closed — practice, device, the technician's verified identity, times, every consent
 * with its code, control periods, restores and the files they touched, the safety snapshot and its
 * undo, the resolution note, and the audit entries it stands on (seq, action, hash) with a signed
 * checkpoint of the chain that covers them.
 *
 * One signed JSON document (this schema), embedded in a PDF (one per locale) as the attached file
 * `RECEIPT_ATTACHMENT`. The JSON is signed with the hub's Ed25519 receipt key (derived from the hub
 * key): anyone with the public key checks it; `npm run hub:cli -- receipt verify <file>` also checks
 * it against the audit chain and that a PDF is byte for byte the one the hub issued.
 *
 * Signed message: the canonical JSON of the receipt without its `signature` field — object keys
 * sorted (UTF-16 order) at every depth, no whitespace, strings as JSON.stringify writes them.
 */
export const RECEIPT_FORMAT = 'vigie.intervention-receipt' as const;
/** File name of the JSON attached to the PDF. */
export const RECEIPT_ATTACHMENT = 'recu-intervention.json';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const Hex16 = z.string().regex(/^[0-9a-f]{16}$/);
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** Text the hub copied from its records: bounded, never interpreted. */
const Text = (max = 1000) => z.string().max(max);

/** One audit row the receipt stands on (its MAC in the keyed chain). */
export const ReceiptAuditEntry = z.object({
  seq: z.number().int().positive(),
  at: IsoDate,
  action: Text(64),
  actorType: z.enum(['device', 'technician', 'system', 'cli']),
  actorId: Text(64).nullable(),
  hash: Hex64,
});
export type ReceiptAuditEntry = z.infer<typeof ReceiptAuditEntry>;

/** A signed checkpoint of the chain's head (services/audit.ts), taken when the receipt was issued. */
export const ReceiptCheckpoint = z.object({
  v: z.literal(1),
  seq: z.number().int().positive(),
  hash: Hex64,
  at: IsoDate,
  keyId: Hex16,
  mac: Hex64,
});
export type ReceiptCheckpoint = z.infer<typeof ReceiptCheckpoint>;

export const ReceiptTechnician = z.object({
  id: Id,
  login: Text(LIMITS.login),
  displayName: Text(LIMITS.displayName),
  role: TechnicianRole,
  /** How the hub verified who they are: password + TOTP at the login that preceded their first step (that login's audit entry). */
  verification: z.object({ method: z.literal('password+totp'), at: IsoDate.nullable(), seq: z.number().int().positive().nullable() }),
  /** SHA-256 of the photo set with `user photo` (shown on the PDF), null when none. */
  photoSha256: Hex64.nullable(),
});
export type ReceiptTechnician = z.infer<typeof ReceiptTechnician>;

/** view: see the screen; control: take control; display: share another monitor; restore: access to the backups. */
export const ReceiptConsentKind = z.enum(['view', 'control', 'display', 'restore']);
export type ReceiptConsentKind = z.infer<typeof ReceiptConsentKind>;
/** granted / refused / timeout (no answer) / unavailable (impossible on the machine) / withdrawn (before answering) / unanswered (the session ended first). */
export const ReceiptConsentDecision = z.enum(['granted', 'refused', 'timeout', 'unavailable', 'withdrawn', 'unanswered']);
export type ReceiptConsentDecision = z.infer<typeof ReceiptConsentDecision>;

export const ReceiptConsent = z.object({
  kind: ReceiptConsentKind,
  /** The screen session or the backup access it belongs to. */
  ref: Id,
  /** The short code shown to the practitioner and to the technician. */
  code: Text(16).nullable(),
  technicianId: Id.nullable(),
  askedAt: IsoDate,
  answeredAt: IsoDate.nullable(),
  decision: ReceiptConsentDecision,
  /** Audit entries of the question and of the answer. */
  askedSeq: z.number().int().positive(),
  answeredSeq: z.number().int().positive().nullable(),
});
export type ReceiptConsent = z.infer<typeof ReceiptConsent>;

export const ReceiptScreenSession = z.object({
  id: Id,
  code: Text(16).nullable(),
  technicianId: Id.nullable(),
  requestedAt: IsoDate,
  /** When the practitioner let the technician see the screen (null: never). */
  viewFrom: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  endedBy: z.enum(['device', 'technician', 'system', 'cli']).nullable(),
  endReason: Text(40).nullable(),
});
export type ReceiptScreenSession = z.infer<typeof ReceiptScreenSession>;

/** A stretch of time the technician had control (granted → given back, withdrawn, or session end). */
export const ReceiptControlPeriod = z.object({
  sessionId: Id,
  from: IsoDate,
  to: IsoDate.nullable(),
  /** Who ended it: the practitioner (device), the technician, the hub (system); null while it never ended. */
  endedBy: z.enum(['device', 'technician', 'system', 'cli']).nullable(),
});
export type ReceiptControlPeriod = z.infer<typeof ReceiptControlPeriod>;

export const ReceiptRestore = z.object({
  /** The device's job id (null when the device refused before starting one). */
  jobId: Id.nullable(),
  /** Under the request, or under a backup access the practitioner granted (its id). */
  accessId: Id.nullable(),
  technicianId: Id.nullable(),
  askedAt: IsoDate,
  snapshotId: Text(128).nullable(),
  /** The files and folders the technician asked to restore (as the hub recorded them). */
  paths: z.array(Text(4096)).max(1000),
  mode: Text(20).nullable(),
  targetDir: Text(4096).nullable(),
  /** refused: the device said no (code); running: no end reported; then done / failed / cancelled. */
  state: z.enum(['refused', 'running', 'done', 'failed', 'cancelled']),
  finishedAt: IsoDate.nullable(),
  /** Items the device restored (done), when it said. */
  items: z.number().int().nonnegative().nullable(),
  reason: Text(120).nullable(),
});
export type ReceiptRestore = z.infer<typeof ReceiptRestore>;

/** A technician reading the device's backups (status, snapshot list, a folder, a search). */
export const ReceiptBackupRead = z.object({
  at: IsoDate,
  technicianId: Id.nullable(),
  what: Text(40),
  /** The folder browsed or the name searched, when there was one. */
  detail: Text(4096).nullable(),
});
export type ReceiptBackupRead = z.infer<typeof ReceiptBackupRead>;

/**
 * An audit row `safety.*` about the request (the safety snapshot taken before a technician acts,
 * and the undo of the intervention's changes): its action and its scalar facts as recorded.
 */
export const ReceiptSafetyEvent = z.object({
  seq: z.number().int().positive(),
  at: IsoDate,
  action: Text(64),
  actorType: z.enum(['device', 'technician', 'system', 'cli']),
  details: z.record(z.string().max(64), z.union([Text(4096), z.number(), z.boolean(), z.null(), z.array(Text(4096)).max(1000)])),
});
export type ReceiptSafetyEvent = z.infer<typeof ReceiptSafetyEvent>;

export const InterventionReceiptBody = z.object({
  format: z.literal(RECEIPT_FORMAT),
  v: z.literal(1),
  id: Id,
  /** 1, then 2… when something about the request was recorded after it (an undo after the session). */
  version: z.number().int().positive(),
  issuedAt: IsoDate,
  /** The hub that issued it: its hub key's id and its receipt public key (Ed25519, raw 32 bytes, base64). */
  hub: z.object({ keyId: Hex16, receiptKeyId: Hex16, publicKey: Base64 }),
  practice: z.object({ id: Id, name: Text(200) }),
  device: z.object({ id: Id, name: Text(LIMITS.deviceName * 2), os: OsFamily, osVersion: Text(100) }),
  request: z.object({
    id: Id,
    status: HelpStatus,
    topic: HelpTopic.nullable(),
    createdAt: IsoDate,
    /** First time a technician took the request. */
    pickedUpAt: IsoDate.nullable(),
    closedAt: IsoDate.nullable(),
    resolutionNote: Text(LIMITS.resolutionNote).nullable(),
  }),
  /** The technician who held the request at the end (resolved it). */
  technician: ReceiptTechnician.nullable(),
  /** Every technician who did something on it (the one above included). */
  technicians: z.array(ReceiptTechnician).max(50),
  consents: z.array(ReceiptConsent).max(1000),
  screenSessions: z.array(ReceiptScreenSession).max(500),
  controlPeriods: z.array(ReceiptControlPeriod).max(1000),
  restores: z.array(ReceiptRestore).max(500),
  backupReads: z.array(ReceiptBackupRead).max(5000),
  safety: z.object({
    snapshots: z.array(ReceiptSafetyEvent).max(200),
    undo: z.array(ReceiptSafetyEvent).max(200),
    other: z.array(ReceiptSafetyEvent).max(200),
  }),
  audit: z.object({
    /** Entries of the chain up to this one were read to build the receipt. */
    toSeq: z.number().int().positive(),
    entries: z.array(ReceiptAuditEntry).max(20_000),
    checkpoint: ReceiptCheckpoint,
  }),
});
export type InterventionReceiptBody = z.infer<typeof InterventionReceiptBody>;

export const InterventionReceipt = InterventionReceiptBody.extend({
  signature: z.object({ alg: z.literal('Ed25519'), keyId: Hex16, value: Base64 }),
});
export type InterventionReceipt = z.infer<typeof InterventionReceipt>;

/** A closed intervention as « Mes interventions » and the console list it. */
export const InterventionSummary = z.object({
  requestId: Id,
  deviceId: Id,
  deviceName: z.string(),
  practiceName: z.string(),
  status: HelpStatus,
  topic: HelpTopic.nullable(),
  createdAt: IsoDate,
  closedAt: IsoDate.nullable(),
  technician: z.object({ id: Id, displayName: z.string() }).nullable(),
  resolutionNote: z.string().nullable(),
  /** The latest receipt issued (null: issued when first opened). */
  receipt: z
    .object({
      id: Id,
      version: z.number().int().positive(),
      issuedAt: IsoDate,
      consents: z.number().int().nonnegative(),
      controlPeriods: z.number().int().nonnegative(),
      restores: z.number().int().nonnegative(),
      safety: z.boolean(),
    })
    .nullable(),
});
export type InterventionSummary = z.infer<typeof InterventionSummary>;

/** Newest first; `before` continues after the last item of the previous page. */
export const InterventionListRequest = z.strictObject({
  limit: z.number().int().min(1).max(100).default(50),
  before: z.strictObject({ closedAt: IsoDate, requestId: Id }).optional(),
});
export const InterventionListResponse = z.object({ items: z.array(InterventionSummary), more: z.boolean() });
export type InterventionListResponse = z.infer<typeof InterventionListResponse>;

export const ReceiptFormat = z.enum(['pdf', 'json']);
export type ReceiptFormat = z.infer<typeof ReceiptFormat>;

/** A receipt file as the hub hands it out (the PDF in the asked locale, or the signed JSON). */
export const ReceiptFile = z.object({
  receiptId: Id,
  version: z.number().int().positive(),
  fileName: z.string().regex(/^[A-Za-z0-9._-]{1,120}$/),
  mimeType: z.enum(['application/pdf', 'application/json']),
  /** The file's bytes, base64 (a PDF is a few tens of kilobytes). */
  base64: Base64,
  sha256: Hex64,
});
export type ReceiptFile = z.infer<typeof ReceiptFile>;

/** A technician's photo as a device may get it (only of a technician with a live session on it). */
export const TechnicianPhoto = z.object({ mimeType: z.enum(['image/jpeg', 'image/png']), base64: Base64, sha256: Hex64 });
export type TechnicianPhoto = z.infer<typeof TechnicianPhoto>;

/** Device → hub (namespace /device): its own closed interventions and their receipts. */
export const RECEIPT_DEVICE_EVENTS = {
  'intervention:list': { request: InterventionListRequest, response: InterventionListResponse },
  'intervention:receipt': {
    request: z.strictObject({ requestId: Id, format: ReceiptFormat.default('pdf'), locale: Locale.default('fr') }),
    response: ReceiptFile,
  },
  /** The photo of the technician of a screen session live on this device (consent window), null when none was set. */
  'technician:photo': { request: z.strictObject({ sessionId: Id }), response: TechnicianPhoto.nullable() },
} as const;

/**
 * Technician HTTP API (session cookie), for the console's download buttons:
 * GET `${list}?deviceId=…` → Result<InterventionListResponse> (a device's closed interventions the technician may see);
 * GET `/api/receipts/<requestId>/pdf?locale=fr|en`, `/api/receipts/<requestId>/json` → the file (attachment);
 * GET `key` → Result<ReceiptPublicKey> (public: what a third party needs to check a receipt's signature).
 */
export const RECEIPTS_API = {
  list: '/api/receipts',
  file: (requestId: string, format: ReceiptFormat, locale: Locale = 'fr') =>
    `/api/receipts/${encodeURIComponent(requestId)}/${format}${format === 'pdf' ? `?locale=${locale}` : ''}`,
  key: '/api/receipts/key',
} as const;

export const ReceiptPublicKey = z.object({ alg: z.literal('Ed25519'), keyId: Hex16, publicKey: Base64, spkiPem: z.string() });
export type ReceiptPublicKey = z.infer<typeof ReceiptPublicKey>;

/** Photo limits of `user photo` (checked by the hub). */
export const TECHNICIAN_PHOTO_LIMITS = { maxBytes: 256 * 1024, minPixels: 48, maxPixels: 2048 } as const;
