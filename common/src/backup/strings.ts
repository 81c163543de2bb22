import type { BackupMessageKey, BackupReason } from './errors.js';
import type { RestoreMode, RestoreState } from './restore.js';

/** Backups, every word shown to people about them (French first, English complete). A string table. */

type ReasonText = { message: string; nextStep: string };

/**
 * French first, English complete. UIs merge these into their i18next resources under `backup`.
 * Placeholders use i18next syntax ({{days}}, {{count}}…).
 */
export const BACKUP_STRINGS = {
  fr: {
    headline: {
      ok: 'Tout est sauvegardé',
      okWithWarning_one: 'Sauvegardé, sauf {{count}} fichier illisible',
      okWithWarning_other: 'Sauvegardé, sauf {{count}} fichiers illisibles',
      running: 'Sauvegarde en cours',
      stale: 'Attention : dernière sauvegarde il y a {{days}} jours',
      staleOneDay: 'Attention : dernière sauvegarde il y a 1 jour',
      staleHours: 'Attention : dernière sauvegarde il y a {{hours}} heures',
      never: 'Attention : aucune sauvegarde pour l’instant',
      failed: 'La sauvegarde a échoué',
      'not-configured': 'La sauvegarde n’est pas configurée',
    },
    day: {
      ok: 'Sauvegarde réussie',
      warning: 'Sauvegarde avec des fichiers illisibles',
      failed: 'Sauvegarde échouée',
      none: 'Pas de sauvegarde',
    },
    actions: { runNow: 'Sauvegarder maintenant', openFolder: 'Ouvrir le dossier', cancel: 'Annuler' },
    modes: {
      beside: 'Restaurer une copie à côté',
      'in-place': 'Remettre à sa place',
      folder: 'Restaurer dans un autre dossier',
    } satisfies Record<RestoreMode, string>,
    restoreStates: {
      queued: 'En attente',
      preparing: 'Préparation…',
      restoring: 'Restauration en cours…',
      verifying: 'Vérification…',
      moving: 'Mise en place…',
      done: 'Restauration terminée',
      failed: 'La restauration a échoué',
      cancelled: 'Restauration annulée',
    } satisfies Record<RestoreState, string>,
    messages: {
      existingRepoOtherPassword: 'Des sauvegardes existent déjà à cet endroit, protégées par un autre mot de passe.',
      noFolders: 'Aucun dossier à sauvegarder n’est choisi.',
      foldersMissing: 'Les dossiers à sauvegarder sont introuvables sur cet ordinateur.',
      snapshotGone: 'Cette sauvegarde est introuvable (elle a peut-être été supprimée par la rotation).',
      folderNotInSnapshot: 'Ce dossier n’existe pas dans cette sauvegarde.',
      folderGone: 'Ce dossier n’existe plus.',
      cannotOpenFolder: 'Impossible d’ouvrir le dossier sur cet ordinateur.',
      restoreInterrupted: 'La restauration a été interrompue ; vos fichiers actuels n’ont pas été touchés.',
      outsideBackedUpFolders: 'Cet élément n’est pas dans les dossiers sauvegardés : la restauration est refusée.',
      outsideUserFolders: 'Ce dossier n’est ni dans vos dossiers personnels ni dans un dossier sauvegardé.',
      technicianBackedUpOnly: 'Un technicien ne peut restaurer que dans les dossiers sauvegardés.',
      reservedFolder: 'Ce dossier est réservé au système, aux sauvegardes ou à Vigie : rien n’y est restauré.',
      invalidPath: 'Ce chemin n’est pas valide (il contient « .. » ou un caractère interdit).',
    } satisfies Record<BackupMessageKey, string>,
    /** Next steps more precise than the reason's, for some message keys. */
    nextSteps: {
      restoreInterrupted: 'Vous pouvez relancer la restauration quand vous voulez.',
      outsideBackedUpFolders: 'Choisissez un fichier ou un dossier à l’intérieur des dossiers sauvegardés.',
      technicianBackedUpOnly: 'Restaurez à côté ou à sa place, ou choisissez un dossier sauvegardé.',
      invalidPath: 'Choisissez le dossier de destination à nouveau.',
    } satisfies Partial<Record<BackupMessageKey, string>>,
    names: { restored: 'restauré le', beforeRestore: 'avant restauration' },
    reasons: {
      'not-configured': {
        message: 'La sauvegarde n’est pas encore configurée.',
        nextStep: 'Choisissez où enregistrer les sauvegardes dans les réglages.',
      },
      'restic-missing': {
        message: 'Le programme de sauvegarde est introuvable sur cet ordinateur.',
        nextStep: 'Réinstallez Vigie ou contactez votre prestataire.',
      },
      'wrong-password': {
        message: 'Le mot de passe de la sauvegarde est incorrect.',
        nextStep: 'Vérifiez le mot de passe dans les réglages ou contactez votre prestataire.',
      },
      'repo-missing': {
        message: 'Aucune sauvegarde n’a été trouvée à l’emplacement prévu.',
        nextStep: 'Vérifiez que le disque de sauvegarde est branché, puis réessayez.',
      },
      'repo-unreachable': {
        message: 'Impossible de joindre l’emplacement des sauvegardes.',
        nextStep: 'Vérifiez la connexion à Internet ou au réseau, puis réessayez.',
      },
      locked: {
        message: 'Une autre opération utilise la sauvegarde en ce moment.',
        nextStep: 'Réessayez dans quelques minutes. Si cela dure, contactez votre prestataire.',
      },
      'unreadable-files': {
        message: 'Sauvegarde faite, mais des fichiers n’ont pas pu être lus.',
        nextStep: 'Fermez les programmes qui utilisent ces fichiers : ils seront repris à la prochaine sauvegarde.',
      },
      interrupted: {
        message: 'La sauvegarde a été interrompue avant la fin.',
        nextStep: 'Elle reprendra à la prochaine heure prévue, ou cliquez sur « Sauvegarder maintenant ».',
      },
      'disk-full': {
        message: 'Il n’y a plus assez de place sur le disque.',
        nextStep: 'Libérez de la place ou contactez votre prestataire.',
      },
      'read-only': {
        message: 'Impossible d’écrire à cet endroit : il est en lecture seule ou protégé.',
        nextStep: 'Choisissez un autre dossier ou contactez votre prestataire.',
      },
      'in-use': {
        message: 'Le fichier ou le dossier est utilisé par un autre programme.',
        nextStep: 'Fermez ce programme, puis réessayez.',
      },
      busy: { message: 'Une sauvegarde ou une restauration est déjà en cours.', nextStep: 'Attendez qu’elle se termine, puis réessayez.' },
      cancelled: { message: 'Opération annulée : rien n’a été modifié.', nextStep: 'Vous pouvez recommencer quand vous voulez.' },
      'not-found': { message: 'Cet élément est introuvable dans cette sauvegarde.', nextStep: 'Choisissez une autre date.' },
      'restored-nothing': {
        message: 'Rien n’a été restauré : l’élément n’est pas dans cette sauvegarde.',
        nextStep: 'Choisissez une autre date ou vérifiez le nom du fichier.',
      },
      'verify-failed': {
        message: 'La copie restaurée est incomplète ; vos fichiers actuels n’ont pas été touchés.',
        nextStep: 'Réessayez. Si cela recommence, contactez votre prestataire.',
      },
      'move-failed': {
        message: 'La restauration n’a pas pu être mise en place ; vos fichiers actuels ont été laissés tels quels.',
        nextStep: 'Fermez les programmes ouverts sur ces fichiers, puis réessayez.',
      },
      'check-failed': { message: 'La vérification des sauvegardes a détecté un problème.', nextStep: 'Contactez votre prestataire.' },
      timeout: { message: 'L’opération prend trop de temps.', nextStep: 'Réessayez plus tard.' },
      'not-allowed': {
        message: 'Vigie ne restaure pas à cet endroit : il est en dehors des dossiers autorisés.',
        nextStep: 'Choisissez un dossier à vous, par exemple dans Documents ou sur le Bureau.',
      },
      'link-in-path': {
        message: 'Un dossier sur le chemin a été remplacé par un lien depuis la sauvegarde : par sécurité, rien n’a été restauré.',
        nextStep: 'Restaurez dans un autre dossier, ou contactez votre prestataire.',
      },
      'not-a-folder': {
        message: 'La destination choisie est un fichier, pas un dossier.',
        nextStep: 'Choisissez un dossier, ou renommez ce fichier puis réessayez.',
      },
      'path-too-long': {
        message: 'Le chemin est trop long pour le système (trop de dossiers imbriqués ou des noms trop longs).',
        nextStep: 'Restaurez dans un dossier au chemin plus court, par exemple sur le Bureau, ou contactez votre prestataire.',
      },
      unknown: {
        message: 'La sauvegarde a rencontré une erreur inattendue.',
        nextStep: 'Réessayez ; si cela recommence, contactez votre prestataire.',
      },
    } satisfies Record<BackupReason, ReasonText>,
  },
  en: {
    headline: {
      ok: 'Everything is backed up',
      okWithWarning_one: 'Backed up, except {{count}} unreadable file',
      okWithWarning_other: 'Backed up, except {{count}} unreadable files',
      running: 'Backup in progress',
      stale: 'Warning: last backup {{days}} days ago',
      staleOneDay: 'Warning: last backup 1 day ago',
      staleHours: 'Warning: last backup {{hours}} hours ago',
      never: 'Warning: no backup yet',
      failed: 'The backup failed',
      'not-configured': 'Backup is not set up',
    },
    day: { ok: 'Backup succeeded', warning: 'Backup with unreadable files', failed: 'Backup failed', none: 'No backup' },
    actions: { runNow: 'Back up now', openFolder: 'Open folder', cancel: 'Cancel' },
    modes: {
      beside: 'Restore a copy alongside',
      'in-place': 'Put it back in place',
      folder: 'Restore to another folder',
    } satisfies Record<RestoreMode, string>,
    restoreStates: {
      queued: 'Waiting',
      preparing: 'Preparing…',
      restoring: 'Restoring…',
      verifying: 'Checking…',
      moving: 'Putting in place…',
      done: 'Restore complete',
      failed: 'The restore failed',
      cancelled: 'Restore cancelled',
    } satisfies Record<RestoreState, string>,
    messages: {
      existingRepoOtherPassword: 'Backups already exist there, protected by another password.',
      noFolders: 'No folder to back up is selected.',
      foldersMissing: 'The folders to back up cannot be found on this computer.',
      snapshotGone: 'This backup cannot be found (it may have been removed by the rotation).',
      folderNotInSnapshot: 'This folder does not exist in this backup.',
      folderGone: 'This folder no longer exists.',
      cannotOpenFolder: 'The folder cannot be opened on this computer.',
      restoreInterrupted: 'The restore was interrupted; your current files were not touched.',
      outsideBackedUpFolders: 'This item is not in the backed-up folders: the restore is refused.',
      outsideUserFolders: 'This folder is neither in your personal folders nor in a backed-up folder.',
      technicianBackedUpOnly: 'A technician can only restore into the backed-up folders.',
      reservedFolder: 'This folder is reserved for the system, the backups or Vigie: nothing is restored there.',
      invalidPath: 'This path is not valid (it contains “..” or a forbidden character).',
    } satisfies Record<BackupMessageKey, string>,
    nextSteps: {
      restoreInterrupted: 'You can start the restore again whenever you like.',
      outsideBackedUpFolders: 'Choose a file or folder inside the backed-up folders.',
      technicianBackedUpOnly: 'Restore alongside or back in place, or choose a backed-up folder.',
      invalidPath: 'Choose the destination folder again.',
    } satisfies Partial<Record<BackupMessageKey, string>>,
    names: { restored: 'restored on', beforeRestore: 'before restore' },
    reasons: {
      'not-configured': { message: 'Backup is not set up yet.', nextStep: 'Choose where to store backups in the settings.' },
      'restic-missing': {
        message: 'The backup program cannot be found on this computer.',
        nextStep: 'Reinstall Vigie or contact your provider.',
      },
      'wrong-password': {
        message: 'The backup password is wrong.',
        nextStep: 'Check the password in the settings or contact your provider.',
      },
      'repo-missing': {
        message: 'No backup was found at the expected place.',
        nextStep: 'Check that the backup drive is plugged in, then try again.',
      },
      'repo-unreachable': {
        message: 'The backup location cannot be reached.',
        nextStep: 'Check the Internet or network connection, then try again.',
      },
      locked: {
        message: 'Another operation is using the backup right now.',
        nextStep: 'Try again in a few minutes. If it lasts, contact your provider.',
      },
      'unreadable-files': {
        message: 'Backup done, but some files could not be read.',
        nextStep: 'Close the programs using these files: they will be picked up by the next backup.',
      },
      interrupted: {
        message: 'The backup was interrupted before the end.',
        nextStep: 'It will resume at the next scheduled time, or click “Back up now”.',
      },
      'disk-full': { message: 'There is not enough space left on the disk.', nextStep: 'Free some space or contact your provider.' },
      'read-only': {
        message: 'Cannot write there: it is read-only or protected.',
        nextStep: 'Choose another folder or contact your provider.',
      },
      'in-use': { message: 'The file or folder is being used by another program.', nextStep: 'Close that program, then try again.' },
      busy: { message: 'A backup or a restore is already running.', nextStep: 'Wait for it to finish, then try again.' },
      cancelled: { message: 'Cancelled: nothing was changed.', nextStep: 'You can start again whenever you like.' },
      'not-found': { message: 'This item cannot be found in this backup.', nextStep: 'Choose another date.' },
      'restored-nothing': {
        message: 'Nothing was restored: the item is not in this backup.',
        nextStep: 'Choose another date or check the file name.',
      },
      'verify-failed': {
        message: 'The restored copy is incomplete; your current files were not touched.',
        nextStep: 'Try again. If it happens again, contact your provider.',
      },
      'move-failed': {
        message: 'The restore could not be put in place; your current files were left as they were.',
        nextStep: 'Close programs that have these files open, then try again.',
      },
      'check-failed': { message: 'The backup check found a problem.', nextStep: 'Contact your provider.' },
      timeout: { message: 'The operation is taking too long.', nextStep: 'Try again later.' },
      'not-allowed': {
        message: 'Vigie does not restore there: it is outside the allowed folders.',
        nextStep: 'Choose a folder of your own, for example in Documents or on the Desktop.',
      },
      'link-in-path': {
        message: 'A folder on the way has been replaced by a link since the backup: for safety, nothing was restored.',
        nextStep: 'Restore to another folder, or contact your provider.',
      },
      'not-a-folder': {
        message: 'The chosen destination is a file, not a folder.',
        nextStep: 'Choose a folder, or rename this file and try again.',
      },
      'path-too-long': {
        message: 'The path is too long for the system (too many nested folders or names too long).',
        nextStep: 'Restore to a folder with a shorter path, for example on the Desktop, or contact your provider.',
      },
      unknown: { message: 'The backup ran into an unexpected error.', nextStep: 'Try again; if it happens again, contact your provider.' },
    } satisfies Record<BackupReason, ReasonText>,
  },
} as const;
