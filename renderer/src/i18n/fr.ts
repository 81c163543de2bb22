/** French (default). Plain words, no jargon. */
export const fr = {
  app: {
    title: 'Vigie',
    loading: 'Chargement…',
    practice: 'Cabinet : {{name}}',
    hostDown: 'Vigie ne répond plus. Nouvel essai en cours…',
    noBridge: 'Ouvrez Vigie avec l’adresse complète affichée au démarrage (elle contient une clé).',
  },
  tabs: {
    label: 'Sections',
    help: 'Assistance',
    security: 'Sécurité',
    backups: 'Sauvegardes',
  },
  language: {
    label: 'Langue',
    fr: 'Français',
    en: 'English',
  },
  enroll: {
    title: 'Bienvenue dans Vigie',
    intro: 'Pour relier cet ordinateur à votre prestataire, saisissez le code de votre cabinet.',
    code: 'Code du cabinet',
    codeHint: 'Il vous a été remis par votre prestataire, par exemple ABCD-1234.',
    advanced: 'Options avancées',
    hubUrl: 'Adresse du serveur',
    deviceName: 'Nom de cet ordinateur',
    deviceNameHint: 'Par exemple « Accueil » ou « Cabinet 2 ». Facultatif.',
    submit: 'Relier cet ordinateur',
    submitting: 'Connexion…',
    done: 'Cet ordinateur est relié à {{practice}}.',
  },
  home: {
    title: 'Besoin d’aide ?',
    intro: 'Un clic suffit : un technicien vous répond au plus vite.',
    button: 'Demander de l’aide',
    sending: 'Envoi…',
    allGood: 'Tout va bien.',
  },
  pending: {
    title: 'Demande enregistrée',
    text: 'Elle partira dès le retour du réseau. Vous n’avez rien d’autre à faire.',
  },
  waiting: {
    title: 'Demande envoyée',
  },
  assigned: {
    title: '{{name}} s’occupe de vous',
    subtitle: 'Vous pouvez échanger ici.',
  },
  details: {
    title: 'Précisez si vous le souhaitez',
    optional: 'Facultatif : cela aide le technicien à préparer sa réponse.',
    topic: 'De quoi s’agit-il ?',
    description: 'En quelques mots',
    descriptionPlaceholder: 'Par exemple : l’imprimante de l’accueil n’imprime plus.',
    save: 'Enregistrer',
    saved: 'Enregistré.',
  },
  chat: {
    title: 'Messages',
    empty: 'Aucun message pour l’instant. Vous pouvez déjà écrire ici.',
    you: 'Vous',
    system: 'Vigie',
    input: 'Votre message',
    placeholder: 'Écrivez votre message…',
    send: 'Envoyer',
    typing: '{{name}} est en train d’écrire…',
    hint: 'Entrée pour envoyer, Maj+Entrée pour aller à la ligne.',
    status: {
      pending: 'en attente',
      sent: 'envoyé',
      delivered: 'reçu',
      read: 'lu',
    },
    statusLabel: 'Statut : {{status}}',
  },
  cancel: {
    button: 'Annuler ma demande',
    confirm: 'Voulez-vous vraiment annuler votre demande ?',
    yes: 'Oui, annuler',
    no: 'Non, continuer',
  },
  closed: {
    resolved: 'C’est réglé !',
    resolvedBy: '{{name}} a terminé votre demande.',
    note: 'Ce qui a été fait : {{note}}',
    cancelled: 'Votre demande est annulée.',
    ended: 'Votre demande est terminée.',
    again: 'Vous pouvez demander de l’aide à nouveau à tout moment.',
    ok: 'Fermer',
  },
  offline: {
    banner: 'Connexion perdue — vos messages partiront dès le retour du réseau.',
    connecting: 'Connexion au serveur…',
  },
} as const;

/** Same keys as French, every value a string: English must stay complete. */
type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
export type Resources = Strings<typeof fr>;
