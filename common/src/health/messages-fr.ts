/**
 * Security health, the French sentences of every check result (the reference table: its keys are
 * the message keys a device may send, HealthMessageKey). A string table: it may stay long.
 */

/**
 * A sentence that depends on a number: `one` or `other` is chosen by the parameter that `plural`
 * names (Intl plural rules: in French 0 and 1 are singular, as in system-messages.ts), `zero` when
 * that number is 0 and the sentence has a better way to say it. A parameter that is not a number
 * (a report from an older device) takes `other`.
 */
export type PluralText = { plural: string; zero?: string; one: string; other: string };
export type HealthText = string | PluralText;
export type MessageText = { title: HealthText; explanation: HealthText; remediation: HealthText | null };

export const FR_MESSAGES = {
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
