import { ReleaseFile, VigieError, type UpdateChannel, type UpdatePlatform } from '@vigie/common';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { UpdatesDatabase } from './schema.js';

/** Who acts: the hub CLI (shell access to the hub machine) or an admin technician over HTTP. */
export interface UpdateActor {
  type: 'cli' | 'technician';
  id: string | null;
}

/** Shape of the hub's audit append (server/src/services/audit.ts AuditEvent). */
export interface UpdateAuditEvent {
  actorType: 'cli' | 'technician';
  actorId: string | null;
  action: string;
  subject: string | null;
  data: Record<string, unknown>;
}

export interface UpdatesLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What the releases, rollout and device-report parts of the update feed share. */
export interface UpdatesContext {
  db: Kysely<UpdatesDatabase>;
  now: () => Date;
  logger: UpdatesLogger | undefined;
  audit(actor: UpdateActor, action: string, subject: string, data: Record<string, unknown>): Promise<void>;
}

export function actorLabel(a: UpdateActor): string {
  return a.id ? `${a.type}:${a.id}` : a.type;
}

export function parseFiles(json: string): ReleaseFile[] {
  return z.array(ReleaseFile).min(1).parse(JSON.parse(json));
}

export function olderVersion(channel: UpdateChannel, platform: UpdatePlatform, current: string, version: string): VigieError {
  return new VigieError(
    'CONFLICT',
    `Le canal ${channel} (${platform}) propose déjà la version ${current}, plus récente que ${version} : les appareils ne reviennent jamais en arrière. Suspendez la diffusion et publiez une version supérieure.`,
  );
}
