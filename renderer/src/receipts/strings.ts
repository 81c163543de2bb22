/**
 * « Mes interventions » and the technician's photo on the consent window (French first, English
 * complete). Merged into the renderer's i18next resources under `interventions`.
 */
export const interventionsFr = {
  tab: 'Mes interventions',
  title: 'Mes interventions',
  intro:
    'Chaque fois qu’un technicien intervient sur cet ordinateur, Vigie vous remet un reçu : qui est intervenu, quand, avec quel accord de votre part, et ce qui a été fait. Gardez ces reçus : ils forment le registre des accès à vos ordinateurs (RGPD).',
  loading: 'Chargement de vos interventions…',
  empty: 'Aucune intervention sur cet ordinateur pour l’instant.',
  closedOn: 'Le {{date}}',
  by: 'Intervenant : {{name}}',
  noTechnician: 'sans technicien',
  status: { resolved: 'Résolue', cancelled: 'Annulée', waiting: 'En attente', assigned: 'En cours' },
  consents_zero: 'aucun accord demandé',
  consents_one: '{{count}} accord demandé',
  consents_other: '{{count}} accords demandés',
  control_zero: 'pas de prise en main',
  control_one: '{{count}} prise en main',
  control_other: '{{count}} prises en main',
  restores_zero: 'aucun fichier restauré',
  restores_one: '{{count}} restauration',
  restores_other: '{{count}} restaurations',
  safety: 'sauvegarde de sécurité',
  receiptPending: 'Le reçu sera préparé à l’ouverture.',
  note: 'Note du technicien : {{note}}',
  open: 'Ouvrir le reçu (PDF)',
  opening: 'Préparation du reçu…',
  saved: 'Reçu enregistré : {{path}}',
  savedNotOpened: 'Reçu enregistré (aucun lecteur de PDF n’a pu l’ouvrir ici) : {{path}}',
  openFolder: 'Afficher le dossier des reçus',
  folderOpened: 'Dossier des reçus : {{path}}',
  more: 'Afficher les plus anciennes',
  refresh: 'Actualiser',
  photoAlt: 'Photo de {{name}}',
} as const;

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
export type InterventionsStrings = Strings<typeof interventionsFr>;

export const interventionsEn: InterventionsStrings = {
  tab: 'My interventions',
  title: 'My interventions',
  intro:
    'Each time a technician works on this computer, Vigie gives you a receipt: who did it, when, with which consent from you, and what was done. Keep these receipts: they are the register of who accessed your computers (GDPR).',
  loading: 'Loading your interventions…',
  empty: 'No intervention on this computer yet.',
  closedOn: 'On {{date}}',
  by: 'Technician: {{name}}',
  noTechnician: 'no technician',
  status: { resolved: 'Resolved', cancelled: 'Cancelled', waiting: 'Waiting', assigned: 'In progress' },
  consents_zero: 'no consent asked',
  consents_one: '{{count}} consent asked',
  consents_other: '{{count}} consents asked',
  control_zero: 'no remote control',
  control_one: '{{count}} remote control',
  control_other: '{{count}} remote controls',
  restores_zero: 'no file restored',
  restores_one: '{{count}} restore',
  restores_other: '{{count}} restores',
  safety: 'safety backup',
  receiptPending: 'The receipt is prepared when you open it.',
  note: 'Technician’s note: {{note}}',
  open: 'Open the receipt (PDF)',
  opening: 'Preparing the receipt…',
  saved: 'Receipt saved: {{path}}',
  savedNotOpened: 'Receipt saved (no PDF viewer could open it here): {{path}}',
  openFolder: 'Show the receipts folder',
  folderOpened: 'Receipts folder: {{path}}',
  more: 'Show older ones',
  refresh: 'Refresh',
  photoAlt: 'Photo of {{name}}',
};
