/**
 * Who may do what on a help request, as pure decisions on the request as read (no database): read
 * it, act on it (chat, receipts), send it back to the queue or hand it to another technician. The
 * errors are the ones the hub answers. Table-tested in help-access.test.ts; help.test.ts runs them
 * through the real hub.
 */
import { VigieError, type HelpRequest } from '@vigie/common';
import { isPrivileged, type Actor, type TechActor } from './actors.js';

/** Read access: a device its own requests; a technician waiting ones and its own; supervisors all. */
export function canView(actor: Actor, r: HelpRequest): boolean {
  if (actor.kind === 'device') return r.deviceId === actor.id;
  return r.status === 'waiting' || r.technician?.id === actor.id || isPrivileged(actor);
}

/** Write access (chat, receipts): the device on its own request, the assigned technician on theirs; null when allowed. */
export function actRefusal(actor: Actor, r: HelpRequest): VigieError | null {
  if (actor.kind === 'device')
    return r.deviceId === actor.id ? null : new VigieError('FORBIDDEN', 'Vous n’avez pas accès à cette demande.');
  return r.technician?.id === actor.id ? null : new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
}

/**
 * Back to the queue (no target) or to another technician: the assigned technician may do both;
 * supervisors and admins may do it on any open request, and hand a waiting one to someone. Null when allowed.
 */
export function releaseRefusal(tech: TechActor, r: HelpRequest, toTechnicianId: string | undefined): VigieError | null {
  const mine = r.technician?.id === tech.id;
  if (!mine && !isPrivileged(tech)) return new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
  if (r.status !== 'assigned' && !(r.status === 'waiting' && toTechnicianId && isPrivileged(tech)))
    return new VigieError('CONFLICT', r.status === 'waiting' ? 'Cette demande est déjà dans la file.' : 'Cette demande est close.');
  return null;
}
