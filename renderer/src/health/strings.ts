/**
 * Texts of the "Sécurité" panel (French first, English complete). Check names, statuses, the
 * check texts themselves and the reasons come from HEALTH_STRINGS in @vigie/common; these are the
 * panel's own words. Merged into the renderer's i18next resources under `health`.
 */
export const healthFr = {
  title: 'Sécurité de cet ordinateur',
  score: 'Note de sécurité',
  scoreOutOf: 'sur 100',
  scoreSpoken: 'Note de sécurité : {{score}} sur 100',
  level: {
    good: 'Bien protégé',
    fair: 'Protection à renforcer',
    poor: 'Mal protégé',
  },
  levelHint: {
    good: 'Rien d’urgent. Gardez les bonnes habitudes.',
    fair: 'Quelques points méritent votre attention.',
    poor: 'Des points importants sont à corriger rapidement.',
  },
  groups: {
    toFix: 'À corriger',
    allGood: 'Tout va bien',
  },
  groupIntro: {
    toFix: 'Commencez par le premier : c’est le plus important.',
    allGood: 'Ces protections sont en place.',
  },
  unverified_one: 'Vigie n’a pas pu vérifier un point ({{names}}) : votre prestataire peut le faire.',
  unverified_other: 'Vigie n’a pas pu vérifier {{count}} points ({{names}}) : votre prestataire peut le faire.',
  count_one: '{{count}} point',
  count_other: '{{count}} points',
  whatToDo: 'Que faire ?',
  lastCheck: 'Dernière vérification : {{date}}',
  firstScan: 'Première vérification en cours… Cela prend quelques secondes.',
  scanNow: 'Vérifier maintenant',
  scanning: 'Vérification en cours…',
  scanDone: 'Vérification terminée : {{score}} sur 100.',
  unavailable: 'La vérification de sécurité n’est pas disponible sur cet ordinateur.',
  needHelp: 'Besoin d’aide pour corriger un point ? Demandez-le à un technicien dans l’onglet « Assistance ».',
} as const;

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
export type HealthUiStrings = Strings<typeof healthFr>;

export const healthEn: HealthUiStrings = {
  title: 'Security of this computer',
  score: 'Security score',
  scoreOutOf: 'out of 100',
  scoreSpoken: 'Security score: {{score}} out of 100',
  level: {
    good: 'Well protected',
    fair: 'Protection to strengthen',
    poor: 'Poorly protected',
  },
  levelHint: {
    good: 'Nothing urgent. Keep up the good habits.',
    fair: 'A few points need your attention.',
    poor: 'Important points need fixing soon.',
  },
  groups: {
    toFix: 'To fix',
    allGood: 'All good',
  },
  groupIntro: {
    toFix: 'Start with the first one: it matters most.',
    allGood: 'These protections are in place.',
  },
  unverified_one: 'Vigie could not check one point ({{names}}): your provider can.',
  unverified_other: 'Vigie could not check {{count}} points ({{names}}): your provider can.',
  count_one: '{{count}} point',
  count_other: '{{count}} points',
  whatToDo: 'What to do?',
  lastCheck: 'Last check: {{date}}',
  firstScan: 'First check in progress… It takes a few seconds.',
  scanNow: 'Check now',
  scanning: 'Checking…',
  scanDone: 'Check finished: {{score}} out of 100.',
  unavailable: 'The security check is not available on this computer.',
  needHelp: 'Need help fixing a point? Ask a technician in the “Help” tab.',
};
