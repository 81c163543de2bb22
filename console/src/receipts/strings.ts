/** The workspace's « Reçu d'intervention » (French first, English: same keys). Merged under `receipts`. */
export const receiptsConsoleFr = {
  title: 'Reçu d’intervention',
  intro:
    'Le reçu signé de cette intervention : qui, quand, les accords du cabinet, les prises en main, les restaurations et les entrées du journal d’audit. Le cabinet a le même dans « Mes interventions ».',
  pdf: 'Télécharger le reçu (PDF)',
  json: 'Données signées (JSON)',
  downloading: 'Téléchargement…',
  downloaded: 'Reçu téléchargé : {{name}}',
} as const;

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export const receiptsConsoleEn: Strings<typeof receiptsConsoleFr> = {
  title: 'Intervention receipt',
  intro:
    'The signed receipt of this intervention: who, when, the practice’s consents, remote control, restores and the audit log entries. The practice has the same one in “My interventions”.',
  pdf: 'Download the receipt (PDF)',
  json: 'Signed data (JSON)',
  downloading: 'Downloading…',
  downloaded: 'Receipt downloaded: {{name}}',
};
