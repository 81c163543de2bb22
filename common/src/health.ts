import { z } from 'zod';
import { HealthStatus, HealthSummary, IsoDate, Locale, OsFamily } from './domain.js';
import { ELIDING, formatBytes, withElision } from './format.js';

/**
 * Security health: the full report of one scan of the machine, its compact history entry, the
 * score, the tray colour and every text the practitioner or the technician reads about it
 * (French first, English complete). The summary sent to the hub is `HealthSummary` (domain.ts).
 */

// ---------- checks ----------
export const CHECK_IDS = [
  'disk-encryption',
  'antivirus',
  'firewall',
  'os-supported',
  'os-updates',
  'auto-updates',
  'screen-lock',
  'admin-user',
  'auto-login',
  'guest-account',
  'remote-access',
  'smbv1',
  'platform-integrity',
  'disk-space',
  'time-sync',
  'backup-recency',
] as const;
export const CheckId = z.enum(CHECK_IDS);
export type CheckId = z.infer<typeof CheckId>;

/**
 * Weight of each check in the score (they add up to 100). Disk encryption, antivirus, pending
 * updates and backups make 70 of the 100 points: they are what stops or undoes a ransomware
 * attack or a stolen laptop. The rest are hardening points.
 */
export const CHECK_WEIGHTS: Readonly<Record<CheckId, number>> = {
  'disk-encryption': 20,
  antivirus: 15,
  'os-updates': 15,
  'backup-recency': 20,
  firewall: 5,
  'os-supported': 5,
  'auto-updates': 3,
  'screen-lock': 3,
  'admin-user': 3,
  'auto-login': 2,
  'guest-account': 1,
  'remote-access': 2,
  smbv1: 1,
  'platform-integrity': 2,
  'disk-space': 1,
  'time-sync': 2,
};

/**
 * Share of a check's weight that each status earns. `unknown` earns half: a check we could not
 * verify is neither proof of safety nor proof of danger.
 */
export const STATUS_CREDIT: Readonly<Record<HealthStatus, number>> = { ok: 1, warning: 0.5, unknown: 0.5, critical: 0 };

/** Severity order used for "worst": critical > warning > unknown > ok. */
export const STATUS_SEVERITY: Readonly<Record<HealthStatus, number>> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

/**
 * Why a check could not be verified. Each code has a plain sentence for the practitioner in
 * HEALTH_STRINGS.<locale>.reasons and the technician's one (which tool, which exit code, what was
 * missing: its parameters) in HEALTH_STRINGS.<locale>.technicalReasons.
 */
export const UNKNOWN_REASONS = [
  'command-missing', // the tool is not on this machine
  'timeout', // the tool did not answer in time (it was stopped)
  'permission-denied', // the tool needs administrator rights
  'command-failed', // the tool ended with an error
  'unparseable', // the answer was not understood
  'empty-output', // the tool answered nothing
  'incomplete', // the answer lacks what is needed (cut short, missing part)
  'no-network', // the tool needed the Internet and could not reach it
  'not-supported', // this system or version is not in our tables
  'nothing-found', // no known tool or configuration to judge from
  'no-backup-provider', // backups are not set up in Vigie yet
  'internal', // a fault in Vigie itself
] as const;
export const UnknownReasonCode = z.enum(UNKNOWN_REASONS);
export type UnknownReasonCode = z.infer<typeof UnknownReasonCode>;

export const MessageParams = z.record(z.string(), z.union([z.string().max(300), z.number()]));
export type MessageParams = z.infer<typeof MessageParams>;

/** Raw output kept for the technician; each stream is capped at EVIDENCE_MAX_CHARS. */
export const EVIDENCE_MAX_CHARS = 4000;
export const Evidence = z.object({
  /** The command as a person would type it (for PowerShell: the script). */
  command: z.string().max(2000),
  stdout: z.string().max(EVIDENCE_MAX_CHARS + 100),
  stderr: z.string().max(EVIDENCE_MAX_CHARS + 100),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** True when stdout or stderr was cut to fit. */
  truncated: z.boolean(),
  /** Set when the command could not run to its end. */
  failure: z.enum(['not-found', 'timeout', 'permission-denied', 'spawn-failed']).nullable(),
});
export type Evidence = z.infer<typeof Evidence>;

/** `text`: the practitioner's sentence in French (renderUnknownReason); `params` hold the technician's facts (renderTechnicalReason). */
export const UnknownReason = z.object({ code: UnknownReasonCode, params: MessageParams, text: z.string().max(1000) });
export type UnknownReason = z.infer<typeof UnknownReason>;

export const CheckResult = z.object({
  id: CheckId,
  status: HealthStatus,
  /** Plain French, already rendered from `message` (the UI re-renders it in the user's locale). */
  title: z.string().max(300),
  explanation: z.string().max(1000),
  /** The one thing to do; null when there is nothing to do. */
  remediation: z.string().max(1000).nullable(),
  /** i18n: `key` in HEALTH_STRINGS.<locale>.messages, with its parameters. */
  message: z.object({ key: z.string().max(100), params: MessageParams }),
  /** Set when status is `unknown`: why. */
  reason: UnknownReason.nullable(),
  evidence: z.array(Evidence).max(12),
  durationMs: z.number().nonnegative(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const HealthOsInfo = z.object({
  family: OsFamily,
  /** e.g. "Debian GNU/Linux 12 (bookworm)", "macOS 15.5", "Windows 11 Pro 24H2". */
  name: z.string().max(200),
  version: z.string().max(100),
});
export type HealthOsInfo = z.infer<typeof HealthOsInfo>;

export const HealthReport = z.object({
  version: z.literal(1),
  checks: z.array(CheckResult).max(CHECK_IDS.length),
  score: z.number().int().min(0).max(100),
  worst: HealthStatus,
  summary: HealthSummary,
  startedAt: IsoDate,
  finishedAt: IsoDate,
  os: HealthOsInfo,
  trigger: z.enum(['start', 'schedule', 'manual']),
});
export type HealthReport = z.infer<typeof HealthReport>;

/** One line of history: what changed over time, without the evidence. */
export const HealthHistoryEntry = z.object({
  at: IsoDate,
  score: z.number().int().min(0).max(100),
  worst: HealthStatus,
  statuses: z.partialRecord(CheckId, HealthStatus),
});
export type HealthHistoryEntry = z.infer<typeof HealthHistoryEntry>;
export const HEALTH_HISTORY_MAX = 90;

// ---------- score, worst, colour, summary ----------
type Scored = Pick<CheckResult, 'id' | 'status'>;

/** Weighted score 0–100 (see CHECK_WEIGHTS and STATUS_CREDIT); 0 checks → 0. */
export function computeHealthScore(checks: readonly Scored[]): number {
  let total = 0;
  let earned = 0;
  for (const c of checks) {
    const w = CHECK_WEIGHTS[c.id];
    total += w;
    earned += w * STATUS_CREDIT[c.status];
  }
  return total === 0 ? 0 : Math.round((100 * earned) / total);
}

/** The most severe status; `unknown` when there is nothing at all. */
export function worstStatus(statuses: readonly HealthStatus[]): HealthStatus {
  if (statuses.length === 0) return 'unknown';
  return statuses.reduce((a, b) => (STATUS_SEVERITY[b] > STATUS_SEVERITY[a] ? b : a), 'ok' as HealthStatus);
}

export type TrayColour = 'green' | 'orange' | 'red';
/** Tray icon colour for a worst status: red = something critical; orange = a warning or a point we could not verify. */
export function trayColour(worst: HealthStatus): TrayColour {
  if (worst === 'critical') return 'red';
  if (worst === 'ok') return 'green';
  return 'orange';
}

/** The check to fix first: the most severe, then the heaviest. */
export function worstCheck<T extends Scored>(checks: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of checks) {
    if (!best) best = c;
    else {
      const d = STATUS_SEVERITY[c.status] - STATUS_SEVERITY[best.status];
      if (d > 0 || (d === 0 && CHECK_WEIGHTS[c.id] > CHECK_WEIGHTS[best.id])) best = c;
    }
  }
  return best;
}

/** The summary the hub and the help request carry. */
export function computeHealthSummary(report: {
  checks: readonly Pick<CheckResult, 'id' | 'status' | 'title'>[];
  finishedAt: string;
}): HealthSummary {
  const counts = { ok: 0, warning: 0, critical: 0, unknown: 0 };
  for (const c of report.checks) counts[c.status] += 1;
  const worst = worstStatus(report.checks.map((c) => c.status));
  const w = worstCheck(report.checks);
  return {
    score: computeHealthScore(report.checks),
    worst,
    counts,
    ...(w && w.status !== 'ok' ? { worstCheck: { id: w.id, title: w.title.slice(0, 200), status: w.status } } : {}),
    at: report.finishedAt,
  };
}

export function toHistoryEntry(report: Pick<HealthReport, 'finishedAt' | 'score' | 'worst' | 'checks'>): HealthHistoryEntry {
  const statuses: Partial<Record<CheckId, HealthStatus>> = {};
  for (const c of report.checks) statuses[c.id] = c.status;
  return { at: report.finishedAt, score: report.score, worst: report.worst, statuses };
}

// ---------- texts ----------
/**
 * A sentence that depends on a number: `one` or `other` is chosen by the parameter that `plural`
 * names (Intl plural rules: in French 0 and 1 are singular, as in system-messages.ts), `zero` when
 * that number is 0 and the sentence has a better way to say it. A parameter that is not a number
 * (a report from an older device) takes `other`.
 */
export type PluralText = { plural: string; zero?: string; one: string; other: string };
export type HealthText = string | PluralText;
type MessageText = { title: HealthText; explanation: HealthText; remediation: HealthText | null };

const FR_MESSAGES = {
  // disk-encryption
  'disk-encryption.on': {
    title: 'Le disque est chiffré',
    explanation: 'Si l’ordinateur est perdu ou volé, personne ne peut lire les dossiers des patients sans votre mot de passe.',
    remediation: null,
  },
  'disk-encryption.off.macos': {
    title: 'Le disque n’est pas chiffré',
    explanation: 'En cas de perte ou de vol de l’ordinateur, les dossiers des patients peuvent être lus par n’importe qui.',
    remediation: 'Activez FileVault dans Réglages Système > Confidentialité et sécurité, puis gardez la clé de secours en lieu sûr.',
  },
  'disk-encryption.off.windows': {
    title: 'Le disque n’est pas chiffré',
    explanation: 'En cas de perte ou de vol de l’ordinateur, les dossiers des patients peuvent être lus par n’importe qui.',
    remediation:
      'Activez le chiffrement dans Paramètres > Confidentialité et sécurité > Chiffrement de l’appareil, ou demandez-le à votre prestataire.',
  },
  'disk-encryption.off.linux': {
    title: 'Le disque n’est pas chiffré',
    explanation: 'En cas de perte ou de vol de l’ordinateur, les dossiers des patients peuvent être lus par n’importe qui.',
    remediation: 'Demandez à votre prestataire de réinstaller le système avec un disque chiffré : cela se choisit à l’installation.',
  },
  'disk-encryption.in-progress': {
    title: 'Le chiffrement du disque est en cours',
    explanation: 'Le disque est en train d’être chiffré ({{percent}} %). Il n’est protégé qu’une fois l’opération terminée.',
    remediation: 'Laissez l’ordinateur allumé et branché sur le secteur jusqu’à la fin.',
  },
  'disk-encryption.in-progress-unmeasured': {
    title: 'Le chiffrement du disque est en cours',
    explanation:
      'Le disque est en train d’être chiffré. Depuis ce compte, l’ordinateur ne dit pas où en est l’opération. Le disque n’est protégé qu’une fois le chiffrement terminé.',
    remediation: 'Laissez l’ordinateur allumé et branché sur le secteur jusqu’à la fin.',
  },
  'disk-encryption.paused': {
    title: 'Le chiffrement du disque est arrêté en cours de route',
    explanation:
      'Le chiffrement a commencé puis a été mis en pause ({{percent}} % du disque) : le reste du disque peut être lu en cas de perte ou de vol.',
    remediation: 'Demandez à votre prestataire de relancer le chiffrement du disque jusqu’au bout.',
  },
  'disk-encryption.paused-unmeasured': {
    title: 'Le chiffrement du disque est arrêté en cours de route',
    explanation:
      'Le chiffrement a commencé puis a été mis en pause : la partie du disque qui n’est pas encore chiffrée peut être lue en cas de perte ou de vol.',
    remediation: 'Demandez à votre prestataire de relancer le chiffrement du disque jusqu’au bout.',
  },
  'disk-encryption.decryption-paused': {
    title: 'Le retrait du chiffrement est en pause',
    explanation:
      'Quelqu’un a commencé à retirer le chiffrement du disque puis l’a mis en pause : une partie des données n’est déjà plus protégée en cas de vol.',
    remediation: 'Si ce n’est pas voulu, contactez votre prestataire tout de suite pour rétablir le chiffrement.',
  },
  'disk-encryption.pending': {
    title: 'Le chiffrement attend un redémarrage',
    explanation: 'Le chiffrement est prévu mais ne commencera qu’après le prochain redémarrage.',
    remediation: 'Redémarrez l’ordinateur quand vous le pouvez.',
  },
  'disk-encryption.suspended': {
    title: 'Le chiffrement du disque est suspendu',
    explanation:
      'Le disque est chiffré mais sa protection est désactivée : la clé est laissée accessible et le disque peut être lu en cas de vol.',
    remediation: 'Demandez à votre prestataire de réactiver la protection du disque.',
  },
  'disk-encryption.decrypting': {
    title: 'Le disque est en train d’être déchiffré',
    explanation: 'Quelqu’un a demandé de retirer le chiffrement : bientôt, les données ne seront plus protégées en cas de vol.',
    remediation: 'Si ce n’est pas voulu, contactez votre prestataire tout de suite.',
  },
  // antivirus
  'antivirus.defender-ok': {
    title: 'L’antivirus est actif et à jour',
    explanation: 'Microsoft Defender surveille en permanence les fichiers et ses définitions de virus sont récentes.',
    remediation: null,
  },
  'antivirus.product-ok': {
    title: 'L’antivirus est actif et à jour',
    explanation: '{{name}} surveille en permanence les fichiers et ses définitions de virus sont à jour.',
    remediation: null,
  },
  'antivirus.realtime-off': {
    title: 'La protection antivirus est désactivée',
    explanation: 'La surveillance permanente de {{name}} est coupée : un fichier piégé ouvert maintenant ne serait pas arrêté.',
    remediation: 'Réactivez la protection en temps réel dans Sécurité Windows > Protection contre les virus et menaces.',
  },
  'antivirus.outdated': {
    title: 'L’antivirus n’est pas à jour',
    explanation: {
      plural: 'days',
      one: 'Les définitions de virus de {{name}} ont {{days}} jour : les menaces récentes ne sont pas reconnues.',
      other: 'Les définitions de virus de {{name}} ont {{days}} jours : les menaces récentes ne sont pas reconnues.',
    },
    remediation: 'Lancez une mise à jour de l’antivirus et vérifiez que l’ordinateur accède à Internet.',
  },
  'antivirus.product-outdated': {
    title: 'L’antivirus n’est pas à jour',
    explanation: 'Les définitions de virus de {{name}} ne sont pas à jour : les menaces récentes ne sont pas reconnues.',
    remediation: 'Lancez une mise à jour de l’antivirus et vérifiez que l’ordinateur accède à Internet.',
  },
  'antivirus.none': {
    title: 'Aucun antivirus actif',
    explanation: 'Aucun antivirus ne surveille cet ordinateur en ce moment.',
    remediation: 'Réactivez Microsoft Defender dans Sécurité Windows, ou contactez votre prestataire.',
  },
  'antivirus.macos-ok': {
    title: 'La protection intégrée de macOS est active',
    explanation:
      'macOS contrôle les applications et reçoit automatiquement les mises à jour de sa protection contre les logiciels malveillants.',
    remediation: null,
  },
  'antivirus.macos-current': {
    title: 'La protection intégrée de macOS est active et à jour',
    explanation: 'macOS contrôle les applications avec sa liste des logiciels malveillants connus, mise à jour le {{sinceDate}}.',
    remediation: null,
  },
  'antivirus.macos-outdated': {
    title: 'La protection intégrée de macOS n’est pas à jour',
    explanation:
      'La liste des logiciels malveillants connus de macOS date du {{sinceDate}} : Apple la met à jour chaque semaine ou presque, les menaces récentes ne sont donc pas reconnues.',
    remediation:
      'Vérifiez que l’ordinateur accède à Internet ; dans Réglages Système > Général > Mise à jour de logiciels, activez « Installer les réponses de sécurité et les fichiers système ».',
  },
  'antivirus.macos-missing': {
    title: 'La protection intégrée de macOS est absente',
    explanation:
      'La liste des logiciels malveillants connus de macOS est introuvable sur cet ordinateur : les applications ne sont plus contrôlées contre les menaces connues.',
    remediation:
      'Demandez à votre prestataire de remettre en place les fichiers de sécurité de macOS (une mise à jour du système les réinstalle).',
  },
  'antivirus.macos-updates-off': {
    title: 'La protection intégrée de macOS ne se met plus à jour',
    explanation: 'L’installation automatique des fichiers de sécurité est coupée : les nouvelles menaces ne sont pas reconnues.',
    remediation:
      'Dans Réglages Système > Général > Mise à jour de logiciels, activez « Installer les réponses de sécurité et les fichiers système ».',
  },
  'antivirus.linux-clamav-ok': {
    title: 'Un antivirus est installé',
    explanation: 'Un antivirus est installé et ses définitions de virus se mettent à jour automatiquement.',
    remediation: null,
  },
  'antivirus.linux-clamav-no-updates': {
    title: 'L’antivirus ne se met pas à jour',
    explanation:
      'Un antivirus est installé, mais rien ne met à jour ses définitions de virus : elles vieillissent et les menaces récentes ne sont pas reconnues.',
    remediation: 'Demandez à votre prestataire d’installer la mise à jour automatique de l’antivirus.',
  },
  'antivirus.linux-none': {
    title: 'Aucun antivirus n’est installé',
    explanation:
      'Aucun antivirus n’a été trouvé sur cet ordinateur Linux. Le risque est plus faible que sous Windows, mais les fichiers reçus ne sont pas analysés.',
    remediation: 'Demandez à votre prestataire si un antivirus est utile pour ce poste.',
  },
  // firewall
  'firewall.on': {
    title: 'Le pare-feu est actif',
    explanation: 'Les connexions entrantes non autorisées sont bloquées.',
    remediation: null,
  },
  'firewall.off.macos': {
    title: 'Le pare-feu est désactivé',
    explanation: 'Les autres appareils du réseau peuvent se connecter librement aux services de cet ordinateur.',
    remediation: 'Activez le coupe-feu dans Réglages Système > Réseau > Coupe-feu.',
  },
  'firewall.off.windows': {
    title: 'Le pare-feu est désactivé',
    explanation:
      'Le pare-feu est coupé pour le réseau utilisé en ce moment ({{profilesList}}) : les autres appareils de ce réseau peuvent se connecter librement à cet ordinateur.',
    remediation: 'Activez le pare-feu dans Sécurité Windows > Pare-feu et protection du réseau, pour tous les types de réseau.',
  },
  'firewall.unused-off.windows': {
    title: 'Le pare-feu est coupé pour un type de réseau',
    explanation:
      'Le pare-feu protège le réseau utilisé en ce moment, mais il est coupé pour un type de réseau qui ne sert pas actuellement ({{profilesList}}) : l’ordinateur serait exposé dès qu’il s’y connecterait.',
    remediation: 'Activez le pare-feu dans Sécurité Windows > Pare-feu et protection du réseau, pour tous les types de réseau.',
  },
  'firewall.off.linux': {
    title: 'Le pare-feu est désactivé',
    explanation: 'Le pare-feu est installé mais inactif : les connexions venues du réseau ne sont pas filtrées.',
    remediation: 'Demandez à votre prestataire d’activer le pare-feu.',
  },
  // os-supported
  'os-supported.ok': {
    title: 'Le système reçoit les correctifs de sécurité',
    explanation: '{{name}} est encore suivi par son éditeur (jusqu’au {{untilDate}}).',
    remediation: null,
  },
  'os-supported.ok-estimated': {
    title: 'Le système reçoit les correctifs de sécurité',
    explanation: '{{name}} est encore suivi par Apple (jusqu’en {{untilDate}} environ ; Apple ne publie pas de date).',
    remediation: null,
  },
  'os-supported.recent': {
    title: 'Le système reçoit les correctifs de sécurité',
    explanation: '{{name}} est une version récente, plus récente que la liste de Vigie : elle est suivie par son éditeur.',
    remediation: null,
  },
  'os-supported.ending-soon': {
    title: 'Le système ne sera bientôt plus mis à jour',
    explanation: '{{name}} ne recevra plus de correctifs de sécurité après le {{untilDate}}.',
    remediation: 'Prévoyez avec votre prestataire la mise à niveau du système avant cette date.',
  },
  'os-supported.extended': {
    title: 'Le système est en fin de vie',
    explanation: '{{name}} ne reçoit plus que des correctifs prolongés, limités, jusqu’au {{untilDate}}.',
    remediation: 'Prévoyez avec votre prestataire la mise à niveau vers une version récente.',
  },
  'os-supported.esu': {
    title: 'Le système reçoit des correctifs prolongés payants',
    explanation:
      '{{name}} n’est plus suivi normalement par Microsoft, mais cet ordinateur est inscrit au programme payant de correctifs de sécurité prolongés, jusqu’au {{untilDate}}.',
    remediation: 'Prévoyez avec votre prestataire le passage à Windows 11 avant cette date.',
  },
  'os-supported.ended': {
    title: 'Le système n’est plus mis à jour',
    explanation:
      '{{name}} ne reçoit plus de correctifs de sécurité depuis le {{sinceDate}} : les failles découvertes depuis restent ouvertes.',
    remediation: 'Faites mettre à niveau le système (ou remplacer l’ordinateur) par votre prestataire.',
  },
  // os-updates
  'os-updates.none': {
    title: 'Les mises à jour sont installées',
    explanation: 'Aucune mise à jour du système n’est en attente.',
    remediation: null,
  },
  'os-updates.pending': {
    title: 'Des mises à jour attendent',
    explanation: {
      plural: 'count',
      one: '{{count}} mise à jour du système attend d’être installée.',
      other: '{{count}} mises à jour du système attendent d’être installées.',
    },
    remediation: 'Installez les mises à jour puis redémarrez l’ordinateur.',
  },
  'os-updates.pending-security': {
    title: 'Des mises à jour de sécurité attendent',
    explanation: {
      plural: 'security',
      one: '{{security}} correctif de sécurité n’est pas installé (mises à jour en attente : {{count}}) : une faille connue reste ouverte.',
      other:
        '{{security}} correctifs de sécurité ne sont pas installés (mises à jour en attente : {{count}}) : des failles connues restent ouvertes.',
    },
    remediation: 'Installez les mises à jour dès aujourd’hui puis redémarrez l’ordinateur.',
  },
  'os-updates.stale-lists': {
    title: 'La recherche de mises à jour est ancienne',
    explanation: {
      plural: 'days',
      one: 'La liste des mises à jour n’a pas été actualisée depuis {{days}} jour : des correctifs récents peuvent manquer.',
      other: 'La liste des mises à jour n’a pas été actualisée depuis {{days}} jours : des correctifs récents peuvent manquer.',
    },
    remediation: 'Lancez une recherche de mises à jour, ou demandez à votre prestataire de vérifier la mise à jour automatique.',
  },
  'os-updates.too-old': {
    title: 'Aucune mise à jour depuis longtemps',
    explanation: {
      plural: 'days',
      one: 'La dernière mise à jour installée date de {{days}} jour alors que des correctifs sortent chaque mois.',
      other: 'La dernière mise à jour installée date de {{days}} jours alors que des correctifs sortent chaque mois.',
    },
    remediation: 'Ouvrez Windows Update, installez les mises à jour puis redémarrez.',
  },
  // auto-updates
  'auto-updates.on': {
    title: 'Les mises à jour automatiques sont actives',
    explanation: 'Le système cherche et installe ses correctifs de sécurité tout seul.',
    remediation: null,
  },
  'auto-updates.off': {
    title: 'Les mises à jour automatiques sont désactivées',
    explanation: 'Le système n’installe pas ses correctifs de lui-même : il faut y penser à la main.',
    remediation: 'Demandez à votre prestataire d’activer les mises à jour automatiques.',
  },
  'auto-updates.check-only': {
    title: 'Les mises à jour ne s’installent pas toutes seules',
    explanation: 'Le système cherche les mises à jour mais ne les installe pas automatiquement.',
    remediation: 'Activez l’installation automatique des mises à jour de sécurité.',
  },
  'auto-updates.paused': {
    title: 'Les mises à jour sont en pause',
    explanation: 'Les mises à jour ont été suspendues jusqu’au {{untilDate}}.',
    remediation: 'Reprenez les mises à jour dans Paramètres > Windows Update.',
  },
  // screen-lock
  'screen-lock.ok': {
    title: 'L’écran se verrouille tout seul',
    explanation: {
      plural: 'minutes',
      zero: 'Dès la mise en veille, l’écran se verrouille et demande le mot de passe.',
      one: 'Après {{minutes}} minute sans activité, l’écran se verrouille et demande le mot de passe.',
      other: 'Après {{minutes}} minutes sans activité, l’écran se verrouille et demande le mot de passe.',
    },
    remediation: null,
  },
  'screen-lock.too-long': {
    title: 'L’écran met trop longtemps à se verrouiller',
    explanation: {
      plural: 'minutes',
      one: 'L’écran ne se verrouille qu’après {{minutes}} minute : un passant peut consulter les dossiers ouverts.',
      other: 'L’écran ne se verrouille qu’après {{minutes}} minutes : un passant peut consulter les dossiers ouverts.',
    },
    remediation: 'Réglez le verrouillage automatique sur 10 minutes au plus.',
  },
  'screen-lock.never': {
    title: 'L’écran ne se verrouille jamais tout seul',
    explanation: 'Si vous quittez votre poste, n’importe qui peut utiliser l’ordinateur et voir les dossiers ouverts.',
    remediation: 'Réglez le verrouillage automatique de l’écran sur 10 minutes au plus, avec mot de passe.',
  },
  'screen-lock.no-password': {
    title: 'Aucun mot de passe au réveil',
    explanation: 'Après la mise en veille, l’ordinateur se rouvre sans demander de mot de passe.',
    remediation: 'Exigez le mot de passe immédiatement après la mise en veille ou l’économiseur d’écran.',
  },
  // admin-user
  'admin-user.standard': {
    title: 'Vous utilisez un compte standard',
    explanation:
      'Votre compte de tous les jours n’a pas les droits d’administrateur : un logiciel malveillant ouvert par erreur est limité.',
    remediation: null,
  },
  'admin-user.admin': {
    title: 'Votre compte est administrateur',
    explanation:
      'Le compte utilisé tous les jours ({{user}}) peut tout modifier : un logiciel malveillant ouvert par erreur aurait les mêmes droits.',
    remediation: 'Demandez à votre prestataire de créer un compte standard pour le travail quotidien.',
  },
  'admin-user.root': {
    title: 'Vous travaillez avec le compte qui a tous les droits',
    explanation:
      'Le compte utilisé en ce moment est le compte principal du système, qui peut tout modifier : la moindre erreur ou le moindre logiciel malveillant peut tout détruire.',
    remediation: 'Utilisez un compte personnel standard pour le travail quotidien ; demandez à votre prestataire de le créer.',
  },
  // auto-login
  'auto-login.off': {
    title: 'La connexion demande un mot de passe',
    explanation: 'Au démarrage, l’ordinateur demande un mot de passe avant d’ouvrir la session.',
    remediation: null,
  },
  'auto-login.on': {
    title: 'La session s’ouvre sans mot de passe',
    explanation: 'Au démarrage, la session de {{user}} s’ouvre toute seule : quiconque allume l’ordinateur accède aux dossiers.',
    remediation: 'Désactivez l’ouverture de session automatique (votre prestataire peut le faire).',
  },
  'auto-login.password-left': {
    title: 'Un mot de passe est resté enregistré en clair',
    explanation:
      'La session ne s’ouvre plus toute seule, mais le mot de passe qui servait à l’ouvrir ({{user}}) est encore écrit en clair dans la configuration de l’ordinateur : n’importe quel programme peut le lire.',
    remediation: 'Demandez à votre prestataire d’effacer ce mot de passe enregistré, puis changez le mot de passe de ce compte.',
  },
  // guest-account
  'guest-account.off': {
    title: 'Le compte invité est désactivé',
    explanation: 'Personne ne peut utiliser l’ordinateur sans un compte à son nom.',
    remediation: null,
  },
  'guest-account.on': {
    title: 'Le compte invité est activé',
    explanation: 'N’importe qui peut ouvrir une session invité sans mot de passe.',
    remediation: 'Désactivez le compte invité dans les réglages des utilisateurs.',
  },
  // remote-access
  'remote-access.off': {
    title: 'Aucun accès à distance connu n’est ouvert',
    explanation:
      'Vigie n’a trouvé ni bureau à distance, ni partage d’écran, ni logiciel de prise en main à distance actif parmi ceux qu’il sait reconnaître. Vigie, lui, demande toujours votre accord.',
    remediation: null,
  },
  'remote-access.on': {
    title: 'Un accès à distance est ouvert',
    explanation:
      'Cet ordinateur peut être pris en main à distance ({{servicesList}}) : c’est une porte d’entrée courante des attaques et des arnaques au faux support.',
    remediation: 'Si personne n’en a besoin, demandez à votre prestataire de fermer cet accès ou de désinstaller ce logiciel.',
  },
  'remote-access.rdp-unprotected': {
    title: 'Le bureau à distance est ouvert sans protection',
    explanation:
      'Le bureau à distance est ouvert sans identification préalable : n’importe qui sur le réseau atteint l’écran de connexion et peut essayer des mots de passe. C’est ainsi qu’entrent beaucoup de rançongiciels.',
    remediation:
      'Demandez aujourd’hui à votre prestataire de fermer le bureau à distance, ou au moins d’exiger l’identification avant la connexion.',
  },
  'remote-access.rdp-unprotected-and-others': {
    title: 'Le bureau à distance est ouvert sans protection',
    explanation:
      'Le bureau à distance est ouvert sans identification préalable : n’importe qui sur le réseau atteint l’écran de connexion et peut essayer des mots de passe. D’autres accès à distance sont aussi ouverts : {{servicesList}}.',
    remediation:
      'Demandez aujourd’hui à votre prestataire de fermer le bureau à distance, ou au moins d’exiger l’identification avant la connexion, et de fermer les accès dont personne n’a besoin.',
  },
  // smbv1
  'smbv1.off': {
    title: 'L’ancien partage de fichiers est coupé',
    explanation:
      'La très vieille façon de partager des fichiers sur le réseau, par laquelle des rançongiciels se sont propagés d’un ordinateur à l’autre, n’est pas active.',
    remediation: null,
  },
  'smbv1.on': {
    title: 'L’ancien partage de fichiers est actif',
    explanation:
      'Cet ordinateur peut encore ouvrir des dossiers partagés par une très vieille méthode, par laquelle des rançongiciels se sont propagés d’un ordinateur à l’autre.',
    remediation: 'Demandez à votre prestataire de désactiver l’ancien partage de fichiers.',
  },
  'smbv1.server-on': {
    title: 'L’ancien partage de fichiers est ouvert aux autres',
    explanation:
      'Cet ordinateur accepte encore que les autres appareils du réseau lisent ses dossiers partagés par une très vieille méthode : un poste infecté du cabinet pourrait s’en servir pour l’atteindre.',
    remediation: 'Demandez à votre prestataire de désactiver l’ancien partage de fichiers.',
  },
  'smbv1.both-on': {
    title: 'L’ancien partage de fichiers est actif',
    explanation:
      'Cet ordinateur utilise et accepte encore une très vieille méthode de partage de fichiers, par laquelle des rançongiciels se sont propagés d’un ordinateur à l’autre.',
    remediation: 'Demandez à votre prestataire de désactiver l’ancien partage de fichiers.',
  },
  'smbv1.allowed': {
    title: 'L’ancien partage de fichiers reste autorisé',
    explanation:
      'Le système accepte encore d’utiliser une très vieille méthode de partage de fichiers si un appareil du réseau la propose.',
    remediation: 'Demandez à votre prestataire d’interdire l’ancien partage de fichiers.',
  },
  // platform-integrity
  'platform-integrity.ok': {
    title: 'Les protections du système sont actives',
    explanation: 'Les protections qui empêchent de modifier le cœur du système sont en place.',
    remediation: null,
  },
  'platform-integrity.sip-off': {
    title: 'La protection du système macOS est désactivée',
    explanation:
      'La protection qui empêche de modifier macOS lui-même est coupée : un logiciel malveillant peut s’installer au cœur du système.',
    remediation: 'Demandez à votre prestataire de réactiver la protection du système de macOS.',
  },
  'platform-integrity.sip-custom': {
    title: 'La protection du système macOS est affaiblie',
    explanation: 'La protection qui empêche de modifier macOS lui-même a été en partie coupée.',
    remediation: 'Demandez à votre prestataire de rétablir la protection complète du système de macOS.',
  },
  'platform-integrity.gatekeeper-off': {
    title: 'Le contrôle des applications est désactivé',
    explanation: 'macOS ne vérifie plus que les applications ouvertes viennent de développeurs identifiés.',
    remediation: 'Demandez à votre prestataire de réactiver le contrôle des applications.',
  },
  'platform-integrity.secure-boot-off': {
    title: 'Le démarrage sécurisé est désactivé',
    explanation:
      'À l’allumage, l’ordinateur ne vérifie pas que le système qui démarre est authentique : un logiciel malveillant pourrait s’installer avant même le système.',
    remediation: 'Demandez à votre prestataire d’activer le démarrage sécurisé dans les réglages de démarrage de l’ordinateur.',
  },
  'platform-integrity.tamper-off': {
    title: 'La protection contre les falsifications est désactivée',
    explanation: 'Un logiciel malveillant pourrait désactiver l’antivirus Microsoft Defender.',
    remediation: 'Activez « Protection contre les falsifications » dans Sécurité Windows > Protection contre les virus et menaces.',
  },
  'platform-integrity.mac-off': {
    title: 'Le cloisonnement des applications est désactivé',
    explanation:
      'Les protections qui limitent ce que chaque programme peut faire ne sont pas actives : un programme piégé aurait les mains libres.',
    remediation: 'Demandez à votre prestataire de réactiver le cloisonnement des applications.',
  },
  // disk-space
  'disk-space.ok': {
    title: 'Il reste assez de place sur le disque',
    explanation: '{{freeBytes}} libres ({{percent}} % du disque).',
    remediation: null,
  },
  'disk-space.low': {
    title: 'Le disque est presque plein',
    explanation: 'Il ne reste que {{freeBytes}} ({{percent}} %) : les mises à jour et les sauvegardes risquent d’échouer.',
    remediation: 'Videz la corbeille et supprimez les gros fichiers inutiles, ou demandez de l’aide à votre prestataire.',
  },
  'disk-space.full': {
    title: 'Le disque est plein',
    explanation:
      'Il ne reste que {{freeBytes}} ({{percent}} %) : les mises à jour, les sauvegardes et vos logiciels peuvent tomber en panne.',
    remediation: 'Libérez de la place dès maintenant ou contactez votre prestataire.',
  },
  // time-sync
  'time-sync.ok': {
    title: 'L’heure est synchronisée',
    explanation: 'L’horloge se règle automatiquement sur Internet.',
    remediation: null,
  },
  'time-sync.off': {
    title: 'L’heure n’est pas synchronisée',
    explanation: 'L’horloge ne se règle pas automatiquement : une heure fausse casse les connexions sécurisées et fausse les horodatages.',
    remediation: 'Activez « Régler l’heure automatiquement » dans les réglages de date et heure.',
  },
  'time-sync.drift': {
    title: 'L’horloge est décalée',
    explanation: {
      plural: 'seconds',
      one: 'L’horloge a {{seconds}} seconde d’écart avec l’heure exacte.',
      other: 'L’horloge a {{seconds}} secondes d’écart avec l’heure exacte.',
    },
    remediation: 'Activez « Régler l’heure automatiquement » dans les réglages de date et heure.',
  },
  // backup-recency
  'backup-recency.ok': {
    title: 'La sauvegarde est récente',
    explanation: {
      plural: 'hours',
      zero: 'Dernière sauvegarde réussie il y a moins d’une heure.',
      one: 'Dernière sauvegarde réussie il y a {{hours}} heure.',
      other: 'Dernière sauvegarde réussie il y a {{hours}} heures.',
    },
    remediation: null,
  },
  'backup-recency.stale': {
    title: 'La dernière sauvegarde date un peu',
    explanation: {
      plural: 'days',
      one: 'La dernière sauvegarde réussie date de {{days}} jour.',
      other: 'La dernière sauvegarde réussie date de {{days}} jours.',
    },
    remediation: 'Laissez l’ordinateur allumé et connecté pour que la sauvegarde se fasse, ou lancez-la depuis Vigie.',
  },
  'backup-recency.old': {
    title: 'Pas de sauvegarde récente',
    explanation: {
      plural: 'days',
      one: 'La dernière sauvegarde réussie date de {{days}} jour : en cas de rançongiciel ou de panne, ce travail serait perdu.',
      other: 'La dernière sauvegarde réussie date de {{days}} jours : en cas de rançongiciel ou de panne, ce travail serait perdu.',
    },
    remediation: 'Lancez une sauvegarde depuis Vigie ou contactez votre prestataire.',
  },
  'backup-recency.failed': {
    title: 'La sauvegarde échoue',
    explanation: 'La dernière tentative de sauvegarde a échoué.',
    remediation: 'Ouvrez la sauvegarde dans Vigie pour voir le problème, ou contactez votre prestataire.',
  },
  'backup-recency.never': {
    title: 'Aucune sauvegarde n’a encore réussi',
    explanation: 'La sauvegarde est configurée mais n’a encore jamais abouti.',
    remediation: 'Lancez une sauvegarde depuis Vigie ou contactez votre prestataire.',
  },
  'backup-recency.not-configured': {
    title: 'Aucune sauvegarde n’est configurée',
    explanation: 'Sans sauvegarde, un rançongiciel, une panne ou un vol ferait perdre les données du cabinet.',
    remediation: 'Demandez à votre prestataire de mettre en place la sauvegarde.',
  },
  // any check
  unknown: {
    title: 'Vérification impossible : {{label}}',
    explanation: 'Vigie n’a pas pu vérifier ce point : {{reason}}',
    remediation: 'Si cela se répète, votre prestataire peut consulter le détail technique.',
  },
} satisfies Record<string, MessageText>;

export type HealthMessageKey = keyof typeof FR_MESSAGES;

const EN_MESSAGES: Record<HealthMessageKey, MessageText> = {
  'disk-encryption.on': {
    title: 'The disk is encrypted',
    explanation: 'If the computer is lost or stolen, nobody can read patient records without your password.',
    remediation: null,
  },
  'disk-encryption.off.macos': {
    title: 'The disk is not encrypted',
    explanation: 'If the computer is lost or stolen, anyone can read the patient records.',
    remediation: 'Turn on FileVault in System Settings > Privacy & Security, then keep the recovery key somewhere safe.',
  },
  'disk-encryption.off.windows': {
    title: 'The disk is not encrypted',
    explanation: 'If the computer is lost or stolen, anyone can read the patient records.',
    remediation: 'Turn on encryption in Settings > Privacy & security > Device encryption, or ask your provider.',
  },
  'disk-encryption.off.linux': {
    title: 'The disk is not encrypted',
    explanation: 'If the computer is lost or stolen, anyone can read the patient records.',
    remediation: 'Ask your provider to reinstall the system with an encrypted disk: it is chosen at installation time.',
  },
  'disk-encryption.in-progress': {
    title: 'Disk encryption is in progress',
    explanation: 'The disk is being encrypted ({{percent}}%). It is only protected once this is finished.',
    remediation: 'Keep the computer on and plugged in until it is done.',
  },
  'disk-encryption.in-progress-unmeasured': {
    title: 'Disk encryption is in progress',
    explanation:
      'The disk is being encrypted. From this account, the computer does not say how far it has got. The disk is only protected once encryption is finished.',
    remediation: 'Keep the computer on and plugged in until it is done.',
  },
  'disk-encryption.paused': {
    title: 'Disk encryption stopped halfway',
    explanation:
      'Encryption started and was then paused ({{percent}}% of the disk): the rest of the disk can be read if the computer is lost or stolen.',
    remediation: 'Ask your provider to restart disk encryption and let it finish.',
  },
  'disk-encryption.paused-unmeasured': {
    title: 'Disk encryption stopped halfway',
    explanation:
      'Encryption started and was then paused: the part of the disk not yet encrypted can be read if the computer is lost or stolen.',
    remediation: 'Ask your provider to restart disk encryption and let it finish.',
  },
  'disk-encryption.decryption-paused': {
    title: 'Removing encryption is paused',
    explanation:
      'Someone started to remove disk encryption and then paused it: part of the data is already unprotected if the computer is stolen.',
    remediation: 'If this is not intended, contact your provider right away to restore encryption.',
  },
  'disk-encryption.pending': {
    title: 'Encryption is waiting for a restart',
    explanation: 'Encryption is planned but will only start after the next restart.',
    remediation: 'Restart the computer when you can.',
  },
  'disk-encryption.suspended': {
    title: 'Disk encryption is suspended',
    explanation: 'The disk is encrypted but its protection is off: the key is left accessible and the disk can be read if stolen.',
    remediation: 'Ask your provider to turn disk protection back on.',
  },
  'disk-encryption.decrypting': {
    title: 'The disk is being decrypted',
    explanation: 'Someone asked to remove encryption: soon the data will no longer be protected if the computer is stolen.',
    remediation: 'If this is not intended, contact your provider right away.',
  },
  'antivirus.defender-ok': {
    title: 'The antivirus is on and up to date',
    explanation: 'Microsoft Defender constantly checks files and its virus definitions are recent.',
    remediation: null,
  },
  'antivirus.product-ok': {
    title: 'The antivirus is on and up to date',
    explanation: '{{name}} constantly checks files and its virus definitions are up to date.',
    remediation: null,
  },
  'antivirus.realtime-off': {
    title: 'Antivirus protection is off',
    explanation: 'Constant checking by {{name}} is off: a booby-trapped file opened now would not be stopped.',
    remediation: 'Turn real-time protection back on in Windows Security > Virus & threat protection.',
  },
  'antivirus.outdated': {
    title: 'The antivirus is out of date',
    explanation: {
      plural: 'days',
      one: 'The virus definitions of {{name}} are {{days}} day old: recent threats are not recognised.',
      other: 'The virus definitions of {{name}} are {{days}} days old: recent threats are not recognised.',
    },
    remediation: 'Update the antivirus and check that the computer can reach the Internet.',
  },
  'antivirus.product-outdated': {
    title: 'The antivirus is out of date',
    explanation: 'The virus definitions of {{name}} are not up to date: recent threats are not recognised.',
    remediation: 'Update the antivirus and check that the computer can reach the Internet.',
  },
  'antivirus.none': {
    title: 'No antivirus is running',
    explanation: 'No antivirus is protecting this computer right now.',
    remediation: 'Turn Microsoft Defender back on in Windows Security, or contact your provider.',
  },
  'antivirus.macos-ok': {
    title: 'macOS built-in protection is on',
    explanation: 'macOS checks applications and automatically receives updates of its malware protection.',
    remediation: null,
  },
  'antivirus.macos-current': {
    title: 'macOS built-in protection is on and up to date',
    explanation: 'macOS checks applications against its list of known malware, updated on {{sinceDate}}.',
    remediation: null,
  },
  'antivirus.macos-outdated': {
    title: 'macOS built-in protection is out of date',
    explanation:
      'The list of known malware of macOS dates from {{sinceDate}}: Apple updates it almost every week, so recent threats are not recognised.',
    remediation:
      'Check that the computer can reach the Internet; in System Settings > General > Software Update, turn on “Install Security Responses and system files”.',
  },
  'antivirus.macos-missing': {
    title: 'macOS built-in protection is missing',
    explanation:
      'The list of known malware of macOS cannot be found on this computer: applications are no longer checked against known threats.',
    remediation: 'Ask your provider to restore the macOS security files (a system update reinstalls them).',
  },
  'antivirus.macos-updates-off': {
    title: 'macOS built-in protection no longer updates',
    explanation: 'Automatic installation of security files is off: new threats are not recognised.',
    remediation: 'In System Settings > General > Software Update, turn on “Install Security Responses and system files”.',
  },
  'antivirus.linux-clamav-ok': {
    title: 'An antivirus is installed',
    explanation: 'An antivirus is installed and its virus definitions update automatically.',
    remediation: null,
  },
  'antivirus.linux-clamav-no-updates': {
    title: 'The antivirus does not update',
    explanation:
      'An antivirus is installed, but nothing updates its virus definitions: they are getting old and recent threats are not recognised.',
    remediation: 'Ask your provider to install the antivirus’s automatic updates.',
  },
  'antivirus.linux-none': {
    title: 'No antivirus is installed',
    explanation: 'No antivirus was found on this Linux computer. The risk is lower than on Windows, but received files are not scanned.',
    remediation: 'Ask your provider whether an antivirus is useful for this computer.',
  },
  'firewall.on': {
    title: 'The firewall is on',
    explanation: 'Unauthorised incoming connections are blocked.',
    remediation: null,
  },
  'firewall.off.macos': {
    title: 'The firewall is off',
    explanation: 'Other devices on the network can freely connect to this computer’s services.',
    remediation: 'Turn on the firewall in System Settings > Network > Firewall.',
  },
  'firewall.off.windows': {
    title: 'The firewall is off',
    explanation:
      'The firewall is off for the network in use right now ({{profilesList}}): other devices on that network can freely connect to this computer.',
    remediation: 'Turn on the firewall in Windows Security > Firewall & network protection, for every type of network.',
  },
  'firewall.unused-off.windows': {
    title: 'The firewall is off for one type of network',
    explanation:
      'The firewall protects the network in use right now, but it is off for a type of network not in use at the moment ({{profilesList}}): the computer would be exposed as soon as it joins such a network.',
    remediation: 'Turn on the firewall in Windows Security > Firewall & network protection, for every type of network.',
  },
  'firewall.off.linux': {
    title: 'The firewall is off',
    explanation: 'The firewall is installed but inactive: connections coming from the network are not filtered.',
    remediation: 'Ask your provider to turn the firewall on.',
  },
  'os-supported.ok': {
    title: 'The system receives security fixes',
    explanation: '{{name}} is still supported by its vendor (until {{untilDate}}).',
    remediation: null,
  },
  'os-supported.ok-estimated': {
    title: 'The system receives security fixes',
    explanation: '{{name}} is still supported by Apple (until about {{untilDate}}; Apple publishes no date).',
    remediation: null,
  },
  'os-supported.recent': {
    title: 'The system receives security fixes',
    explanation: '{{name}} is a recent version, newer than Vigie’s list: it is supported by its vendor.',
    remediation: null,
  },
  'os-supported.ending-soon': {
    title: 'The system will soon stop being updated',
    explanation: '{{name}} will receive no security fixes after {{untilDate}}.',
    remediation: 'Plan the system upgrade with your provider before that date.',
  },
  'os-supported.extended': {
    title: 'The system is reaching end of life',
    explanation: '{{name}} only receives limited extended fixes, until {{untilDate}}.',
    remediation: 'Plan the upgrade to a recent version with your provider.',
  },
  'os-supported.esu': {
    title: 'The system receives paid extended fixes',
    explanation:
      '{{name}} is no longer supported as usual by Microsoft, but this computer is enrolled in the paid extended security updates programme, until {{untilDate}}.',
    remediation: 'Plan the move to Windows 11 with your provider before that date.',
  },
  'os-supported.ended': {
    title: 'The system is no longer updated',
    explanation: '{{name}} has received no security fixes since {{sinceDate}}: flaws found since then stay open.',
    remediation: 'Have your provider upgrade the system (or replace the computer).',
  },
  'os-updates.none': {
    title: 'Updates are installed',
    explanation: 'No system update is waiting.',
    remediation: null,
  },
  'os-updates.pending': {
    title: 'Updates are waiting',
    explanation: {
      plural: 'count',
      one: '{{count}} system update is waiting to be installed.',
      other: '{{count}} system updates are waiting to be installed.',
    },
    remediation: 'Install the updates, then restart the computer.',
  },
  'os-updates.pending-security': {
    title: 'Security updates are waiting',
    explanation: {
      plural: 'security',
      one: '{{security}} security fix is not installed (updates waiting: {{count}}): a known flaw stays open.',
      other: '{{security}} security fixes are not installed (updates waiting: {{count}}): known flaws stay open.',
    },
    remediation: 'Install the updates today, then restart the computer.',
  },
  'os-updates.stale-lists': {
    title: 'The update check is old',
    explanation: {
      plural: 'days',
      one: 'The list of updates has not been refreshed for {{days}} day: recent fixes may be missing.',
      other: 'The list of updates has not been refreshed for {{days}} days: recent fixes may be missing.',
    },
    remediation: 'Check for updates, or ask your provider to check automatic updates.',
  },
  'os-updates.too-old': {
    title: 'No update for a long time',
    explanation: {
      plural: 'days',
      one: 'The last installed update is {{days}} day old, while fixes come out every month.',
      other: 'The last installed update is {{days}} days old, while fixes come out every month.',
    },
    remediation: 'Open Windows Update, install the updates, then restart.',
  },
  'auto-updates.on': {
    title: 'Automatic updates are on',
    explanation: 'The system finds and installs its security fixes by itself.',
    remediation: null,
  },
  'auto-updates.off': {
    title: 'Automatic updates are off',
    explanation: 'The system does not install its fixes by itself: someone has to remember to do it.',
    remediation: 'Ask your provider to turn automatic updates on.',
  },
  'auto-updates.check-only': {
    title: 'Updates do not install by themselves',
    explanation: 'The system looks for updates but does not install them automatically.',
    remediation: 'Turn on automatic installation of security updates.',
  },
  'auto-updates.paused': {
    title: 'Updates are paused',
    explanation: 'Updates have been paused until {{untilDate}}.',
    remediation: 'Resume updates in Settings > Windows Update.',
  },
  'screen-lock.ok': {
    title: 'The screen locks by itself',
    explanation: {
      plural: 'minutes',
      zero: 'As soon as the computer goes to sleep, the screen locks and asks for the password.',
      one: 'After {{minutes}} minute without activity, the screen locks and asks for the password.',
      other: 'After {{minutes}} minutes without activity, the screen locks and asks for the password.',
    },
    remediation: null,
  },
  'screen-lock.too-long': {
    title: 'The screen takes too long to lock',
    explanation: {
      plural: 'minutes',
      one: 'The screen only locks after {{minutes}} minute: a passer-by can look at open records.',
      other: 'The screen only locks after {{minutes}} minutes: a passer-by can look at open records.',
    },
    remediation: 'Set automatic lock to 10 minutes at most.',
  },
  'screen-lock.never': {
    title: 'The screen never locks by itself',
    explanation: 'If you leave your desk, anyone can use the computer and see the open records.',
    remediation: 'Set automatic screen lock to 10 minutes at most, with a password.',
  },
  'screen-lock.no-password': {
    title: 'No password on wake',
    explanation: 'After sleep, the computer opens again without asking for a password.',
    remediation: 'Require the password immediately after sleep or the screen saver.',
  },
  'admin-user.standard': {
    title: 'You use a standard account',
    explanation: 'Your everyday account has no administrator rights: malware opened by mistake is limited.',
    remediation: null,
  },
  'admin-user.admin': {
    title: 'Your account is an administrator',
    explanation: 'The everyday account ({{user}}) can change everything: malware opened by mistake would have the same rights.',
    remediation: 'Ask your provider to create a standard account for daily work.',
  },
  'admin-user.root': {
    title: 'You are working with the all-powerful account',
    explanation:
      'The account in use is the system’s master account, which can change anything: the smallest mistake or any malware can destroy everything.',
    remediation: 'Use a personal standard account for daily work; ask your provider to create it.',
  },
  'auto-login.off': {
    title: 'Signing in requires a password',
    explanation: 'At start-up, the computer asks for a password before opening the session.',
    remediation: null,
  },
  'auto-login.on': {
    title: 'The session opens without a password',
    explanation: 'At start-up, the session {{user}} opens by itself: anyone who turns the computer on reaches the records.',
    remediation: 'Turn off automatic sign-in (your provider can do it).',
  },
  'auto-login.password-left': {
    title: 'A password is left stored in clear',
    explanation:
      'The session no longer opens by itself, but the password it used ({{user}}) is still written in clear in the computer’s configuration: any program can read it.',
    remediation: 'Ask your provider to erase this stored password, then change the password of that account.',
  },
  'guest-account.off': {
    title: 'The guest account is off',
    explanation: 'Nobody can use the computer without an account of their own.',
    remediation: null,
  },
  'guest-account.on': {
    title: 'The guest account is on',
    explanation: 'Anyone can open a guest session without a password.',
    remediation: 'Turn off the guest account in the user settings.',
  },
  'remote-access.off': {
    title: 'No known remote access is open',
    explanation:
      'Vigie found no remote desktop, screen sharing or remote-control software running among those it can recognise. Vigie itself always asks for your consent.',
    remediation: null,
  },
  'remote-access.on': {
    title: 'A remote access is open',
    explanation: 'This computer can be controlled remotely ({{servicesList}}): a common way in for attacks and fake-support scams.',
    remediation: 'If nobody needs it, ask your provider to close this access or uninstall this software.',
  },
  'remote-access.rdp-unprotected': {
    title: 'Remote Desktop is open without protection',
    explanation:
      'Remote Desktop is open without identification first: anyone on the network reaches the sign-in screen and can try passwords. This is how much ransomware gets in.',
    remediation: 'Ask your provider today to close Remote Desktop, or at least to require identification before connecting.',
  },
  'remote-access.rdp-unprotected-and-others': {
    title: 'Remote Desktop is open without protection',
    explanation:
      'Remote Desktop is open without identification first: anyone on the network reaches the sign-in screen and can try passwords. Other remote accesses are open too: {{servicesList}}.',
    remediation:
      'Ask your provider today to close Remote Desktop, or at least to require identification before connecting, and to close the accesses nobody needs.',
  },
  'smbv1.off': {
    title: 'Old file sharing is off',
    explanation:
      'The very old way of sharing files over the network, through which ransomware spread from computer to computer, is not active.',
    remediation: null,
  },
  'smbv1.on': {
    title: 'Old file sharing is on',
    explanation: 'This computer can still open shared folders the very old way, through which ransomware spread from computer to computer.',
    remediation: 'Ask your provider to turn off old file sharing.',
  },
  'smbv1.server-on': {
    title: 'Old file sharing is open to others',
    explanation:
      'This computer still lets other devices on the network read its shared folders the very old way: an infected computer of the practice could use it to reach this one.',
    remediation: 'Ask your provider to turn off old file sharing.',
  },
  'smbv1.both-on': {
    title: 'Old file sharing is on',
    explanation:
      'This computer still uses and accepts a very old way of sharing files, through which ransomware spread from computer to computer.',
    remediation: 'Ask your provider to turn off old file sharing.',
  },
  'smbv1.allowed': {
    title: 'Old file sharing is still allowed',
    explanation: 'The system still agrees to use a very old way of sharing files if a device on the network offers it.',
    remediation: 'Ask your provider to forbid old file sharing.',
  },
  'platform-integrity.ok': {
    title: 'System protections are on',
    explanation: 'The protections that stop changes to the core of the system are in place.',
    remediation: null,
  },
  'platform-integrity.sip-off': {
    title: 'macOS system protection is off',
    explanation: 'The protection that stops changes to macOS itself is off: malware can settle in the core of the system.',
    remediation: 'Ask your provider to turn macOS system protection back on.',
  },
  'platform-integrity.sip-custom': {
    title: 'macOS system protection is weakened',
    explanation: 'The protection that stops changes to macOS itself has been partly turned off.',
    remediation: 'Ask your provider to restore full macOS system protection.',
  },
  'platform-integrity.gatekeeper-off': {
    title: 'Application checking is off',
    explanation: 'macOS no longer checks that opened applications come from identified developers.',
    remediation: 'Ask your provider to turn application checking back on.',
  },
  'platform-integrity.secure-boot-off': {
    title: 'Secure start-up is off',
    explanation:
      'When it is switched on, the computer does not check that the system it starts is genuine: malware could settle in before the system itself.',
    remediation: 'Ask your provider to turn on secure start-up in the computer’s start-up settings.',
  },
  'platform-integrity.tamper-off': {
    title: 'Tamper protection is off',
    explanation: 'Malware could turn off Microsoft Defender.',
    remediation: 'Turn on “Tamper Protection” in Windows Security > Virus & threat protection.',
  },
  'platform-integrity.mac-off': {
    title: 'Application confinement is off',
    explanation: 'The protections that limit what each program can do are not active: a booby-trapped program would have a free hand.',
    remediation: 'Ask your provider to turn application confinement back on.',
  },
  'disk-space.ok': {
    title: 'There is enough disk space',
    explanation: '{{freeBytes}} free ({{percent}}% of the disk).',
    remediation: null,
  },
  'disk-space.low': {
    title: 'The disk is almost full',
    explanation: 'Only {{freeBytes}} ({{percent}}%) left: updates and backups may fail.',
    remediation: 'Empty the bin and delete large useless files, or ask your provider for help.',
  },
  'disk-space.full': {
    title: 'The disk is full',
    explanation: 'Only {{freeBytes}} ({{percent}}%) left: updates, backups and your software may break.',
    remediation: 'Free some space now or contact your provider.',
  },
  'time-sync.ok': {
    title: 'The time is synchronised',
    explanation: 'The clock sets itself automatically from the Internet.',
    remediation: null,
  },
  'time-sync.off': {
    title: 'The time is not synchronised',
    explanation: 'The clock does not set itself: a wrong time breaks secure connections and skews timestamps.',
    remediation: 'Turn on “Set time automatically” in the date and time settings.',
  },
  'time-sync.drift': {
    title: 'The clock is off',
    explanation: {
      plural: 'seconds',
      one: 'The clock is {{seconds}} second away from the exact time.',
      other: 'The clock is {{seconds}} seconds away from the exact time.',
    },
    remediation: 'Turn on “Set time automatically” in the date and time settings.',
  },
  'backup-recency.ok': {
    title: 'The backup is recent',
    explanation: {
      plural: 'hours',
      zero: 'Last successful backup less than an hour ago.',
      one: 'Last successful backup {{hours}} hour ago.',
      other: 'Last successful backup {{hours}} hours ago.',
    },
    remediation: null,
  },
  'backup-recency.stale': {
    title: 'The last backup is getting old',
    explanation: {
      plural: 'days',
      one: 'The last successful backup is {{days}} day old.',
      other: 'The last successful backup is {{days}} days old.',
    },
    remediation: 'Leave the computer on and connected so the backup can run, or start it from Vigie.',
  },
  'backup-recency.old': {
    title: 'No recent backup',
    explanation: {
      plural: 'days',
      one: 'The last successful backup is {{days}} day old: after ransomware or a breakdown, that work would be lost.',
      other: 'The last successful backup is {{days}} days old: after ransomware or a breakdown, that work would be lost.',
    },
    remediation: 'Start a backup from Vigie or contact your provider.',
  },
  'backup-recency.failed': {
    title: 'The backup is failing',
    explanation: 'The last backup attempt failed.',
    remediation: 'Open the backup in Vigie to see the problem, or contact your provider.',
  },
  'backup-recency.never': {
    title: 'No backup has succeeded yet',
    explanation: 'The backup is set up but has never completed.',
    remediation: 'Start a backup from Vigie or contact your provider.',
  },
  'backup-recency.not-configured': {
    title: 'No backup is set up',
    explanation: 'Without a backup, ransomware, a breakdown or a theft would lose the practice’s data.',
    remediation: 'Ask your provider to set up the backup.',
  },
  unknown: {
    title: 'Could not check: {{label}}',
    explanation: 'Vigie could not check this point: {{reason}}',
    remediation: 'If this happens again, your provider can look at the technical details.',
  },
};

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

const tagOf = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

/** One code of HEALTH_TERMS written in `locale`; anything else (a product name) as is. */
function termText(code: string, locale: Locale): string {
  const terms: Record<string, string> = HEALTH_STRINGS[locale].terms;
  return Object.prototype.hasOwnProperty.call(terms, code) ? terms[code]! : code;
}

/** A `…List` parameter written in `locale`: known codes translated (HEALTH_TERMS), then joined (« A, B et C »). */
export function renderTermList(value: string, locale: Locale = 'fr'): string {
  const items = value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => termText(c, locale));
  return new Intl.ListFormat(tagOf(locale), { style: 'long', type: 'conjunction' }).format(items);
}

/** A number as `locale` writes it: « 41,7 » / « 41.7 » (one decimal at most, no grouping: codes stay whole). */
function numberText(n: number, locale: Locale): string {
  return new Intl.NumberFormat(tagOf(locale), { maximumFractionDigits: 1, useGrouping: false }).format(n);
}

/** A parameter's value as `locale` writes it (see fillTemplate for the naming rules). */
function paramText(name: string, v: string | number, locale: Locale): string {
  if (typeof v === 'number') return name.endsWith('Bytes') ? formatBytes(v, locale) : numberText(v, locale);
  if (name.endsWith('List')) return renderTermList(v, locale);
  if (name.endsWith('Date') && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(`${v}T12:00:00Z`);
    return new Intl.DateTimeFormat(tagOf(locale), { dateStyle: 'long', timeZone: 'UTC' }).format(d);
  }
  return v;
}

/**
 * Replaces `{{name}}`. Numbers are written the way `locale` writes them; a parameter whose name
 * ends in `Bytes` is a size (« 12,3 Go »), in `Date` (YYYY-MM-DD) a date of `locale`, in `List` a
 * comma-separated list of codes (renderTermList). A « de » or « que » just before a parameter is
 * elided in French when the value starts with a vowel, and left out with an empty value (« la
 * session de {{user}} s’ouvre » → « la session s’ouvre »); empty parentheses and doubled spaces
 * left behind are closed.
 */
export function fillTemplate(template: string, params: MessageParams, locale: Locale = 'fr'): string {
  return template
    .replace(/(?:(?<=^|[\s(«“])(de|De|que|Que) )?\{\{(\w+)\}\}/g, (_m, word: string | undefined, name: string) => {
      const v = params[name];
      const text = v === undefined ? '' : paramText(name, v, locale);
      if (!word) return text;
      if (text === '') return '';
      if (locale === 'fr') return withElision(word as (typeof ELIDING)[number], text);
      return `${word} ${text}`;
    })
    .replace(/ ?\(\)/g, '')
    .replace(/ {2,}/g, ' ')
    .replace(/ ([.,)])/g, (_m, p: string) => p)
    .replace(/^ /, '');
}

/** The form of `text` that suits its number parameter (see PluralText), in `locale`. */
function chooseForm(text: HealthText, params: MessageParams, locale: Locale): string {
  if (typeof text === 'string') return text;
  const n = params[text.plural];
  if (typeof n !== 'number') return text.other;
  if (n === 0 && text.zero !== undefined) return text.zero;
  return new Intl.PluralRules(tagOf(locale)).select(n) === 'one' ? text.one : text.other;
}

export function isHealthMessageKey(key: string): key is HealthMessageKey {
  return Object.prototype.hasOwnProperty.call(FR_MESSAGES, key);
}

/** Windows editions as the end-of-life table names them (HEALTH_TERMS), and as older devices wrote them in French. */
const LEGACY_EDITIONS: ReadonlyArray<[RegExp, HealthTerm]> = [
  [/ Entreprise\/Éducation$/, 'win-enterprise'],
  [/ LTSC$/, 'win-ltsc'],
];

/**
 * Parameters as this version writes them, from reports of devices not yet updated: lists given as
 * ready-made French text (`services` / `profiles`) are shown as given; a size written by the device
 * (`free`) as given; a percentage written with its sign (« 37 % ») becomes a number; a Windows
 * edition glued to the system's name in French becomes its code.
 */
function withLegacyParams(params: MessageParams): MessageParams {
  const out: MessageParams = { ...params };
  if (out.servicesList === undefined && typeof out.services === 'string') out.servicesList = out.services;
  if (out.profilesList === undefined && typeof out.profiles === 'string') out.profilesList = out.profiles;
  if (out.freeBytes === undefined && typeof out.free === 'string') out.freeBytes = out.free;
  if (typeof out.percent === 'string') {
    const m = /^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$/.exec(out.percent);
    if (m) out.percent = Number(m[1]!.replace(',', '.'));
  }
  if (out.edition === undefined && typeof out.name === 'string') {
    for (const [suffix, code] of LEGACY_EDITIONS) {
      if (suffix.test(out.name)) {
        out.name = out.name.replace(suffix, '');
        out.edition = code;
        break;
      }
    }
  }
  return out;
}

/** The system's name in `locale`: its product name, then its edition when it has one (« Windows 11 24H2 Entreprise ou Éducation »). */
function systemName(params: MessageParams, locale: Locale): string | number | undefined {
  const { name, edition } = params;
  return typeof name === 'string' && typeof edition === 'string' && edition ? `${name} ${termText(edition, locale)}` : name;
}

/** Plain sentence of an unknown reason in `locale`, for the practitioner (no tool, command or error code). */
export function renderUnknownReason(locale: Locale, code: UnknownReasonCode, params: MessageParams): string {
  return fillTemplate(HEALTH_STRINGS[locale].reasons[code], params, locale);
}

/**
 * The technician's sentence of an unknown reason in `locale`: which tool, which exit code, what was
 * missing (the raw output is in the check's evidence). Never shown to the practitioner.
 */
export function renderTechnicalReason(locale: Locale, reason: Pick<UnknownReason, 'code' | 'params'>): string {
  return fillTemplate(HEALTH_STRINGS[locale].technicalReasons[reason.code], reason.params, locale);
}

/**
 * Title, explanation and remediation of a check result in `locale`: the practitioner's words, the
 * same in the console. Unknown keys fall back to the generic "could not check" text.
 */
export function renderCheckMessage(
  locale: Locale,
  check: Pick<CheckResult, 'id' | 'message' | 'reason'>,
): { title: string; explanation: string; remediation: string | null } {
  const key: HealthMessageKey = isHealthMessageKey(check.message.key) ? check.message.key : 'unknown';
  const text: MessageText = HEALTH_STRINGS[locale].messages[key];
  const params: MessageParams = withLegacyParams(check.message.params);
  const name = systemName(params, locale);
  if (name !== undefined) params.name = name;
  params.label = HEALTH_STRINGS[locale].checks[check.id];
  if (key === 'unknown') {
    // Without a reason (a message this version does not know, from a newer device): not understood.
    params.reason = renderUnknownReason(locale, check.reason?.code ?? 'unparseable', check.reason?.params ?? {});
  }
  const fill = (t: HealthText) => fillTemplate(chooseForm(t, params, locale), params, locale);
  return {
    title: fill(text.title),
    explanation: fill(text.explanation),
    remediation: text.remediation === null ? null : fill(text.remediation),
  };
}

// ---------- transport to the hub ----------
/**
 * Largest full report (UTF-8 JSON bytes) a device sends in `device:report` and the hub stores.
 * The hub's socket messages are capped at 64 KiB (HubSettings.bodyLimit); a report of this
 * machine weighs about 20 KB, the raw evidence being most of it.
 */
export const HEALTH_REPORT_MAX_BYTES = 48 * 1024;

const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

/** Size of a report as it travels and is stored (UTF-8 JSON bytes). */
export function healthReportBytes(report: HealthReport): number {
  return utf8Bytes(JSON.stringify(report));
}

/**
 * The report made to fit in `maxBytes`: unchanged when it already fits; otherwise the raw
 * evidence is cut shorter and shorter (marked `truncated`), then dropped; the verdicts, texts
 * and score are never changed. Null when even the report without evidence is too large.
 */
export function fitHealthReport(report: HealthReport, maxBytes: number = HEALTH_REPORT_MAX_BYTES): HealthReport | null {
  if (healthReportBytes(report) <= maxBytes) return report;
  const cut = (s: string, max: number): string => (s.length <= max ? s : max === 0 ? '' : `${s.slice(0, max)}…`);
  for (const max of [2000, 1000, 500, 200, 0]) {
    const fitted: HealthReport = {
      ...report,
      checks: report.checks.map((c) => ({
        ...c,
        evidence: c.evidence.map((e) => {
          const stdout = cut(e.stdout, max);
          const stderr = cut(e.stderr, max);
          return {
            ...e,
            command: cut(e.command, Math.max(max, 200)),
            stdout,
            stderr,
            truncated: e.truncated || stdout !== e.stdout || stderr !== e.stderr,
          };
        }),
      })),
    };
    if (healthReportBytes(fitted) <= maxBytes) return fitted;
  }
  const bare: HealthReport = { ...report, checks: report.checks.map((c) => ({ ...c, evidence: [] })) };
  return healthReportBytes(bare) <= maxBytes ? bare : null;
}
