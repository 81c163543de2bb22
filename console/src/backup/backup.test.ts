import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { TFunction } from 'i18next';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { BackupError, ErrorBody } from '@vigie/common';
import { quotedNames } from '../components/format';
import { createI18n } from '../i18n';
import { CONSOLE_SIDE } from '../lib/socket';
import { BackupErrorNotice } from './BackupSection';
import { backupErrorText } from './errors';
import { backupConsoleEn, backupConsoleFr } from './strings';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('console backup strings', () => {
  it('English has exactly the French keys', () => {
    expect(keys(backupConsoleEn).sort()).toEqual(keys(backupConsoleFr).sort());
  });

  it('are merged with the contract’s backup strings in both languages', () => {
    const i18n = createI18n('fr');
    expect(i18n.t('backup.ui.restore')).toBe('Restaurer sur le poste');
    expect(i18n.t('backup.modes.beside')).toBe('Restaurer une copie à côté');
    expect(i18n.t('backup.ui.chosen', { count: 1, names: '« a.pdf »', date: 'x' })).toBe('Choisi : « a.pdf » (sauvegarde du x)');
    void i18n.changeLanguage('en');
    expect(i18n.t('backup.ui.restore')).toBe('Restore on the device');
    expect(i18n.t('backup.restoreStates.done')).toBe('Restore complete');
  });
});

describe('console backup errors', () => {
  const interrupted = {
    reason: 'interrupted',
    messageKey: 'restoreInterrupted',
    message: 'La sauvegarde a été interrompue avant la fin.',
    nextStep: 'x',
  } as const;

  it('says a killed or cancelled restore by its message key, in the console’s language', () => {
    const fr = createI18n('fr');
    expect(backupErrorText(fr.t, interrupted)).toBe(
      'La restauration a été interrompue ; vos fichiers actuels n’ont pas été touchés. Vous pouvez relancer la restauration quand vous voulez.',
    );
    const en = createI18n('en');
    expect(backupErrorText(en.t, interrupted)).toBe(
      'The restore was interrupted; your current files were not touched. You can start the restore again whenever you like.',
    );
    // The same key carried by a call's error details.
    expect(
      backupErrorText(en.t, { code: 'CONFLICT', message: 'x', details: { reason: 'interrupted', messageKey: 'restoreInterrupted' } }),
    ).toContain('The restore was interrupted');
    // Without a key, the reason (a backup interrupted, then).
    expect(backupErrorText(en.t, { reason: 'interrupted', message: 'x', nextStep: 'y' })).toContain('The backup was interrupted');
  });

  it('shows a restore job’s error by its key in the job view’s notice, in French and in English', () => {
    const job: BackupError = { ...interrupted, at: '2025-03-03T10:00:00.000Z' };
    const html = (lng: 'fr' | 'en') =>
      renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n(lng) }, createElement(BackupErrorNotice, { error: job })));
    expect(html('fr')).toContain('La restauration a été interrompue ; vos fichiers actuels n’ont pas été touchés.');
    expect(html('fr')).not.toContain('La sauvegarde a été interrompue');
    expect(html('en')).toContain('The restore was interrupted; your current files were not touched.');
    expect(html('en')).toContain('role="alert"');
  });

  it('passes a reason the error’s own count, never an invented one', () => {
    const i18n = createI18n('fr');
    const seen: Array<Record<string, unknown> | undefined> = [];
    // The console's own `t`, noting what each reason text is given.
    const real = i18n.t.bind(i18n) as unknown as (key: string, options?: Record<string, unknown>) => string;
    const t = ((key: string, options?: Record<string, unknown>) => {
      if (key.startsWith('backup.reasons.') && !(options && 'defaultValue' in options)) seen.push(options);
      return real(key, options);
    }) as unknown as TFunction;
    backupErrorText(t, { code: 'INTERNAL', message: 'x', details: { reason: 'unreadable-files', count: 3 } });
    expect(seen).toEqual([{ count: 3 }, { count: 3 }]);
    seen.length = 0;
    backupErrorText(t, { code: 'CONFLICT', message: 'x', details: { reason: 'busy' } });
    backupErrorText(t, { reason: 'disk-full', message: 'x', nextStep: 'y' });
    expect(seen).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('never shows the hub’s French sentence: the code said for the device’s backups, or the generic one when the hub itself is out of reach', () => {
    const en = createI18n('en');
    const said = (e: ErrorBody, access = false) => backupErrorText(en.t, e, { access });
    expect(said({ code: 'CONFLICT', message: 'Cette demande est close : les sauvegardes du poste ne sont plus accessibles d’ici.' })).toBe(
      backupConsoleEn.errors.CONFLICT,
    );
    expect(said({ code: 'FORBIDDEN', message: 'Cette demande ne vous est pas attribuée.' })).toBe(backupConsoleEn.errors.FORBIDDEN);
    expect(said({ code: 'OFFLINE', message: 'Le poste est hors ligne : réessayez quand il sera allumé et connecté.' })).toBe(
      'The device is offline: try again once it is switched on and connected.',
    );
    expect(said({ code: 'TIMEOUT', message: 'Le poste n’a pas répondu à temps. Réessayez.' })).toBe(
      'The device did not answer in time. Try again.',
    );
    expect(said({ code: 'OFFLINE', message: 'Hub injoignable.', details: { ...CONSOLE_SIDE } })).toBe(
      'Connection lost. Retrying automatically.',
    );
    expect(said({ code: 'TIMEOUT', message: 'Pas de réponse du hub.', details: { ...CONSOLE_SIDE } })).toBe(
      'No answer in time. Please try again.',
    );
    expect(said({ code: 'RATE_LIMITED', message: 'Trop.', details: { reason: 'too-many-asks', retryAfterMs: 1000 } }, true)).toBe(
      backupConsoleEn.access.refusals['too-many-asks'],
    );
    expect(said({ code: 'NOT_FOUND', message: 'Introuvable.' })).toBe('Not found.');
    // « busy » of an access call is another technician; of a device call, a restore already running.
    expect(said({ code: 'CONFLICT', message: 'x', details: { reason: 'busy' } }, true)).toBe(backupConsoleEn.access.refusals.busy);
    expect(said({ code: 'CONFLICT', message: 'x', details: { reason: 'busy' } })).toBe(
      'A backup or a restore is already running. Wait for it to finish, then try again.',
    );
    expect(said({ code: 'CONFLICT', message: 'x', details: { reason: 'not-granted' } })).toBe(
      backupConsoleEn.access.refusals['not-granted'],
    );
    for (const e of [
      said({ code: 'CONFLICT', message: 'é' }),
      said({ code: 'OFFLINE', message: 'é' }),
      said({ code: 'FORBIDDEN', message: 'é' }),
    ])
      expect(e).not.toMatch(/[éèà]/);
    expect(backupErrorText(createI18n('fr').t, { code: 'OFFLINE', message: 'x' })).toBe(backupConsoleFr.errors.OFFLINE);
  });

  it('quotes names with the language’s quotes', () => {
    const fr = createI18n('fr');
    const en = createI18n('en');
    expect(quotedNames(fr.t, ['a.pdf', 'Dupont 2025.txt'])).toBe('« a.pdf », « Dupont 2025.txt »');
    expect(quotedNames(en.t, ['a.pdf', 'Dupont 2025.txt'])).toBe('“a.pdf”, “Dupont 2025.txt”');
    expect(en.t('backup.ui.chosen', { count: 1, names: quotedNames(en.t, ['a.pdf']), date: 'x' })).toBe('Chosen: “a.pdf” (backup of x)');
    expect(en.t('devicePage.restore.line', { date: 'x', name: 'Julie Martin', what: quotedNames(en.t, ['a.pdf']) })).toBe(
      'x — Julie Martin: “a.pdf”',
    );
  });
});
