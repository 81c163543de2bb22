/**
 * Contract values for tests of every package (tests only): each built from plain defaults, with what
 * the test is about on top, and checked against the contract where the contract has a schema.
 */
import type { BackupStatus } from '../backup/status.js';
import { QueuePosition, type ChatMessage, type HelpRequest, type WaitMessage } from '../domain.js';

type WaitParams = WaitMessage['params'];

/** What a wait message says: first of one in line, one technician available, no estimate yet; `patch` on top. */
export const waitParams = (patch: Partial<WaitParams> = {}): WaitParams => ({
  position: 1,
  waiting: 1,
  waitedSeconds: 20,
  techniciansAvailable: 1,
  etaMinutes: null,
  medianPickupSeconds: null,
  samples: 0,
  opensAt: null,
  timeZone: 'Europe/Paris',
  phone: null,
  ...patch,
});

/** A position as the hub pushes it, saying `key` with `waitParams(params)`. */
export function queuePosition(key: WaitMessage['key'], params: Partial<WaitParams> = {}, requestId = 'r1'): QueuePosition {
  const p = waitParams(params);
  return QueuePosition.parse({ requestId, position: p.position, waiting: p.waiting, etaSeconds: 90, wait: { key, params: p } });
}

/** The `i`-th made-up UUID (a valid v4 shape, easy to read back). */
export const uuid = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

let messages = 0;
/** Chat message number `seq` of `requestId` (its own id unless given), sent `seq` seconds after 10:00 on 28 November 2025. */
export function chatMessage(seq: number, author: ChatMessage['author'] = 'device', requestId = 'req-1', id?: string): ChatMessage {
  const at = new Date(Date.UTC(2025, 10, 28, 10, 0, seq)).toISOString();
  return {
    id: id ?? uuid(++messages),
    requestId,
    seq,
    author,
    authorName: author === 'device' ? 'Dr Martin' : 'Alice',
    text: `m${seq}`,
    sentAt: at,
    createdAt: at,
  };
}

/** A waiting request of the device « Accueil » (practice p1), with `patch` on top. */
export const helpRequest = (patch: Partial<HelpRequest> = {}): HelpRequest => ({
  id: 'r1',
  clientId: 'c1',
  deviceId: 'dev1',
  deviceName: 'Accueil',
  practiceId: 'p1',
  practiceName: 'Cabinet',
  status: 'waiting',
  topic: null,
  description: null,
  context: null,
  createdAt: '2026-03-02T09:00:00.000Z',
  assignedAt: null,
  closedAt: null,
  technician: null,
  resolutionNote: null,
  ...patch,
});

/** A backup status that is configured and fine but knows nothing yet (no run, no repository), with `patch` on top. */
export const backupStatus = (patch: Partial<BackupStatus> = {}): BackupStatus => ({
  headline: 'ok',
  lastSuccessAt: null,
  lastRunAt: null,
  nextRunAt: null,
  sizeBytes: null,
  filesChangedLastRun: null,
  configured: true,
  enabled: true,
  running: false,
  progress: null,
  lastRun: null,
  lastError: null,
  days: [],
  repository: null,
  resticVersion: null,
  snapshotCount: null,
  lastCheckAt: null,
  lastCheckOk: null,
  lastForgetAt: null,
  ...patch,
});
