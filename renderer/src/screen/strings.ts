import { SAFETY_STRINGS, SCREEN_STRINGS } from '@vigie/common';

/**
 * Texts of the consent window and the session banner (French first, English complete). The
 * sentences both UIs share come from SCREEN_STRINGS in @vigie/common; these are the renderer's own
 * words. Merged into the renderer's i18next resources under `screen`.
 */
export const screenFr = {
  ...SCREEN_STRINGS.fr,
  consentLabel: 'Demande de votre technicien',
  codeLabel: 'Code de vérification',
  codeHint: 'Ne cliquez sur « Autoriser » que si votre technicien vous lit le même code.',
  controlUnavailable: 'La prise en main n’est pas possible sur cet ordinateur : votre technicien pourra seulement voir l’écran.',
  bannerLabel: 'Partage d’écran en cours',
  controlPending: 'Votre technicien demande à utiliser votre souris et votre clavier.',
  stopping: 'Arrêt…',
  sending: 'Envoi…',
  captureFailed: 'Impossible de partager l’écran sur cet ordinateur.',
  endedTitle: 'Partage d’écran terminé',
  dismiss: 'Fermer',
  consentSwitchTitle: 'Demande de changement d’écran',
  consentSwitchBody: '{{name}} ({{provider}}) souhaite voir un autre de vos écrans. Si vous refusez, l’écran partagé reste le même.',
  /** The safety backup before control and the intervention's changes (issue 12). */
  safety: { ...SAFETY_STRINGS.fr, undoing: 'Annulation…' },
} as const;

export const screenEn = {
  ...SCREEN_STRINGS.en,
  consentLabel: 'Request from your technician',
  codeLabel: 'Verification code',
  codeHint: 'Only click “Allow” if your technician reads you the same code.',
  controlUnavailable: 'Remote control is not possible on this computer: your technician will only be able to see the screen.',
  bannerLabel: 'Screen sharing in progress',
  controlPending: 'Your technician is asking to use your mouse and keyboard.',
  stopping: 'Stopping…',
  sending: 'Sending…',
  captureFailed: 'The screen cannot be shared on this computer.',
  endedTitle: 'Screen sharing ended',
  dismiss: 'Close',
  consentSwitchTitle: 'Screen change request',
  consentSwitchBody: '{{name}} ({{provider}}) would like to see another of your screens. If you refuse, the shared screen stays the same.',
  safety: { ...SAFETY_STRINGS.en, undoing: 'Undoing…' },
} satisfies Record<keyof typeof screenFr, unknown>;
