import { z } from 'zod';
import { DeviceLogsCall } from './device-logs.js';
import { SAFETY_DEVICE_EVENTS, SAFETY_TECH_EVENTS, SAFETY_TECH_PUSH } from './safety.js';
import { Id, IsoDate, LIMITS, TechnicianPublic, type BackupSummary } from './domain.js';
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

/** Who asked, as the hub verified it (shown to the practitioner). */
export const RelayTechnician = z.object({ id: Id, name: z.string().min(1).max(LIMITS.displayName) });
export type RelayTechnician = z.infer<typeof RelayTechnician>;

// ---------- access outside a request ----------
/**
 * A technician's access to one device's backups outside any help request, « like screen sharing »:
 * asked from the device's page (`backup:access-request`), shown to the practitioner with the
 * technician's verified name and a short code (also shown in the console), refused by itself
 * after 30 s; once granted it lasts `grantMs` at most, until either side ends it. Only the
 * technician who asked may use it, and the device checks its own grant on every call.
 */
export const BACKUP_ACCESS_LIMITS = {
  consentTimeoutMs: 30_000,
  grantMs: 30 * 60_000,
  /** A technician asks one device at most this many times per `askWindowMs`: a practice is not flooded with consent windows. */
  asksPerWindow: 5,
  askWindowMs: 10 * 60_000,
} as const;

export const BackupAccessState = z.enum(['consent-pending', 'granted', 'ended']);
export type BackupAccessState = z.infer<typeof BackupAccessState>;

/** refused / timeout (no answer) / unavailable (the app cannot ask: backups off…), then how a granted access ended. */
export const BackupAccessEndReason = z.enum([
  'refused',
  'timeout',
  'unavailable',
  'practitioner-stop',
  'technician-end',
  'expired',
  'disconnect',
  'device-revoked',
]);
export type BackupAccessEndReason = z.infer<typeof BackupAccessEndReason>;

/** Short code shown on both sides (same alphabet as the screen's). */
export const BackupAccessCode = z.string().regex(/^[A-Z0-9]{4,6}$/);

export const BackupAccess = z.object({
  id: Id,
  deviceId: Id,
  technician: TechnicianPublic,
  state: BackupAccessState,
  shortCode: BackupAccessCode,
  requestedAt: IsoDate,
  /** While the practitioner has not answered: when the hub stops waiting. */
  consentExpiresAt: IsoDate.nullable(),
  grantedAt: IsoDate.nullable(),
  /** When a granted access ends by itself. */
  expiresAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  endedBy: z.enum(['device', 'technician', 'system']).nullable(),
  endReason: BackupAccessEndReason.nullable(),
});
export type BackupAccess = z.infer<typeof BackupAccess>;

/** Hub → device: show the consent (the technician as the hub verified them, never typed by anyone). */
export const BackupAccessConsentRequest = z.object({
  accessId: Id,
  technician: RelayTechnician,
  providerName: z.string().min(1).max(200),
  shortCode: BackupAccessCode,
  expiresAt: IsoDate,
  /** How long the access lasts once granted. */
  grantMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
});
export type BackupAccessConsentRequest = z.infer<typeof BackupAccessConsentRequest>;

export const BackupAccessDecision = z.enum(['granted', 'refused', 'timeout', 'unavailable']);
export type BackupAccessDecision = z.infer<typeof BackupAccessDecision>;

const AccessRef = z.strictObject({ accessId: Id });

/** Technician → hub: ask, follow, end. Any technician may ask; only the asker may use it. */
export const BACKUP_ACCESS_TECH_EVENTS = {
  'backup:access-request': { request: z.strictObject({ deviceId: Id }), response: BackupAccess },
  /** This technician's latest access to the device (console reload), if any. */
  'backup:access-get': { request: z.strictObject({ deviceId: Id }), response: BackupAccess.nullable() },
  'backup:access-end': { request: AccessRef, response: BackupAccess },
} as const;

/** Device → hub: the practitioner's answer, their « Arrêter », a restore's progress under the access. */
export const BACKUP_ACCESS_DEVICE_EVENTS = {
  'backup:access-answer': { request: z.strictObject({ accessId: Id, decision: BackupAccessDecision }), response: BackupAccess },
  /** « Arrêter l'accès » — or the device's own deadline passed (`reason: 'expired'`; additive). */
  'backup:access-stop': {
    request: z.strictObject({ accessId: Id, reason: z.enum(['practitioner-stop', 'expired']).optional() }),
    response: BackupAccess,
  },
  /** Progress and end of a restore started under the access (only those the hub started). */
  'backup:access-progress': { request: z.strictObject({ accessId: Id, job: RestoreJob }), response: z.object({}) },
} as const;

/** Hub → device. */
export const BACKUP_DEVICE_PUSH = {
  'backup:access-consent': BackupAccessConsentRequest,
  /** Every change of an access (the device drops its grant once ended). */
  'backup:access-updated': BackupAccess,
} as const;

/**
 * Every technician backup call names where its right comes from: an open request of the device
 * (`requestId`), or an access to the device's backups the practitioner granted outside any request
 * (`accessId`, see « Access outside a request » below; additive).
 */
const scoped = <T extends z.ZodRawShape>(extra: T) =>
  z.union([z.strictObject({ requestId: Id, ...extra }), z.strictObject({ accessId: Id, ...extra })]);
export type BackupScope = { requestId: string } | { accessId: string };

/** Technician → hub (namespace /tech), acknowledged with a Result. */
export const BACKUP_TECH_EVENTS = {
  /** The intervention's safety backup and changes (issue 12; safety.ts). */
  ...SAFETY_TECH_EVENTS,
  /** The device's full backup status, asked live. */
  'backup:status': { request: scoped({}), response: BackupStatus },
  /** The device's snapshots, newest first. */
  'backup:snapshots': { request: scoped({}), response: z.array(Snapshot) },
  'backup:browse': { request: scoped({ input: BrowseRequest }), response: BrowseResponse },
  'backup:search': { request: scoped({ input: SearchRequest }), response: SearchResponse },
  /**
   * Starts a restore on the device; answers the job at once, progress follows on
   * 'backup:restore-progress' (request) or 'backup:access-progress' (access). `input.origin` is
   * not the technician's to choose: the hub and the device both set it to 'technician'.
   */
  'backup:restore': { request: scoped({ input: RestoreRequest }), response: RestoreJob },
  'backup:cancel-restore': { request: scoped({ jobId: Id }), response: RestoreJob },
  ...BACKUP_ACCESS_TECH_EVENTS,
} as const;

/** The six device methods a technician may reach, each with its input, on top of `base` (who and why). */
const relayCallOf = <T extends z.ZodRawShape>(base: T) =>
  z.discriminatedUnion('method', [
    z.strictObject({ ...base, method: z.literal('backup:getStatus'), input: z.strictObject({}) }),
    z.strictObject({ ...base, method: z.literal('backup:listSnapshots'), input: z.strictObject({}) }),
    z.strictObject({ ...base, method: z.literal('backup:browse'), input: BrowseRequest }),
    z.strictObject({ ...base, method: z.literal('backup:search'), input: SearchRequest }),
    z.strictObject({ ...base, method: z.literal('backup:restore'), input: RestoreRequest }),
    z.strictObject({ ...base, method: z.literal('backup:cancelRestore'), input: z.strictObject({ jobId: Id }) }),
  ]);

/**
 * One relayed call, hub → device. `method` is the device's own IPC method (the device runs it
 * through the same dispatch: same parsing, same safe restore path); only these six exist.
 */
export const BackupRelayCall = relayCallOf({ requestId: Id, technician: RelayTechnician });
export type BackupRelayCall = z.infer<typeof BackupRelayCall>;
export type BackupRelayMethod = BackupRelayCall['method'];

/**
 * The same six calls under an access the practitioner granted outside any request: the device
 * runs one only while it holds that grant itself (same access id, same technician, not expired).
 */
export const BackupAccessCall = relayCallOf({ accessId: Id, technician: RelayTechnician });
export type BackupAccessCall = z.infer<typeof BackupAccessCall>;

/**
 * Hub → device calls with an acknowledgement: the device answers a Result whose data matches the
 * IPC response of `method` (the hub checks it before passing it on).
 */
export const HUB_DEVICE_CALLS = {
  'backup:relay': { request: BackupRelayCall },
  'backup:access-relay': { request: BackupAccessCall },
  /** The device's last log lines for the technician of its open request (device-logs.ts). */
  'device:logs': { request: DeviceLogsCall },
} as const;
export type HubDeviceCall = keyof typeof HUB_DEVICE_CALLS;

export const RestoreProgressReport = z.strictObject({ requestId: Id, job: RestoreJob });
export type RestoreProgressReport = z.infer<typeof RestoreProgressReport>;

/** Device → hub (namespace /device), acknowledged with a Result. */
export const BACKUP_DEVICE_EVENTS = {
  /** Progress and end of a restore a technician started (only those: the practitioner's own stay private). */
  'backup:restore-progress': { request: RestoreProgressReport, response: z.object({}) },
  ...SAFETY_DEVICE_EVENTS,
  ...BACKUP_ACCESS_DEVICE_EVENTS,
} as const;

/** Hub → technicians following the request (restore progress), or the technician of an access. */
export const BACKUP_TECH_PUSH = {
  'backup:restore-progress': z.object({ requestId: Id, deviceId: Id, job: RestoreJob }),
  ...SAFETY_TECH_PUSH,
  'backup:access-updated': BackupAccess,
  'backup:access-progress': z.object({ accessId: Id, deviceId: Id, job: RestoreJob }),
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
    doneBody: 'Il est dans le dossier « {{folder}} ».',
    nothingChanged: 'Rien n’a été modifié.',
    /** A technician's access to the backups outside a request (consent, then the live access). */
    access: {
      label: 'Demande de votre technicien',
      title: 'Accès à vos sauvegardes',
      body: '{{name}} ({{provider}}) souhaite consulter vos sauvegardes et, si besoin, restaurer des fichiers sur cet ordinateur.',
      duration: 'L’accès dure {{minutes}} minutes au plus. Vous pouvez l’arrêter à tout moment.',
      codeLabel: 'Code de vérification',
      codeHint: 'Votre technicien doit vous lire le même code. Sinon, refusez.',
      countdown: 'Refus automatique dans {{seconds}} s',
      allow: 'Autoriser',
      refuse: 'Refuser',
      granted: '{{name}} a accès à vos sauvegardes jusqu’à {{time}}',
      grantedHint: 'Chaque fichier remis en place s’affiche ici, avec son nom.',
      stop: 'Arrêter l’accès',
      stopped: 'Accès à vos sauvegardes terminé.',
      notifyTitle: '{{name}} demande l’accès à vos sauvegardes',
      notifyBody: 'Ouvrez Vigie pour autoriser ou refuser.',
    },
  },
  en: {
    what: { item: '“{{name}}”', items: '{{count}} items' },
    restoring: '{{name}} is restoring {{what}} for you',
    done: '{{name}} restored {{what}} for you',
    failed: 'The restore requested by {{name}} did not succeed',
    cancelled: 'The restore requested by {{name}} was cancelled',
    follow: 'You can follow it in Vigie, “Backups” tab.',
    doneBody: 'It is in the “{{folder}}” folder.',
    nothingChanged: 'Nothing was changed.',
    access: {
      label: 'Request from your technician',
      title: 'Access to your backups',
      body: '{{name}} ({{provider}}) would like to look at your backups and, if needed, restore files on this computer.',
      duration: 'The access lasts {{minutes}} minutes at most. You can stop it at any time.',
      codeLabel: 'Verification code',
      codeHint: 'Your technician must read you the same code. Otherwise, refuse.',
      countdown: 'Refused automatically in {{seconds}} s',
      allow: 'Allow',
      refuse: 'Refuse',
      granted: '{{name}} has access to your backups until {{time}}',
      grantedHint: 'Every file put back shows here, with its name.',
      stop: 'Stop the access',
      stopped: 'Access to your backups ended.',
      notifyTitle: '{{name}} asks for access to your backups',
      notifyBody: 'Open Vigie to allow or refuse.',
    },
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
      return s.lastRun?.outcome === 'warning'
        ? { key: 'headline.okWithWarning', vars: { count: s.lastRun.unreadableCount } }
        : { key: 'headline.ok', vars: {} };
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
