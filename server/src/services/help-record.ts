/**
 * A help request as stored and as the contract shows it: the query that reads it with its device,
 * practice and technician, and the row → HelpRequest mapping. No writes.
 */
import type { ContextSnapshot, HelpRequest, HelpStatus, HelpTopic } from '@vigie/common';
import type { Executor } from '../store/db.js';
import { initials, parseJson } from '../util.js';

/** Statuses of a request still in the queue (waiting for a technician, or held by one). */
export const OPEN: HelpStatus[] = ['waiting', 'assigned'];

/** A row of `selectRequests`. */
type Row = Awaited<ReturnType<ReturnType<typeof selectRequests>['executeTakeFirstOrThrow']>>;

export function toRequest(r: Row): HelpRequest {
  return {
    id: r.id,
    clientId: r.client_id,
    deviceId: r.device_id,
    deviceName: r.device_name,
    practiceId: r.practice_id,
    practiceName: r.practice_name,
    status: r.status as HelpStatus,
    topic: r.topic as HelpTopic | null,
    description: r.description,
    context: parseJson<ContextSnapshot>(r.context),
    createdAt: r.created_at,
    assignedAt: r.assigned_at,
    closedAt: r.closed_at,
    technician:
      r.technician_id && r.technician_name
        ? { id: r.technician_id, displayName: r.technician_name, initials: initials(r.technician_name) }
        : null,
    resolutionNote: r.resolution_note,
    ...(r.urgent ? { urgent: true } : {}),
  };
}

/**
 * Help requests (`h`) joined to their device (`d`), its practice (`p`) and the technician holding them,
 * if any (`t`): the one join every read of a request starts from; the caller picks the columns.
 */
export function requestsJoined(ex: Executor) {
  return ex
    .selectFrom('help_requests as h')
    .innerJoin('devices as d', 'd.id', 'h.device_id')
    .innerJoin('practices as p', 'p.id', 'd.practice_id')
    .leftJoin('technicians as t', 't.id', 'h.technician_id');
}

/** Requests with every column `toRequest` maps. */
export function selectRequests(ex: Executor) {
  return requestsJoined(ex).select([
    'h.id',
    'h.client_id',
    'h.device_id',
    'd.name as device_name',
    'p.id as practice_id',
    'p.name as practice_name',
    'h.status',
    'h.topic',
    'h.description',
    'h.context',
    'h.created_at',
    'h.assigned_at',
    'h.closed_at',
    'h.technician_id',
    't.display_name as technician_name',
    'h.resolution_note',
    'h.urgent',
  ]);
}
