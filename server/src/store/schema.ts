import type { Generated } from 'kysely';

/**
 * Database tables. Timestamps are ISO-8601 UTC strings (`Date#toISOString()`), which sort
 * lexicographically; booleans are integers 0/1; JSON is stored as text. Nothing here is
 * SQLite-specific so the same Kysely code can run on Postgres later.
 */
export interface PracticeTable {
  id: string;
  name: string;
  enrollment_code: string;
  created_at: string;
  /** After this the code no longer enrolls (null: rows written before codes expired, none left after migration 0006). */
  enrollment_code_expires_at: string | null;
}

export interface DeviceTable {
  id: string;
  practice_id: string;
  name: string;
  os: string;
  os_version: string;
  model: string;
  app_version: string;
  token_hash: string;
  enrolled_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

export interface DeviceReportTable {
  device_id: string;
  health: string | null;
  backup: string | null;
  reported_at: string;
  /** Latest full security-health report (JSON, at most HEALTH_REPORT_MAX_BYTES) and its size. */
  health_report: string | null;
  health_report_bytes: number | null;
}

export interface TechnicianTable {
  id: string;
  login: string;
  display_name: string;
  role: string;
  password_hash: string;
  /** Legacy plaintext column: '' once the secret is sealed in `totp_sealed` (done at every start). */
  totp_secret: string;
  /** The TOTP secret sealed with the hub key (AES-256-GCM bound to the technician's id), see hub-key.ts. */
  totp_sealed: string | null;
  totp_last_step: number;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionTable {
  id: string;
  technician_id: string;
  token_hash: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  ip: string | null;
}

export interface HelpRequestTable {
  id: string;
  client_id: string;
  device_id: string;
  status: string;
  topic: string | null;
  description: string | null;
  context: string | null;
  created_at: string;
  assigned_at: string | null;
  first_assigned_at: string | null;
  pickup_ms: number | null;
  closed_at: string | null;
  technician_id: string | null;
  resolution_note: string | null;
  last_seq: number;
  device_delivered: number;
  device_read: number;
  tech_delivered: number;
  tech_read: number;
  /** 1 when an alert (ransomware tripwire) opened or raised it: it goes first in the queue. */
  urgent: Generated<number>;
}

/** A ransomware tripwire alert a device reported (server/src/tripwire), and the request it opened. */
export interface TripwireAlertTable {
  device_id: string;
  /** The device's own id for the alert (the same id again is the same alert, with more evidence). */
  alert_id: string;
  request_id: string;
  /** The alert as the device last sent it (JSON, TripwireAlert). */
  alert: string;
  received_at: string;
  updated_at: string;
  lifted_at: string | null;
  lifted_by: string | null;
}

export interface ChatMessageTable {
  id: string;
  request_id: string;
  seq: number;
  author: string;
  author_id: string | null;
  author_name: string;
  text: string;
  sent_at: string;
  created_at: string;
  /** System lines: the message key and its JSON parameters (common/system-messages.ts); null for people's messages. */
  system_key: string | null;
  system_params: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** Which key the audit chain is sealed with and from which seq rows are keyed (earlier rows: legacy SHA-256). */
export interface AuditAnchorTable {
  id: number;
  key_id: string;
  keyed_from_seq: number;
  /** HMAC of (key_id, keyed_from_seq) under the audit key: the anchor cannot be moved without the key. */
  mac: string;
  created_at: string;
}

/** Technician restores the hub started on a device (backup relay): the only jobs a device may report on. */
export interface RelayJobTable {
  device_id: string;
  job_id: string;
  request_id: string;
  technician_id: string;
  /** JSON: the paths the technician asked for (what the chat lines name; never the device's report). */
  paths: string;
  state: string;
  created_at: string;
  ended_at: string | null;
}

/** A browser a technician logged in from (cookie `vigie_known`, only its SHA-256 kept). */
export interface KnownDeviceTable {
  id: string;
  technician_id: string;
  token_hash: string;
  created_at: string;
  last_used_at: string;
}

/** A lock-out cleared from the CLI; the running hub forgets that counter at its next login attempt. */
export interface LockoutClearTable {
  id: Generated<number>;
  counter_key: string;
  created_at: string;
}

/** The latest safety report of an intervention (issue 12), as the device sent it, and the events already audited. */
export interface SafetyReportTable {
  request_id: string;
  device_id: string;
  /** JSON: SafetyIntervention. */
  report: string;
  /** JSON: the ids of the events (snapshots, change lists, undos) already in the audit chain. */
  audited: string;
  updated_at: string;
}

export interface Database {
  practices: PracticeTable;
  devices: DeviceTable;
  device_reports: DeviceReportTable;
  technicians: TechnicianTable;
  sessions: SessionTable;
  help_requests: HelpRequestTable;
  tripwire_alerts: TripwireAlertTable;
  chat_messages: ChatMessageTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  audit_anchor: AuditAnchorTable;
  relay_jobs: RelayJobTable;
  auth_known_devices: KnownDeviceTable;
  auth_lockout_clears: LockoutClearTable;
  safety_reports: SafetyReportTable;
}

export type { Generated };
