import type { ErrorCode } from './result.js';
import type { HelpTopic } from './domain.js';

/**
 * Strings that both UIs (practitioner app and technician console) show: error codes and help
 * topics. Each UI merges these into its own i18next resources under `errors` and `topics`, so an
 * error coming from any boundary is shown the same way everywhere. French first, English complete.
 */
export const SHARED_STRINGS = {
  fr: {
    errors: {
      BAD_REQUEST: 'Certaines informations sont invalides.',
      UNKNOWN_EVENT: 'Action inconnue.',
      UNAUTHORIZED: 'Vous devez vous identifier à nouveau.',
      REVOKED: 'Cet ordinateur n’est plus autorisé. Contactez votre prestataire.',
      FORBIDDEN: 'Vous n’avez pas accès à cette demande.',
      NOT_FOUND: 'Introuvable.',
      CONFLICT: 'Cette action n’est plus possible : la situation a changé.',
      RATE_LIMITED: 'Trop de demandes à la suite. Patientez quelques secondes.',
      INVALID_CODE: 'Code du cabinet inconnu. Vérifiez-le auprès de votre prestataire.',
      INVALID_CREDENTIALS: 'Identifiant, mot de passe ou code incorrect.',
      TOTP_REQUIRED: 'Saisissez le code à 6 chiffres de votre application d’authentification.',
      LOCKED_OUT: 'Trop d’essais. Réessayez dans quelques instants.',
      NOT_ENROLLED: 'Cet ordinateur n’est pas encore relié à votre prestataire.',
      OFFLINE: 'Connexion perdue. Nouvel essai automatique.',
      UNAVAILABLE: 'Cette fonction n’est pas disponible sur cet ordinateur.',
      TIMEOUT: 'Pas de réponse à temps. Réessayez.',
      INTERNAL: 'Une erreur inattendue est survenue. Réessayez.',
    } satisfies Record<ErrorCode, string>,
    topics: {
      computer: 'Ordinateur',
      software: 'Logiciel métier',
      printer: 'Imprimante ou scanner',
      internet: 'Internet',
      email: 'Messagerie',
      security: 'Sécurité ou message suspect',
      files: 'Fichiers perdus',
      other: 'Autre',
    } satisfies Record<HelpTopic, string>,
  },
  en: {
    errors: {
      BAD_REQUEST: 'Some information is invalid.',
      UNKNOWN_EVENT: 'Unknown action.',
      UNAUTHORIZED: 'Please sign in again.',
      REVOKED: 'This computer is no longer authorised. Contact your provider.',
      FORBIDDEN: 'You do not have access to this request.',
      NOT_FOUND: 'Not found.',
      CONFLICT: 'This action is no longer possible: things have changed.',
      RATE_LIMITED: 'Too many requests in a row. Please wait a few seconds.',
      INVALID_CODE: 'Unknown practice code. Check it with your provider.',
      INVALID_CREDENTIALS: 'Wrong login, password or code.',
      TOTP_REQUIRED: 'Enter the 6-digit code from your authenticator app.',
      LOCKED_OUT: 'Too many attempts. Try again in a moment.',
      NOT_ENROLLED: 'This computer is not yet linked to your provider.',
      OFFLINE: 'Connection lost. Retrying automatically.',
      UNAVAILABLE: 'This feature is not available on this computer.',
      TIMEOUT: 'No answer in time. Please try again.',
      INTERNAL: 'Something unexpected happened. Please try again.',
    } satisfies Record<ErrorCode, string>,
    topics: {
      computer: 'Computer',
      software: 'Practice software',
      printer: 'Printer or scanner',
      internet: 'Internet',
      email: 'Email',
      security: 'Security or suspicious message',
      files: 'Lost files',
      other: 'Other',
    } satisfies Record<HelpTopic, string>,
  },
} as const;
