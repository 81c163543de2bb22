import { describe, expect, it } from 'vitest';
import {
  BACKUP_RELAY_STRINGS,
  BACKUP_STRINGS,
  HEALTH_STRINGS,
  SCREEN_STRINGS,
  SHARED_STRINGS,
  SYSTEM_MESSAGE_STRINGS,
  TRIPWIRE_STRINGS,
  findJargon,
  type JargonFound as Found,
} from '@vigie/common';
import { RESOURCES } from './index.js';

/**
 * Every sentence the practitioner may read — the app's own words and those the services send
 * (the hub's chat lines, backup and restore messages, screen sharing, the security checks) — in
 * plain words (JARGON in common/plain-words.ts). The tray and notifications: main/services/i18n.test.ts.
 */
const SOURCES = (locale: 'fr' | 'en'): Record<string, unknown> => ({
  renderer: RESOURCES[locale].translation,
  systemChat: SYSTEM_MESSAGE_STRINGS[locale],
  backup: BACKUP_STRINGS[locale],
  backupRelay: BACKUP_RELAY_STRINGS[locale],
  screen: SCREEN_STRINGS[locale],
  shared: SHARED_STRINGS[locale],
  tripwire: TRIPWIRE_STRINGS[locale].app,
});

describe('plain words for the practitioner', () => {
  for (const locale of ['fr', 'en'] as const) {
    it(`no jargon in the app's words nor in what the services send (${locale})`, () => {
      const found: Found[] = [];
      for (const [name, value] of Object.entries(SOURCES(locale))) findJargon(name, value, found);
      expect(found).toEqual([]);
    });

    it(`no jargon in the security checks' texts (${locale})`, () => {
      const t = HEALTH_STRINGS[locale];
      const found: Found[] = [];
      // What the practitioner reads of a check: its name, status and texts. Why a check could not be
      // verified (the tool, its exit code) is the technician's: the app collapses those checks into one line.
      findJargon('health', { checks: t.checks, status: t.status, messages: t.messages }, found);
      expect(found).toEqual([]);
    });
  }

  it('the scan knows jargon when it sees it', () => {
    const found: Found[] = [];
    findJargon(
      't',
      [
        'Activez ufw',
        'le service systemd',
        'Get-MpComputerStatus',
        'SMBv1 est actif',
        'WannaCry',
        'compte root',
        'réponse JSON',
        'UEFI',
        'code EACCES',
        '2 jour(s)',
        'Restauré ici : {{path}}',
      ],
      found,
    );
    expect(found.map((f) => f.why)).toEqual([
      'command or tool name',
      'command or tool name',
      'command or tool name',
      'protocol or file format',
      'malware or CVE name',
      'system account or path',
      'protocol or file format',
      'protocol or file format',
      'error code',
      'fake plural',
      'raw value put in a sentence',
    ]);
  });
});
