import { z } from 'zod';
import { Id, IsoDate } from './domain.js';

/**
 * Ransomware tripwire: the app watches the practice folders (the backed-up ones) and raises an
 * alert when files are being encrypted or destroyed en masse. The alert goes to the hub
 * (`tripwire:alert`, device → hub), which opens an urgent help request at the top of the queue with
 * the evidence; the technician reads it (`tripwire:get`) and lifts it (`tripwire:lift`) once the
 * machine is safe, which the device hears (`tripwire:lifted`). While an alert stands, the tray is
 * red, the practitioner sees what to do, and backup retention forgets nothing.
 */

/** Why the alert was raised (several may hold at once). */
export const TRIPWIRE_REASONS = ['canary', 'burst', 'slow', 'note', 'extension', 'backup'] as const;
export const TripwireReason = z.enum(TRIPWIRE_REASONS);
export type TripwireReason = z.infer<typeof TripwireReason>;

/**
 * What happened to one file: its content no longer matches its type and looks encrypted
 * (`encrypted`) or blanked (`wiped`); it was replaced by an unreadable file beside it (`replaced`);
 * it was renamed to a known ransomware extension (`extension`); a ransom note (`note`); one of
 * Vigie's hidden control files was changed, renamed or deleted (`canary`).
 */
export const TRIPWIRE_FILE_KINDS = ['encrypted', 'wiped', 'replaced', 'extension', 'note', 'canary'] as const;
export const TripwireFileKind = z.enum(TRIPWIRE_FILE_KINDS);
export type TripwireFileKind = z.infer<typeof TripwireFileKind>;

/** Limits of an alert as it travels (the hub's socket messages are small). */
export const TRIPWIRE_LIMITS = {
  path: 1024,
  files: 200,
  notes: 20,
  extensions: 20,
  folders: 50,
  /** JSON size an alert is trimmed to before it is sent (fitTripwireAlert). */
  maxBytes: 40_000,
} as const;

const Path = z.string().min(1).max(TRIPWIRE_LIMITS.path);

export const TripwireFile = z.object({
  path: Path,
  at: IsoDate,
  kind: TripwireFileKind,
  /** Bits per byte of the sampled content after the change (0–8), when it was read. */
  entropy: z.number().min(0).max(8).nullable(),
});
export type TripwireFile = z.infer<typeof TripwireFile>;

export const TripwireSnapshot = z.object({ id: z.string().min(1).max(64), time: IsoDate });
export type TripwireSnapshot = z.infer<typeof TripwireSnapshot>;

/** The counts of the backup that looked abnormal against the practice's usual ones. */
export const TripwireBackupEvidence = z.object({
  snapshotId: z.string().max(64).nullable(),
  at: IsoDate,
  filesNew: z.number().int().nonnegative(),
  filesChanged: z.number().int().nonnegative(),
  filesUnmodified: z.number().int().nonnegative(),
  /** Files of the previous backup that are gone or changed in this one. */
  touched: z.number().int().nonnegative(),
  /** What the practice usually touches between two backups (90th percentile of recent ones). */
  usualTouched: z.number().int().nonnegative(),
});
export type TripwireBackupEvidence = z.infer<typeof TripwireBackupEvidence>;

/** One alert and its evidence, as the device builds it. */
export const TripwireAlert = z.object({
  id: Id,
  raisedAt: IsoDate,
  /** When the first file counted in the evidence changed. */
  firstChangeAt: IsoDate,
  reasons: z.array(TripwireReason).min(1).max(TRIPWIRE_REASONS.length),
  /** The first files touched, oldest first (at most TRIPWIRE_LIMITS.files). */
  files: z.array(TripwireFile).max(TRIPWIRE_LIMITS.files),
  /** Every file counted so far (files holds the first ones). */
  fileCount: z.number().int().nonnegative(),
  notes: z.array(Path).max(TRIPWIRE_LIMITS.notes),
  extensions: z.array(z.string().min(1).max(40)).max(TRIPWIRE_LIMITS.extensions),
  /** The newest backup made before the first changed file: the one to restore from. */
  lastGoodSnapshot: TripwireSnapshot.nullable(),
  backup: TripwireBackupEvidence.nullable(),
  /** The watched practice folders. */
  folders: z.array(Path).max(TRIPWIRE_LIMITS.folders),
});
export type TripwireAlert = z.infer<typeof TripwireAlert>;

/** The alert as the hub keeps it: whose request it opened, and whether it was lifted. */
export const TripwireAlertRecord = z.object({
  alert: TripwireAlert,
  deviceId: Id,
  requestId: Id,
  receivedAt: IsoDate,
  updatedAt: IsoDate,
  status: z.enum(['open', 'lifted']),
  liftedAt: IsoDate.nullable(),
  liftedBy: z.string().nullable(),
});
export type TripwireAlertRecord = z.infer<typeof TripwireAlertRecord>;

/** The app's tripwire as the renderer draws it. */
export const TripwireState = z.object({
  /** watching: folders watched; off: nothing to watch (no backed-up folder) or not started. */
  status: z.enum(['watching', 'alert', 'off']),
  alert: TripwireAlert.nullable(),
  /** The hub has the alert (its urgent request exists). */
  reported: z.boolean(),
  /** The provider's emergency number (from the hub), kept for when the network is unplugged. */
  supportPhone: z.string().max(40).nullable(),
  folders: z.number().int().nonnegative(),
  canaries: z.number().int().nonnegative(),
});
export type TripwireState = z.infer<typeof TripwireState>;

// ---------- contract ----------

export const TRIPWIRE_METHODS = {
  'tripwire:getState': { request: z.strictObject({}), response: TripwireState },
} as const;

export const TRIPWIRE_PUSH = {
  'tripwire:state': TripwireState,
} as const;

/** Device → hub, acknowledged. */
export const TRIPWIRE_DEVICE_EVENTS = {
  /**
   * An alert (new, or the same id with more evidence). The hub answers the urgent request it
   * opened (or raised) and whether a technician already lifted this alert.
   */
  'tripwire:alert': { request: z.strictObject({ alert: TripwireAlert }), response: z.object({ requestId: Id, lifted: z.boolean() }) },
  /** The provider's emergency number, asked at each connection. */
  'tripwire:config': { request: z.strictObject({}), response: z.object({ supportPhone: z.string().max(40).nullable() }) },
} as const;

/** Hub → device. */
export const TRIPWIRE_DEVICE_PUSH = {
  'tripwire:lifted': z.object({ alertId: Id }),
} as const;

const RequestRef = z.strictObject({ requestId: Id });

/** Technician → hub, acknowledged. */
export const TRIPWIRE_TECH_EVENTS = {
  /** The tripwire alerts attached to a request (newest first). */
  'tripwire:get': { request: RequestRef, response: z.array(TripwireAlertRecord) },
  /** The machine is safe again: retention resumes and the practitioner's alert goes away. */
  'tripwire:lift': { request: z.strictObject({ requestId: Id, alertId: Id }), response: TripwireAlertRecord },
} as const;

/** Hub → technicians: an alert arrived or changed (new evidence, lifted). */
export const TRIPWIRE_TECH_PUSH = {
  'tripwire:alert': TripwireAlertRecord,
} as const;

/**
 * The alert made to fit TRIPWIRE_LIMITS.maxBytes of JSON: the latest files are dropped first (the
 * first ones say when it started); fileCount keeps the total. Null when even the bare alert is too big.
 */
export function fitTripwireAlert(alert: TripwireAlert, maxBytes: number = TRIPWIRE_LIMITS.maxBytes): TripwireAlert | null {
  const size = (a: TripwireAlert) => new TextEncoder().encode(JSON.stringify(a)).length;
  if (size(alert) <= maxBytes) return alert;
  let lo = 0;
  let hi = alert.files.length;
  // Largest prefix of files that fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size({ ...alert, files: alert.files.slice(0, mid) }) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  const fitted = { ...alert, files: alert.files.slice(0, lo) };
  if (size(fitted) <= maxBytes) return fitted;
  const bare = { ...fitted, notes: fitted.notes.slice(0, 1), folders: fitted.folders.slice(0, 1) };
  return size(bare) <= maxBytes ? bare : null;
}

// ---------- words ----------

/**
 * What the practitioner and the technician read, French first, English complete (i18next
 * placeholders). The renderer merges `app`, the console `console`, the main process `notify`/`tray`.
 */
export const TRIPWIRE_STRINGS = {
  fr: {
    app: {
      title: 'Alerte : vos fichiers sont peut-être en train d’être chiffrés',
      lead: 'Vigie a vu des fichiers de votre cabinet devenir illisibles. Faites ceci tout de suite :',
      step1: 'Débranchez le câble réseau de cet ordinateur et coupez le Wi-Fi.',
      step2: 'N’éteignez pas l’ordinateur et n’ouvrez plus de fichiers.',
      call: 'Appelez votre prestataire au',
      step3: 'Appelez votre prestataire informatique.',
      reported: 'Votre prestataire a reçu l’alerte : un technicien va vous rappeler en priorité.',
      notReported: 'L’alerte sera transmise à votre prestataire dès que possible ; appelez-le sans attendre.',
      backups: 'Vos sauvegardes sont protégées : aucune ne sera effacée tant que l’alerte dure.',
      files_one: '{{count}} fichier touché depuis {{time}}.',
      files_other: '{{count}} fichiers touchés depuis {{time}}.',
      label: 'Alerte de sécurité',
      understood: 'J’ai compris',
      unfold: 'Revoir les consignes',
    },
    tray: 'Vigie — ALERTE : fichiers menacés, débranchez le réseau',
    notify: {
      title: 'Vigie — alerte : fichiers en danger',
      bodyPhone: 'Débranchez le câble réseau et appelez votre prestataire au {{phone}}.',
      body: 'Débranchez le câble réseau et appelez votre prestataire.',
    },
    console: {
      title: 'Alerte rançongiciel',
      urgent: 'Urgent — alerte rançongiciel',
      open: 'Alerte en cours',
      lifted: 'Alerte levée le {{date}} par {{name}}',
      raisedAt: 'Déclenchée le {{date}}',
      firstChange: 'Premier fichier touché le {{date}}',
      lastGood: 'Dernière sauvegarde avant le premier fichier touché : {{date}} ({{id}})',
      noGood: 'Aucune sauvegarde antérieure au premier fichier touché.',
      reasonsLabel: 'Signaux',
      files_one: '{{count}} fichier touché',
      files_other: '{{count}} fichiers touchés',
      shown: 'Les {{count}} premiers :',
      notes: 'Notes de rançon',
      extensions: 'Extensions ajoutées',
      backup: 'Dernière sauvegarde : {{touched}} fichiers changés ou disparus (d’habitude au plus {{usual}}).',
      folders: 'Dossiers surveillés',
      when: 'Quand',
      file: 'Fichier',
      what: 'Constat',
      entropy: 'Entropie',
      lift: 'Lever l’alerte (poste sain)',
      lifting: 'Levée…',
      liftHint: 'Les sauvegardes reprennent leur rotation normale et l’alerte disparaît chez le praticien.',
      loading: 'Chargement des preuves…',
      reasons: {
        canary: 'Fichier témoin caché modifié',
        burst: 'Rafale de fichiers rendus illisibles',
        slow: 'Fichiers rendus illisibles au fil des heures',
        note: 'Note de rançon déposée',
        extension: 'Fichiers renommés avec une extension de rançongiciel',
        backup: 'Sauvegarde anormale',
      },
      kinds: {
        encrypted: 'chiffré',
        wiped: 'effacé',
        replaced: 'remplacé par un fichier illisible',
        extension: 'extension de rançongiciel',
        note: 'note de rançon',
        canary: 'fichier témoin',
      },
    },
  },
  en: {
    app: {
      title: 'Alert: your files may be being encrypted',
      lead: 'Vigie saw files of your practice become unreadable. Do this right now:',
      step1: 'Unplug this computer’s network cable and turn Wi-Fi off.',
      step2: 'Do not turn the computer off and do not open any more files.',
      call: 'Call your provider on',
      step3: 'Call your IT provider.',
      reported: 'Your provider has the alert: a technician will call you back first.',
      notReported: 'The alert will reach your provider as soon as possible; call them without waiting.',
      backups: 'Your backups are safe: none will be deleted while the alert stands.',
      files_one: '{{count}} file affected since {{time}}.',
      files_other: '{{count}} files affected since {{time}}.',
      label: 'Security alert',
      understood: 'I understand',
      unfold: 'Show the instructions again',
    },
    tray: 'Vigie — ALERT: files at risk, unplug the network',
    notify: {
      title: 'Vigie — alert: files in danger',
      bodyPhone: 'Unplug the network cable and call your provider on {{phone}}.',
      body: 'Unplug the network cable and call your provider.',
    },
    console: {
      title: 'Ransomware alert',
      urgent: 'Urgent — ransomware alert',
      open: 'Alert standing',
      lifted: 'Alert lifted on {{date}} by {{name}}',
      raisedAt: 'Raised on {{date}}',
      firstChange: 'First file affected on {{date}}',
      lastGood: 'Last backup before the first affected file: {{date}} ({{id}})',
      noGood: 'No backup older than the first affected file.',
      reasonsLabel: 'Signals',
      files_one: '{{count}} file affected',
      files_other: '{{count}} files affected',
      shown: 'The first {{count}}:',
      notes: 'Ransom notes',
      extensions: 'Added extensions',
      backup: 'Last backup: {{touched}} files changed or gone (usually at most {{usual}}).',
      folders: 'Watched folders',
      when: 'When',
      file: 'File',
      what: 'Finding',
      entropy: 'Entropy',
      lift: 'Lift the alert (machine clean)',
      lifting: 'Lifting…',
      liftHint: 'Backups go back to their normal rotation and the practitioner’s alert goes away.',
      loading: 'Loading the evidence…',
      reasons: {
        canary: 'Hidden control file changed',
        burst: 'Burst of files made unreadable',
        slow: 'Files made unreadable over hours',
        note: 'Ransom note dropped',
        extension: 'Files renamed with a ransomware extension',
        backup: 'Abnormal backup',
      },
      kinds: {
        encrypted: 'encrypted',
        wiped: 'wiped',
        replaced: 'replaced by an unreadable file',
        extension: 'ransomware extension',
        note: 'ransom note',
        canary: 'control file',
      },
    },
  },
} as const;
