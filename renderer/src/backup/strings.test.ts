import { describe, expect, it } from 'vitest';
import type { BackupStatus } from '@vigie/common';
import { backupStatus } from '@vigie/common/test-support/samples';
import { createI18n } from '../i18n/index.js';
import type { Place } from '@vigie/common';
import { headlineText, stripSummary } from './BackupPanel.js';
import { baseName, crumbText, duration, placeCrumbs, size } from './format.js';
import { errorSentences } from './parts.js';
import { BACKUP_UI_EN, BACKUP_UI_FR } from './strings.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

const base: BackupStatus = backupStatus();

describe('backup tab strings', () => {
  it('English has exactly the French keys, none empty', () => {
    expect(keys(BACKUP_UI_EN).sort()).toEqual(keys(BACKUP_UI_FR).sort());
    for (const k of keys(BACKUP_UI_FR))
      expect(
        k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], BACKUP_UI_EN),
        k,
      ).not.toBe('');
  });

  it('says the headline in plain words in the UI language', () => {
    const i18n = createI18n('fr');
    const now = Date.parse('2025-03-12T12:00:00Z');
    expect(headlineText(i18n.t, base, now)).toBe('Tout est sauvegardé');
    expect(headlineText(i18n.t, { ...base, headline: 'running' }, now)).toBe('Sauvegarde en cours');
    expect(headlineText(i18n.t, { ...base, headline: 'failed' }, now)).toBe('La sauvegarde a échoué');
    expect(headlineText(i18n.t, { ...base, headline: 'stale', lastSuccessAt: '2025-03-09T11:00:00Z' }, now)).toBe(
      'Attention : dernière sauvegarde il y a 3 jours',
    );
    expect(headlineText(i18n.t, { ...base, headline: 'stale' }, now)).toBe('Attention : aucune sauvegarde pour l’instant');
    void i18n.changeLanguage('en');
    expect(headlineText(i18n.t, { ...base, headline: 'stale', lastSuccessAt: '2025-03-09T11:00:00Z' }, now)).toBe(
      'Warning: last backup 3 days ago',
    );
    expect(i18n.t('backup.relay.restoring', { name: 'Julie Martin', what: i18n.t('backup.relay.what.item', { name: 'a.pdf' }) })).toBe(
      'Julie Martin is restoring “a.pdf” for you',
    );
  });

  it('formats sizes, times left and errors the way people say them', () => {
    const i18n = createI18n('fr');
    expect(size(1536, 'fr').replace(/\s/g, ' ')).toBe('1,5 Ko');
    expect(size(3 * 1024 ** 3, 'fr').replace(/\s/g, ' ')).toBe('3 Go');
    expect(size(512, 'fr')).toBe('512 octets');
    expect(duration(20, i18n.t)).toBe('moins d’une minute');
    expect(duration(61, i18n.t)).toBe('2 minutes');
    expect(duration(3700, i18n.t)).toBe('1 h 2 min');
    const e = errorSentences(i18n.t, { code: 'CONFLICT', message: 'x', details: { reason: 'busy' } });
    expect(e).toEqual({
      message: 'Une sauvegarde ou une restauration est déjà en cours.',
      nextStep: 'Attendez qu’elle se termine, puis réessayez.',
    });
    expect(errorSentences(i18n.t, { code: 'OFFLINE', message: 'x' })).toEqual({
      message: 'Connexion perdue. Nouvel essai automatique.',
      nextStep: '',
    });
    void i18n.changeLanguage('en');
    expect(size(1536, 'en')).toBe('1.5 KB');
    expect(errorSentences(i18n.t, { reason: 'not-found', message: 'Introuvable', nextStep: 'Autre date' }).message).toBe(
      'This item cannot be found in this backup.',
    );
  });

  it('says what happened to a restore job by its message key, with that key’s own next step when it has one', () => {
    const i18n = createI18n('fr');
    const interrupted = { reason: 'interrupted', messageKey: 'restoreInterrupted', message: 'x', nextStep: 'y' } as const;
    expect(errorSentences(i18n.t, interrupted)).toEqual({
      message: 'La restauration a été interrompue ; vos fichiers actuels n’ont pas été touchés.',
      nextStep: 'Vous pouvez relancer la restauration quand vous voulez.',
    });
    expect(errorSentences(i18n.t, { reason: 'not-allowed', messageKey: 'reservedFolder', message: 'x', nextStep: 'y' })).toEqual({
      message: 'Ce dossier est réservé au système, aux sauvegardes ou à Vigie : rien n’y est restauré.',
      nextStep: 'Choisissez un dossier à vous, par exemple dans Documents ou sur le Bureau.',
    });
    expect(errorSentences(i18n.t, { reason: 'path-too-long', message: 'x', nextStep: 'y' }).message).toBe(
      'Le chemin est trop long pour le système (trop de dossiers imbriqués ou des noms trop longs).',
    );
    expect(errorSentences(i18n.t, { code: 'FORBIDDEN', message: 'x', details: { reason: 'link-in-path' } }).message).toBe(
      'Un dossier sur le chemin a été remplacé par un lien depuis la sauvegarde : par sécurité, rien n’a été restauré.',
    );
    void i18n.changeLanguage('en');
    expect(errorSentences(i18n.t, interrupted)).toEqual({
      message: 'The restore was interrupted; your current files were not touched.',
      nextStep: 'You can start the restore again whenever you like.',
    });
    expect(errorSentences(i18n.t, { reason: 'not-a-folder', message: 'x', nextStep: 'y' }).message).toBe(
      'The chosen destination is a file, not a folder.',
    );
  });

  it('says where things are as places, never as system paths', () => {
    const i18n = createI18n('fr');
    const places: Place[] = [
      { kind: 'desktop', path: '/Users/marie/Desktop' },
      { kind: 'documents', path: '/Users/marie/Documents' },
      { kind: 'home', path: '/Users/marie' },
      { kind: 'backed-up', path: '/Users/marie/Documents' },
      { kind: 'backed-up', path: '/Users/marie/Desktop/Dossier patients/Cabinet' },
    ];
    const label = (p: Place) => (p.kind === 'backed-up' ? baseName(p.path) : i18n.t(`backup.ui.places.${p.kind}`));
    const say = (path: string, list: Place[] = places) => crumbText(placeCrumbs(path, list, label, i18n.t));
    expect(say('/Users/marie/Desktop/Dossier patients/compte rendu.pdf')).toBe('Bureau › Dossier patients › compte rendu.pdf');
    expect(say('/Users/marie/Documents')).toBe('Documents');
    expect(say('/Users/marie/Desktop/Dossier patients/Cabinet/2025')).toBe('Cabinet › 2025');
    expect(say('/Users/marie/Musique/a.mp3')).toBe('Dossier personnel › Musique › a.mp3');
    expect(say('/Users/mariette/x')).toBe('Cet ordinateur › Users › mariette › x');
    const win: Place[] = [
      { kind: 'desktop', path: 'C:\\Users\\marie\\OneDrive\\Bureau' },
      { kind: 'backed-up', path: 'C:\\Julie' },
    ];
    expect(say('c:\\users\\marie\\onedrive\\bureau\\Ordonnances', win)).toBe('Bureau › Ordonnances');
    expect(say('C:\\Julie\\Data\\base.db', win)).toBe('Julie › Data › base.db');
    expect(say('D:\\Archives\\2024', win)).toBe('Disque D › Archives › 2024');
    // Each crumb keeps its folder (the folder picker opens it).
    expect(placeCrumbs('/Users/marie/Desktop/Dossier patients', places, label, i18n.t).map((c) => c.path)).toEqual([
      '/Users/marie/Desktop',
      '/Users/marie/Desktop/Dossier patients',
    ]);
    void i18n.changeLanguage('en');
    expect(say('/Users/marie/Desktop/Dossier patients/compte rendu.pdf')).toBe('Desktop › Dossier patients › compte rendu.pdf');
    expect(say('D:\\Archives', win)).toBe('Drive D › Archives');
  });

  it('counts days with real plural forms, only the kinds of day there were', () => {
    const i18n = createI18n('fr');
    expect(stripSummary(i18n.t, 'fr', { ok: 1, warning: 0, failed: 0, none: 29 })).toBe('1 jour sauvegardé et 29 sans sauvegarde.');
    expect(stripSummary(i18n.t, 'fr', { ok: 12, warning: 1, failed: 2, none: 15 })).toBe(
      '12 jours sauvegardés, 1 avec des fichiers illisibles, 2 en échec et 15 sans sauvegarde.',
    );
    expect(stripSummary(i18n.t, 'fr', { ok: 0, warning: 0, failed: 0, none: 30 })).toBe('0 jour sauvegardé et 30 sans sauvegarde.');
    void i18n.changeLanguage('en');
    expect(stripSummary(i18n.t, 'en', { ok: 1, warning: 0, failed: 0, none: 29 })).toBe('1 day backed up and 29 without a backup.');
    expect(i18n.t('backup.headline.okWithWarning', { count: 2 })).toBe('Backed up, except 2 unreadable files');
  });
});
