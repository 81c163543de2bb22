import { z } from 'zod';
import { Id, IsoDate, LIMITS, Uuid } from './domain.js';
import { BackupError } from './backup.js';

/**
 * The safety backup before a technician acts, and its undo (issue 12).
 *
 * When the practitioner grants control (and before a technician-started restore) the app takes an
 * incremental restic snapshot of the backed-up folders, tagged for the intervention (the help
 * request). After the session it takes another one and compares the two (`restic diff`): the
 * practitioner sees what was added, changed and deleted, and « Annuler les changements de
 * l'intervention » puts every changed or deleted file back from the first snapshot through the
 * ordinary restore (in place: the current version is kept beside under a dated name). The device
 * reports the intervention to the hub (`backup:safety-report`), which audits it (`safety.snapshot`,
 * `safety.undo`), keeps the latest report and pushes it to the technicians following the request.
 */
export const SAFETY_LIMITS = {
  /** How long control waits for the safety snapshot before starting anyway (the banner then says it runs). */
  waitMs: 5_000,
  /** Entries of a change list: the practitioner and the technician see the same ones. */
  items: 200,
  /** A report stays well under the hub's socket message limit (64 KiB by default). */
  reportBytes: 48_000,
  /** Safety snapshots remembered per intervention. */
  snapshots: 20,
  /** Interventions the device keeps. */
  interventions: 20,
} as const;

const ResticId = z.string().regex(/^[0-9a-f]{64}$/);
const Count = z.number().int().nonnegative();

export const SafetyChangeKind = z.enum(['added', 'changed', 'deleted']);
export type SafetyChangeKind = z.infer<typeof SafetyChangeKind>;

/** One entry of the change list; a folder added or deleted is listed once, with what was inside. */
export const SafetyChange = z.object({
  kind: SafetyChangeKind,
  /** Path inside the snapshots ('/'-separated). */
  path: z.string().min(1).max(4096),
  /** The same path on the practice's computer. */
  localPath: z.string().min(1).max(4096),
  type: z.enum(['file', 'dir', 'other']),
  /** Added or deleted folder: how many entries were below it. */
  inside: Count,
});
export type SafetyChange = z.infer<typeof SafetyChange>;

/** One safety snapshot and how it went. */
export const SafetySnapshot = z.object({
  id: Uuid,
  /** What it was taken before. */
  before: z.enum(['control', 'restore']),
  state: z.enum(['running', 'done', 'failed']),
  snapshotId: ResticId.nullable(),
  startedAt: IsoDate,
  endedAt: IsoDate.nullable(),
  durationMs: Count.nullable(),
  error: BackupError.nullable(),
});
export type SafetySnapshot = z.infer<typeof SafetySnapshot>;

/** What changed in the backed-up folders between the intervention's first safety snapshot and the one taken after the session. */
export const SafetyChanges = z.object({
  state: z.enum(['computing', 'ready', 'failed']),
  afterSnapshotId: ResticId.nullable(),
  at: IsoDate,
  counts: z.object({ added: Count, changed: Count, deleted: Count }),
  items: z.array(SafetyChange).max(SAFETY_LIMITS.items),
  /** More changes than listed. */
  truncated: z.boolean(),
  error: BackupError.nullable(),
});
export type SafetyChanges = z.infer<typeof SafetyChanges>;

/** « Annuler les changements de l'intervention » and how it went. */
export const SafetyUndo = z.object({
  id: Uuid,
  state: z.enum(['running', 'done', 'failed']),
  startedAt: IsoDate,
  endedAt: IsoDate.nullable(),
  /** Changed or deleted entries to put back. */
  total: Count,
  /** Put back as they were. */
  restored: Count,
  /** Current versions kept beside under a dated name (« avant restauration »). */
  keptCopies: Count,
  /** Not put back (their restore was refused or failed; nothing was overwritten). */
  failed: Count,
  error: BackupError.nullable(),
});
export type SafetyUndo = z.infer<typeof SafetyUndo>;

export const SafetyIntervention = z.object({
  /** The help request the technician acts in. */
  requestId: Id,
  technicianName: z.string().max(LIMITS.displayName),
  startedAt: IsoDate,
  updatedAt: IsoDate,
  /** Every safety snapshot taken for it, oldest first. */
  snapshots: z.array(SafetySnapshot).max(SAFETY_LIMITS.snapshots),
  /** The first safety snapshot that succeeded: what the change list compares with and undo goes back to. */
  baseline: z.object({ snapshotId: ResticId, time: IsoDate }).nullable(),
  changes: SafetyChanges.nullable(),
  undo: SafetyUndo.nullable(),
});
export type SafetyIntervention = z.infer<typeof SafetyIntervention>;

/** Practitioner renderer → main (part of the backup capability). */
export const SAFETY_METHODS = {
  /** The interventions kept on this computer, newest first. */
  'backup:interventions': { request: z.strictObject({}), response: z.array(SafetyIntervention) },
  /** « Annuler les changements de l'intervention »: answers at once, the undo follows on 'backup:safety'. */
  'backup:undoIntervention': { request: z.strictObject({ requestId: Id }), response: SafetyIntervention },
} as const;

export const SAFETY_PUSH = {
  'backup:safety': SafetyIntervention,
} as const;

export const SafetyReport = z.strictObject({ requestId: Id, intervention: SafetyIntervention });
export type SafetyReport = z.infer<typeof SafetyReport>;

/** Device → hub (namespace /device), acknowledged with a Result. */
export const SAFETY_DEVICE_EVENTS = {
  /** The intervention as it stands (every change of it, and again on reconnection). */
  'backup:safety-report': { request: SafetyReport, response: z.object({}) },
} as const;

/** Technician → hub. */
export const SAFETY_TECH_EVENTS = {
  /** The latest report of the request's intervention (console reload), null before any. */
  'backup:safety-get': { request: z.strictObject({ requestId: Id }), response: SafetyIntervention.nullable() },
} as const;

/** Hub → technicians following the request. */
export const SAFETY_TECH_PUSH = {
  'backup:safety': z.object({ requestId: Id, deviceId: Id, intervention: SafetyIntervention }),
} as const;

/**
 * What both UIs say about it (French first, English complete; i18next placeholders). Each UI merges
 * them under `safety`.
 */
export const SAFETY_STRINGS = {
  fr: {
    consentSentence:
      'Avant la prise en main, Vigie fait une sauvegarde de sécurité de vos dossiers : vous pourrez annuler les changements faits pendant l’intervention.',
    waiting: 'Sauvegarde de sécurité en cours… La prise en main commence dans un instant.',
    running: 'Sauvegarde de sécurité en cours',
    done: 'Sauvegarde de sécurité faite',
    failed: 'La sauvegarde de sécurité a échoué',
    decide: 'Vous pouvez refuser, ou autoriser quand même la prise en main sans sauvegarde de sécurité.',
    allowWithout: 'Autoriser sans sauvegarde',
    bannerFailed: 'La sauvegarde de sécurité a échoué : reprenez la main si vous préférez.',
    bannerKeepGoing: 'Laisser continuer',
    title: 'Changements faits pendant l’intervention de {{name}}',
    computing: 'Recherche des changements dans vos dossiers…',
    none: 'Aucun fichier n’a été ajouté, modifié ni supprimé dans vos dossiers sauvegardés.',
    kinds: { added: 'Ajoutés', changed: 'Modifiés', deleted: 'Supprimés' },
    kindCount: '{{kind}} : {{count}}',
    inside_one: '(avec {{count}} élément dedans)',
    inside_other: '(avec {{count}} éléments dedans)',
    truncated: 'Liste limitée aux {{count}} premiers changements.',
    noBaseline: 'Pas de sauvegarde de sécurité pour cette intervention : les changements ne peuvent pas être listés.',
    changesFailed: 'Les changements n’ont pas pu être listés.',
    undo: 'Annuler les changements de l’intervention',
    undoHint:
      'Les fichiers modifiés ou supprimés sont remis comme avant l’intervention ; leurs versions actuelles sont gardées à côté, sous un nom daté « avant restauration ». Les fichiers ajoutés restent en place.',
    undoRunning: 'Annulation des changements en cours…',
    undoDone_one: '{{count}} élément remis comme avant l’intervention.',
    undoDone_other: '{{count}} éléments remis comme avant l’intervention.',
    undoKept_one: '{{count}} version actuelle gardée à côté, sous un nom daté.',
    undoKept_other: '{{count}} versions actuelles gardées à côté, sous un nom daté.',
    undoFailed_one: '{{count}} élément n’a pas pu être remis ; rien n’a été écrasé.',
    undoFailed_other: '{{count}} éléments n’ont pas pu être remis ; rien n’a été écrasé.',
    undoNothing: 'Rien à remettre : aucun fichier n’a été modifié ni supprimé.',
    dismiss: 'Fermer',
  },
  en: {
    consentSentence:
      'Before remote control starts, Vigie makes a safety backup of your folders: you will be able to undo the changes made during the intervention.',
    waiting: 'Safety backup in progress… Remote control starts in a moment.',
    running: 'Safety backup in progress',
    done: 'Safety backup done',
    failed: 'The safety backup failed',
    decide: 'You can refuse, or allow remote control anyway without a safety backup.',
    allowWithout: 'Allow without backup',
    bannerFailed: 'The safety backup failed: take back control if you prefer.',
    bannerKeepGoing: 'Let it continue',
    title: 'Changes made during {{name}}’s intervention',
    computing: 'Looking for changes in your folders…',
    none: 'No file was added, changed or deleted in your backed-up folders.',
    kinds: { added: 'Added', changed: 'Changed', deleted: 'Deleted' },
    kindCount: '{{kind}}: {{count}}',
    inside_one: '(with {{count}} item inside)',
    inside_other: '(with {{count}} items inside)',
    truncated: 'List limited to the first {{count}} changes.',
    noBaseline: 'No safety backup for this intervention: the changes cannot be listed.',
    changesFailed: 'The changes could not be listed.',
    undo: 'Undo the intervention’s changes',
    undoHint:
      'Changed or deleted files are put back as they were before the intervention; their current versions are kept alongside, under a dated “before restore” name. Added files stay where they are.',
    undoRunning: 'Undoing the changes…',
    undoDone_one: '{{count}} item put back as it was before the intervention.',
    undoDone_other: '{{count}} items put back as they were before the intervention.',
    undoKept_one: '{{count}} current version kept alongside, under a dated name.',
    undoKept_other: '{{count}} current versions kept alongside, under a dated name.',
    undoFailed_one: '{{count}} item could not be put back; nothing was overwritten.',
    undoFailed_other: '{{count}} items could not be put back; nothing was overwritten.',
    undoNothing: 'Nothing to put back: no file was changed or deleted.',
    dismiss: 'Close',
  },
} as const;
