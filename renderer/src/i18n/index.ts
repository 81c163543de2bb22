import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { BACKUP_RELAY_STRINGS, BACKUP_STRINGS, SHARED_STRINGS, TRIPWIRE_STRINGS, type Locale } from '@vigie/common';
import { BACKUP_UI_EN, BACKUP_UI_FR } from '../backup/strings.js';
import { waitEn, waitFr } from '../help/wait.js';
import { healthEn, healthFr } from '../health/strings.js';
import { screenEn, screenFr } from '../screen/strings.js';
import { interventionsEn, interventionsFr } from '../receipts/strings.js';
import { addElisionFormatters, elisionTemplates } from '../../../web/format.js';
import { en } from './en.js';
import { fr } from './fr.js';

export const RESOURCES = {
  fr: {
    translation: {
      ...fr,
      errors: SHARED_STRINGS.fr.errors,
      topics: SHARED_STRINGS.fr.topics,
      health: healthFr,
      screen: screenFr,
      interventions: interventionsFr,
      wait: waitFr,
      tripwire: TRIPWIRE_STRINGS.fr.app,
      backup: { ...BACKUP_STRINGS.fr, ui: BACKUP_UI_FR, relay: BACKUP_RELAY_STRINGS.fr },
    },
  },
  en: {
    translation: {
      ...en,
      errors: SHARED_STRINGS.en.errors,
      topics: SHARED_STRINGS.en.topics,
      health: healthEn,
      screen: screenEn,
      interventions: interventionsEn,
      wait: waitEn,
      tripwire: TRIPWIRE_STRINGS.en.app,
      backup: { ...BACKUP_STRINGS.en, ui: BACKUP_UI_EN, relay: BACKUP_RELAY_STRINGS.en },
    },
  },
} as const;

/** The renderer's one i18next instance: French by default, English complete, shared errors and topics merged. */
export function createI18n(locale: Locale = 'fr'): I18n {
  const inst = i18next.createInstance();
  void inst.use(initReactI18next).init({
    lng: locale,
    fallbackLng: 'fr',
    initAsync: false,
    interpolation: { escapeValue: false },
    // French « de {{name}} » is elided where the name starts with a vowel (« l’écran d’Accueil »).
    resources: { fr: elisionTemplates(RESOURCES.fr), en: RESOURCES.en },
    returnNull: false,
  });
  addElisionFormatters(inst);
  return inst;
}
