import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { BACKUP_STRINGS, SHARED_STRINGS, TRIPWIRE_STRINGS, type Locale } from '@vigie/common';
import { backupConsoleEn, backupConsoleFr } from '../backup/strings';
import { fr } from './fr';
import { en } from './en';
import { updatesEn, updatesFr } from '../updates/strings';
import { deviceHealthEn, deviceHealthFr, deviceLogsEn, deviceLogsFr, fleetEn, fleetFr } from '../fleet/strings';
import { screenEn, screenFr } from '../screen/strings';
import { receiptsConsoleEn, receiptsConsoleFr } from '../receipts/strings';
import { supportEn, supportFr } from '../support/strings';
import { pagesEn, pagesFr } from '../pages/strings';
import { addElisionFormatters, elisionTemplates } from '../../../web/format';

export const LOCALES: readonly Locale[] = ['fr', 'en'];
export const DEFAULT_LOCALE: Locale = 'fr';

/** Console strings plus the shared ones (error codes, help topics) under `errors` and `topics`. */
export const RESOURCES = {
  fr: {
    translation: {
      ...fr,
      errors: SHARED_STRINGS.fr.errors,
      topics: SHARED_STRINGS.fr.topics,
      updates: updatesFr,
      fleet: fleetFr,
      deviceHealth: deviceHealthFr,
      deviceLogs: deviceLogsFr,
      screen: screenFr,
      receipts: receiptsConsoleFr,
      support: supportFr,
      tripwire: TRIPWIRE_STRINGS.fr.console,
      backup: { ...BACKUP_STRINGS.fr, ui: backupConsoleFr },
      ...pagesFr,
    },
  },
  en: {
    translation: {
      ...en,
      errors: SHARED_STRINGS.en.errors,
      topics: SHARED_STRINGS.en.topics,
      updates: updatesEn,
      fleet: fleetEn,
      deviceHealth: deviceHealthEn,
      deviceLogs: deviceLogsEn,
      screen: screenEn,
      receipts: receiptsConsoleEn,
      support: supportEn,
      tripwire: TRIPWIRE_STRINGS.en.console,
      backup: { ...BACKUP_STRINGS.en, ui: backupConsoleEn },
      ...pagesEn,
    },
  },
} as const;

export function isLocale(x: unknown): x is Locale {
  return x === 'fr' || x === 'en';
}

/** The console's one i18next instance; synchronous init, resources bundled. */
export function createI18n(lng: Locale = DEFAULT_LOCALE): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    // French « de {{device}} » is elided where the name starts with a vowel (« l’écran d’Accueil »).
    resources: { fr: elisionTemplates(RESOURCES.fr), en: RESOURCES.en },
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  addElisionFormatters(instance);
  return instance;
}
