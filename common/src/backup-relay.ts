import { z } from 'zod';
import { Id, LIMITS, type BackupSummary } from './domain.js';
import {
  BackupStatus,
  BrowseRequest,
  BrowseResponse,
  RestoreJob,
  RestoreRequest,
  SearchRequest,
  SearchResponse,
  Snapshot,
} from './backup.js';

/**
 * Backups seen and restored by a technician, relayed by the hub:
 * console → hub (BACKUP_TECH_EVENTS: the hub checks the technician may act on the request's
 * device) → device (HUB_DEVICE_CALLS 'backup:relay', acknowledged with a Result: the device parses
 * the call with the same schemas as its own IPC and runs it through the same handlers) → answer.
 * A technician's restore then reports its progress device → hub (BACKUP_DEVICE_EVENTS) → the
 * technicians following the request (BACKUP_TECH_PUSH).
 */

/** How long the hub waits for the device to answer a relayed call. */
export const BACKUP_RELAY_TIMEOUTS = {
  /** Status, snapshot list, one folder, starting or cancelling a restore. */
  defaultMs: 20_000,
  /** A name searched across every snapshot reads them all. */
  searchMs: 60_000,
  /** What the console waits for the hub (a little more than the hub waits for the device). */
  consoleMarginMs: 5_000,
} as const;

const Ref = { requestId: Id };

/** Technician → hub (namespace /tech), acknowledged with a Result. */
export const BACKUP_TECH_EVENTS = {
  /** The device's full backup status, asked live. */
  'backup:status': { request: z.strictObject(Ref), response: BackupStatus },
  /** The device's snapshots, newest first. */
  'backup:snapshots': { request: z.strictObject(Ref), response: z.array(Snapshot) },
  'backup:browse': { request: z.strictObject({ ...Ref, input: BrowseRequest }), response: BrowseResponse },
  'backup:search': { request: z.strictObject({ ...Ref, input: SearchRequest }), response: SearchResponse },
  /**
   * Starts a restore on the device; answers the job at once, progress follows on
   * 'backup:restore-progress'. `input.origin` is not the technician's to choose: the hub and the
   * device both set it to 'technician'.
   */
  'backup:restore': { request: z.strictObject({ ...Ref, input: RestoreRequest }), response: RestoreJob },
  'backup:cancel-restore': { request: z.strictObject({ ...Ref, jobId: Id }), response: RestoreJob },
} as const;

/** Who asked, as the hub verified it (shown to the practitioner). */
export const RelayTechnician = z.object({ id: Id, name: z.string().min(1).max(LIMITS.displayName) });
export type RelayTechnician = z.infer<typeof RelayTechnician>;

const CallBase = { requestId: Id, technician: RelayTechnician };

/**
 * One relayed call, hub → device. `method` is the device's own IPC method (the device runs it
 * through the same dispatch: same parsing, same safe restore path); only these six exist.
 */
export const BackupRelayCall = z.discriminatedUnion('method', [
  z.strictObject({ ...CallBase, method: z.literal('backup:getStatus'), input: z.strictObject({}) }),
  z.strictObject({ ...CallBase, method: z.literal('backup:listSnapshots'), input: z.strictObject({}) }),
  z.strictObject({ ...CallBase, method: z.literal('backup:browse'), input: BrowseRequest }),
  z.strictObject({ ...CallBase, method: z.literal('backup:search'), input: SearchRequest }),
  z.strictObject({ ...CallBase, method: z.literal('backup:restore'), input: RestoreRequest }),
  z.strictObject({ ...CallBase, method: z.literal('backup:cancelRestore'), input: z.strictObject({ jobId: Id }) }),
]);
export type BackupRelayCall = z.infer<typeof BackupRelayCall>;
export type BackupRelayMethod = BackupRelayCall['method'];

/**
 * Hub → device calls with an acknowledgement: the device answers a Result whose data matches the
 * IPC response of `method` (the hub checks it before passing it on).
 */
export const HUB_DEVICE_CALLS = {
  'backup:relay': { request: BackupRelayCall },
} as const;
export type HubDeviceCall = keyof typeof HUB_DEVICE_CALLS;

export const RestoreProgressReport = z.strictObject({ requestId: Id, job: RestoreJob });
export type RestoreProgressReport = z.infer<typeof RestoreProgressReport>;

/** Device → hub (namespace /device), acknowledged with a Result. */
export const BACKUP_DEVICE_EVENTS = {
  /** Progress and end of a restore a technician started (only those: the practitioner's own stay private). */
  'backup:restore-progress': { request: RestoreProgressReport, response: z.object({}) },
} as const;

/** Hub → technicians following the request. */
export const BACKUP_TECH_PUSH = {
  'backup:restore-progress': z.object({ requestId: Id, deviceId: Id, job: RestoreJob }),
} as const;

/**
 * What the practitioner reads when a technician restores for them (banner in the app, native
 * notification). French first, English complete; i18next placeholders. `what` is either
 * `item` (one file or folder) or `items` (several).
 */
export const BACKUP_RELAY_STRINGS = {
  fr: {
    what: { item: '« {{name}} »', items: '{{count}} éléments' },
    restoring: '{{name}} restaure {{what}} pour vous',
    done: '{{name}} a restauré {{what}} pour vous',
    failed: 'La restauration demandée par {{name}} n’a pas abouti',
    cancelled: 'La restauration demandée par {{name}} a été annulée',
    follow: 'Vous pouvez suivre la progression dans Vigie, onglet « Sauvegardes ».',
    doneBody: 'Le fichier restauré est dans : {{folder}}',
    nothingChanged: 'Rien n’a été modifié.',
  },
  en: {
    what: { item: '“{{name}}”', items: '{{count}} items' },
    restoring: '{{name}} is restoring {{what}} for you',
    done: '{{name}} restored {{what}} for you',
    failed: 'The restore requested by {{name}} did not succeed',
    cancelled: 'The restore requested by {{name}} was cancelled',
    follow: 'You can follow it in Vigie, “Backups” tab.',
    doneBody: 'The restored file is in: {{folder}}',
    nothingChanged: 'Nothing was changed.',
  },
} as const;

/**
 * The headline as an i18n key of BACKUP_STRINGS (under `backup.`) with its values, computed where
 * it is shown so that it is in that UI's language and up to date ("il y a 3 jours" ages).
 */
export function backupHeadlineKey(
  s: { headline: BackupSummary['headline']; lastSuccessAt: string | null; lastRun?: { outcome: string; unreadableCount: number } | null },
  now: number = Date.now(),
): { key: string; vars: Record<string, number> } {
  switch (s.headline) {
    case 'ok':
      return s.lastRun?.outcome === 'warning' ? { key: 'headline.okWithWarning', vars: { count: s.lastRun.unreadableCount } } : { key: 'headline.ok', vars: {} };
    case 'stale': {
      if (!s.lastSuccessAt) return { key: 'headline.never', vars: {} };
      const hours = Math.max(0, Math.floor((now - Date.parse(s.lastSuccessAt)) / 3_600_000));
      const days = Math.floor(hours / 24);
      if (days >= 2) return { key: 'headline.stale', vars: { days } };
      if (days === 1) return { key: 'headline.staleOneDay', vars: {} };
      return { key: 'headline.staleHours', vars: { hours } };
    }
    default:
      return { key: `headline.${s.headline}`, vars: {} };
  }
}

/** One step of the "Emplacement" breadcrumbs while browsing a backup. */
export interface SnapshotCrumb {
  /** Path inside the backup; null for the list of backed-up folders. */
  path: string | null;
  /** Folder name; for a backed-up folder, its local path as it was given; null for the list. */
  name: string | null;
  kind: 'folders' | 'root' | 'folder';
}

/** Breadcrumbs from the backed-up folder `path` is in down to `path` (a list entry first when the backup has several folders). */
export function snapshotCrumbs(snapshot: { roots: readonly string[]; paths: readonly string[] }, path: string | null): SnapshotCrumb[] {
  const crumbs: SnapshotCrumb[] = snapshot.roots.length > 1 ? [{ path: null, name: null, kind: 'folders' }] : [];
  if (!path) return crumbs;
  const root = snapshot.roots.find((r) => path === r || path.startsWith(r.endsWith('/') ? r : `${r}/`));
  if (!root) return crumbs;
  crumbs.push({ path: root, name: snapshot.paths[snapshot.roots.indexOf(root)] ?? root, kind: 'root' });
  let acc = root;
  for (const seg of path.slice(root.length).split('/').filter(Boolean)) {
    acc = acc === '/' ? `/${seg}` : `${acc}/${seg}`;
    crumbs.push({ path: acc, name: seg, kind: 'folder' });
  }
  return crumbs;
}
