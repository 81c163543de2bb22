import type { ScreenEndReason } from './session.js';

/** Remote screen, the words both UIs show (a string table). */

/**
 * French first, English complete. The hub writes the French chat texts (chat history is stored in
 * French, like the other system messages); UIs take the rest through their i18n under `screen`.
 */
export const SCREEN_STRINGS = {
  fr: {
    chatStarted: 'Partage d’écran commencé',
    chatEnded: 'Partage d’écran terminé',
    consentTitle: 'Demande de partage d’écran',
    consentBody: '{{name}} ({{provider}}) souhaite voir votre écran.',
    consentControlTitle: 'Demande de prise en main',
    consentControlBody: '{{name}} ({{provider}}) souhaite utiliser votre souris et votre clavier.',
    consentCode: 'Vérifiez que votre technicien voit le même code : {{code}}',
    consentScreen: 'Écran à partager',
    consentCountdown: 'Refus automatique dans {{seconds}} s',
    allow: 'Autoriser',
    refuse: 'Refuser',
    bannerViewing: '{{name}} voit votre écran',
    bannerControlling: '{{name}} contrôle votre ordinateur',
    bannerStop: 'Arrêter',
    bannerRevokeControl: 'Reprendre la main',
    bannerShortcut: 'Raccourci pour tout arrêter : {{keys}}',
    endReasons: {
      refused: 'Partage refusé.',
      timeout: 'Pas de réponse : partage refusé automatiquement.',
      'practitioner-stop': 'Partage arrêté par le cabinet.',
      'technician-end': 'Partage terminé par le technicien.',
      shortcut: 'Partage arrêté par le raccourci clavier.',
      disconnect: 'Connexion perdue : partage terminé.',
      'request-closed': 'La demande est close : partage terminé.',
      error: 'Le partage s’est interrompu à cause d’une erreur.',
    } satisfies Record<ScreenEndReason, string>,
  },
  en: {
    chatStarted: 'Screen sharing started',
    chatEnded: 'Screen sharing ended',
    consentTitle: 'Screen sharing request',
    consentBody: '{{name}} ({{provider}}) would like to see your screen.',
    consentControlTitle: 'Remote control request',
    consentControlBody: '{{name}} ({{provider}}) would like to use your mouse and keyboard.',
    consentCode: 'Check that your technician sees the same code: {{code}}',
    consentScreen: 'Screen to share',
    consentCountdown: 'Refused automatically in {{seconds}} s',
    allow: 'Allow',
    refuse: 'Refuse',
    bannerViewing: '{{name}} can see your screen',
    bannerControlling: '{{name}} is controlling your computer',
    bannerStop: 'Stop',
    bannerRevokeControl: 'Take back control',
    bannerShortcut: 'Shortcut to stop everything: {{keys}}',
    endReasons: {
      refused: 'Sharing refused.',
      timeout: 'No answer: sharing refused automatically.',
      'practitioner-stop': 'Sharing stopped by the practice.',
      'technician-end': 'Sharing ended by the technician.',
      shortcut: 'Sharing stopped with the keyboard shortcut.',
      disconnect: 'Connection lost: sharing ended.',
      'request-closed': 'The request is closed: sharing ended.',
      error: 'Sharing stopped because of an error.',
    } satisfies Record<ScreenEndReason, string>,
  },
} as const;
