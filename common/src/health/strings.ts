import type { HealthStatus } from '../domain.js';
import type { CheckId, UnknownReasonCode } from './schema.js';
import { FR_MESSAGES } from './messages-fr.js';
import { EN_MESSAGES } from './messages-en.js';

/**
 * Security health, every word shown about it by locale (French first, English complete): terms
 * named by code, check names, statuses, why a check could not be verified (the practitioner's and
 * the technician's sentences), the panel's words and the check messages. A string table.
 */

/**
 * Words a check names by code: in a `…List` parameter (a comma-separated list of codes, see
 * fillTemplate) network types and remote-access kinds; in `edition`, the Windows edition that
 * follows the system's name. A code without an entry is a product name (« TeamViewer ») and is
 * written as is in both languages.
 */
export const HEALTH_TERMS = [
  'fw-domain',
  'fw-private',
  'fw-public',
  'remote-desktop',
  'ssh',
  'vnc',
  'screen-sharing',
  'remote-management',
  'win-enterprise',
  'win-ltsc',
] as const;
export type HealthTerm = (typeof HEALTH_TERMS)[number];

export const HEALTH_STRINGS = {
  fr: {
    terms: {
      'fw-domain': 'réseau de domaine',
      'fw-private': 'réseau privé',
      'fw-public': 'réseau public',
      'remote-desktop': 'bureau à distance',
      ssh: 'connexion à distance en mode texte',
      vnc: 'logiciel de partage d’écran',
      'screen-sharing': 'partage d’écran',
      'remote-management': 'gestion à distance d’Apple',
      'win-enterprise': 'Entreprise ou Éducation',
      'win-ltsc': 'Entreprise LTSC',
    } satisfies Record<HealthTerm, string>,
    checks: {
      'disk-encryption': 'Chiffrement du disque',
      antivirus: 'Antivirus',
      firewall: 'Pare-feu',
      'os-supported': 'Système encore suivi',
      'os-updates': 'Mises à jour en attente',
      'auto-updates': 'Mises à jour automatiques',
      'screen-lock': 'Verrouillage de l’écran',
      'admin-user': 'Compte administrateur',
      'auto-login': 'Connexion automatique',
      'guest-account': 'Compte invité',
      'remote-access': 'Accès à distance',
      smbv1: 'Ancien partage de fichiers',
      'platform-integrity': 'Protections du système',
      'disk-space': 'Espace disque',
      'time-sync': 'Heure de l’ordinateur',
      'backup-recency': 'Sauvegarde',
    } satisfies Record<CheckId, string>,
    status: { ok: 'Tout va bien', warning: 'À surveiller', critical: 'À corriger', unknown: 'Non vérifié' } satisfies Record<
      HealthStatus,
      string
    >,
    reasons: {
      'command-missing': 'l’outil qui permet de le vérifier n’est pas installé sur cet ordinateur.',
      timeout: 'la vérification a pris trop de temps et a été arrêtée.',
      'permission-denied': 'il faut des droits d’administrateur pour le voir.',
      'command-failed': 'la vérification n’a pas abouti.',
      unparseable: 'la réponse de l’ordinateur n’a pas été comprise.',
      'empty-output': 'l’ordinateur n’a rien répondu.',
      incomplete: 'la réponse de l’ordinateur est incomplète.',
      'no-network': 'il fallait joindre Internet, sans succès.',
      'not-supported': 'cette vérification n’est pas possible sur ce système.',
      'nothing-found': 'aucun élément n’a été trouvé sur cet ordinateur pour en juger.',
      'no-backup-provider': 'la sauvegarde n’est pas encore configurée dans Vigie.',
      internal: 'une erreur interne de Vigie est survenue.',
    } satisfies Record<UnknownReasonCode, string>,
    technicalReasons: {
      'command-missing': 'l’outil « {{command}} » n’est pas présent sur cet ordinateur.',
      timeout: 'l’outil « {{command}} » n’a pas répondu à temps ({{seconds}} s).',
      'permission-denied': 'l’outil « {{command}} » demande des droits d’administrateur.',
      'command-failed': 'l’outil « {{command}} » a signalé une erreur (code {{exitCode}}).',
      unparseable: 'la réponse de « {{command}} » n’a pas été comprise.',
      'empty-output': '« {{command}} » n’a rien répondu.',
      incomplete: 'la réponse de « {{command}} » est incomplète ({{detail}}).',
      'no-network': '« {{command}} » n’a pas pu joindre le serveur de mises à jour (pas d’accès Internet ?).',
      'not-supported': 'cette vérification n’est pas possible sur ce système ({{detail}}).',
      'nothing-found': 'aucun élément permettant de juger n’a été trouvé ({{detail}}).',
      'no-backup-provider': 'pas encore de sauvegarde configurée dans Vigie.',
      internal: 'une erreur interne de Vigie est survenue.',
    } satisfies Record<UnknownReasonCode, string>,
    ui: {
      panelTitle: 'Sécurité',
      toFix: 'À corriger',
      allGood: 'Tout va bien',
      notChecked: 'Non vérifié',
      scanNow: 'Vérifier maintenant',
      scanning: 'Vérification en cours…',
      score: 'Note de sécurité',
      lastScan: 'Dernière vérification',
      whatToDo: 'Que faire ?',
      details: 'Détail technique',
      notificationTitle: 'Vigie : un point de sécurité est à corriger',
      notificationTitleMany: 'Vigie : {{count}} points de sécurité sont à corriger',
    },
    messages: FR_MESSAGES,
  },
  en: {
    terms: {
      'fw-domain': 'domain network',
      'fw-private': 'private network',
      'fw-public': 'public network',
      'remote-desktop': 'Remote Desktop',
      ssh: 'remote text-mode access',
      vnc: 'screen-sharing software',
      'screen-sharing': 'Screen Sharing',
      'remote-management': 'Apple Remote Management',
      'win-enterprise': 'Enterprise or Education',
      'win-ltsc': 'Enterprise LTSC',
    } satisfies Record<HealthTerm, string>,
    checks: {
      'disk-encryption': 'Disk encryption',
      antivirus: 'Antivirus',
      firewall: 'Firewall',
      'os-supported': 'Supported system',
      'os-updates': 'Pending updates',
      'auto-updates': 'Automatic updates',
      'screen-lock': 'Screen lock',
      'admin-user': 'Administrator account',
      'auto-login': 'Automatic sign-in',
      'guest-account': 'Guest account',
      'remote-access': 'Remote access',
      smbv1: 'Old file sharing',
      'platform-integrity': 'System protections',
      'disk-space': 'Disk space',
      'time-sync': 'Computer time',
      'backup-recency': 'Backup',
    } satisfies Record<CheckId, string>,
    status: { ok: 'All good', warning: 'Keep an eye on it', critical: 'To fix', unknown: 'Not checked' } satisfies Record<
      HealthStatus,
      string
    >,
    reasons: {
      'command-missing': 'the tool needed to check it is not installed on this computer.',
      timeout: 'the check took too long and was stopped.',
      'permission-denied': 'it takes administrator rights to see it.',
      'command-failed': 'the check did not succeed.',
      unparseable: 'the computer’s answer was not understood.',
      'empty-output': 'the computer answered nothing.',
      incomplete: 'the computer’s answer is incomplete.',
      'no-network': 'it needed the Internet, which could not be reached.',
      'not-supported': 'this check is not possible on this system.',
      'nothing-found': 'nothing was found on this computer to judge from.',
      'no-backup-provider': 'no backup is set up in Vigie yet.',
      internal: 'an internal Vigie error occurred.',
    } satisfies Record<UnknownReasonCode, string>,
    technicalReasons: {
      'command-missing': 'the tool “{{command}}” is not on this computer.',
      timeout: 'the tool “{{command}}” did not answer in time ({{seconds}} s).',
      'permission-denied': 'the tool “{{command}}” needs administrator rights.',
      'command-failed': 'the tool “{{command}}” reported an error (code {{exitCode}}).',
      unparseable: 'the answer of “{{command}}” was not understood.',
      'empty-output': '“{{command}}” answered nothing.',
      incomplete: 'the answer of “{{command}}” is incomplete ({{detail}}).',
      'no-network': '“{{command}}” could not reach the update server (no Internet access?).',
      'not-supported': 'this check is not possible on this system ({{detail}}).',
      'nothing-found': 'nothing was found to judge from ({{detail}}).',
      'no-backup-provider': 'no backup is set up in Vigie yet.',
      internal: 'an internal Vigie error occurred.',
    } satisfies Record<UnknownReasonCode, string>,
    ui: {
      panelTitle: 'Security',
      toFix: 'To fix',
      allGood: 'All good',
      notChecked: 'Not checked',
      scanNow: 'Check now',
      scanning: 'Checking…',
      score: 'Security score',
      lastScan: 'Last check',
      whatToDo: 'What to do?',
      details: 'Technical details',
      notificationTitle: 'Vigie: a security point needs fixing',
      notificationTitleMany: 'Vigie: {{count}} security points need fixing',
    },
    messages: EN_MESSAGES,
  },
} as const;
