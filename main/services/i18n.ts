import i18next, { type i18n as I18n } from 'i18next';
import { SHARED_STRINGS, type Locale } from '@vigie/common';

/**
 * Strings the main process shows itself (tray menu, tooltips, notifications). The renderer has its
 * own i18next resources; both merge SHARED_STRINGS for errors and topics. French first.
 */
export const MAIN_STRINGS = {
  fr: {
    tray: {
      requestHelp: 'Demander de l’aide',
      open: 'Ouvrir Vigie',
      language: 'Langue',
      quit: 'Quitter',
      tooltip: {
        idle: 'Vigie — tout va bien',
        requested: 'Vigie — demande d’aide envoyée',
        connected: 'Vigie — un technicien s’occupe de vous',
        offline: 'Vigie — connexion perdue',
      },
      health: {
        green: 'Sécurité : tout va bien',
        orange: 'Sécurité : des points à vérifier',
        red: 'Sécurité : un point à corriger',
      },
    },
    languages: { fr: 'Français', en: 'English' },
    notify: {
      title: 'Vigie',
      assigned: '{{name}} s’occupe de vous.',
      messageFrom: 'Message de {{name}}',
      resolved: 'Votre demande est résolue. Merci !',
      revoked: 'Cet ordinateur n’est plus relié à votre prestataire.',
    },
  },
  en: {
    tray: {
      requestHelp: 'Ask for help',
      open: 'Open Vigie',
      language: 'Language',
      quit: 'Quit',
      tooltip: {
        idle: 'Vigie — all good',
        requested: 'Vigie — help request sent',
        connected: 'Vigie — a technician is helping you',
        offline: 'Vigie — connection lost',
      },
      health: {
        green: 'Security: all good',
        orange: 'Security: some points to check',
        red: 'Security: a point to fix',
      },
    },
    languages: { fr: 'Français', en: 'English' },
    notify: {
      title: 'Vigie',
      assigned: '{{name}} is taking care of you.',
      messageFrom: 'Message from {{name}}',
      resolved: 'Your request is resolved. Thank you!',
      revoked: 'This computer is no longer linked to your provider.',
    },
  },
} as const;

export type MainI18n = { t: (key: string, vars?: Record<string, unknown>) => string; setLocale: (l: Locale) => void };

/** One i18next instance for the main process (no global state, created by the app composition). */
export function createMainI18n(locale: Locale): MainI18n {
  const inst: I18n = i18next.createInstance();
  void inst.init({
    lng: locale,
    fallbackLng: 'fr',
    initAsync: false,
    interpolation: { escapeValue: false },
    resources: {
      fr: { translation: { ...MAIN_STRINGS.fr, errors: SHARED_STRINGS.fr.errors, topics: SHARED_STRINGS.fr.topics } },
      en: { translation: { ...MAIN_STRINGS.en, errors: SHARED_STRINGS.en.errors, topics: SHARED_STRINGS.en.topics } },
    },
  });
  return {
    t: (key, vars) => inst.t(key, vars ?? {}) as string,
    setLocale: (l) => void inst.changeLanguage(l),
  };
}
