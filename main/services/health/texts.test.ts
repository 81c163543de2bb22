import { describe, expect, it } from 'vitest';
import {
  HEALTH_STRINGS,
  HEALTH_TERMS,
  UNKNOWN_REASONS,
  isHealthMessageKey,
  renderCheckMessage,
  renderTechnicalReason,
  type CheckId,
  type HealthMessageKey,
  type Locale,
  type MessageParams,
} from '@vigie/common';
import { PRACTITIONER_JARGON } from './test-support/index.js';

/**
 * The practitioner's texts of every check (title, verdict, what to do), in both languages, in plain
 * words: no tool, command, configuration key, protocol acronym or error code — those belong to the
 * technician's raw evidence, which the report keeps beside them. Real plural forms, numbers written
 * the way each language writes them, French elisions.
 */

/**
 * Every message with the parameters a device really sends for it — technician-only ones included
 * (`tool`, `mount`, a `user` of « root »): they must never reach the practitioner's words.
 */
const SAMPLES = {
  'disk-encryption.on': ['disk-encryption', {}],
  'disk-encryption.off.macos': ['disk-encryption', {}],
  'disk-encryption.off.windows': ['disk-encryption', {}],
  'disk-encryption.off.linux': ['disk-encryption', {}],
  'disk-encryption.in-progress': ['disk-encryption', { percent: 37 }],
  'disk-encryption.in-progress-unmeasured': ['disk-encryption', {}],
  'disk-encryption.paused': ['disk-encryption', { percent: 41.7 }],
  'disk-encryption.paused-unmeasured': ['disk-encryption', {}],
  'disk-encryption.decryption-paused': ['disk-encryption', {}],
  'disk-encryption.pending': ['disk-encryption', {}],
  'disk-encryption.suspended': ['disk-encryption', {}],
  'disk-encryption.decrypting': ['disk-encryption', {}],
  'antivirus.defender-ok': ['antivirus', {}],
  'antivirus.product-ok': ['antivirus', { name: 'Avast Antivirus' }],
  'antivirus.realtime-off': ['antivirus', { name: 'Microsoft Defender' }],
  'antivirus.outdated': ['antivirus', { name: 'Microsoft Defender', days: 12 }],
  'antivirus.product-outdated': ['antivirus', { name: 'ESET Security' }],
  'antivirus.none': ['antivirus', {}],
  'antivirus.macos-ok': ['antivirus', {}],
  'antivirus.macos-current': ['antivirus', { sinceDate: '2026-11-20' }],
  'antivirus.macos-outdated': ['antivirus', { sinceDate: '2026-06-01' }],
  'antivirus.macos-missing': ['antivirus', {}],
  'antivirus.macos-updates-off': ['antivirus', {}],
  'antivirus.linux-clamav-ok': ['antivirus', {}],
  'antivirus.linux-clamav-no-updates': ['antivirus', {}],
  'antivirus.linux-none': ['antivirus', {}],
  'firewall.on': ['firewall', { tool: 'ufw' }],
  'firewall.off.macos': ['firewall', {}],
  'firewall.off.windows': ['firewall', { profilesList: 'fw-public' }],
  'firewall.unused-off.windows': ['firewall', { profilesList: 'fw-domain,fw-public' }],
  'firewall.off.linux': ['firewall', { tool: 'nftables' }],
  'os-supported.ok': ['os-supported', { name: 'Windows 11 24H2', edition: 'win-enterprise', untilDate: '2027-10-12' }],
  'os-supported.ok-estimated': ['os-supported', { name: 'macOS 15 Sequoia', untilDate: '2027-09-15' }],
  'os-supported.recent': ['os-supported', { name: 'macOS 27.1' }],
  'os-supported.ending-soon': ['os-supported', { name: 'Windows 10 21H2', edition: 'win-ltsc', untilDate: '2027-01-12' }],
  'os-supported.extended': ['os-supported', { name: 'Debian 12 (bookworm)', untilDate: '2028-06-30' }],
  'os-supported.esu': ['os-supported', { name: 'Windows 10 22H2', untilDate: '2027-10-12' }],
  'os-supported.ended': ['os-supported', { name: 'Windows 11 22H2', edition: 'win-enterprise', sinceDate: '2025-10-14' }],
  'os-updates.none': ['os-updates', {}],
  'os-updates.pending': ['os-updates', { count: 3 }],
  'os-updates.pending-security': ['os-updates', { count: 5, security: 2 }],
  'os-updates.stale-lists': ['os-updates', { days: 9 }],
  'os-updates.too-old': ['os-updates', { days: 61 }],
  'auto-updates.on': ['auto-updates', {}],
  'auto-updates.off': ['auto-updates', {}],
  'auto-updates.check-only': ['auto-updates', {}],
  'auto-updates.paused': ['auto-updates', { untilDate: '2026-12-05' }],
  'screen-lock.ok': ['screen-lock', { minutes: 5 }],
  'screen-lock.too-long': ['screen-lock', { minutes: 30 }],
  'screen-lock.never': ['screen-lock', {}],
  'screen-lock.no-password': ['screen-lock', {}],
  'admin-user.standard': ['admin-user', { user: 'secretariat' }],
  'admin-user.admin': ['admin-user', { user: 'accueil' }],
  'admin-user.root': ['admin-user', { user: 'root' }],
  'auto-login.off': ['auto-login', {}],
  'auto-login.on': ['auto-login', { user: 'Accueil' }],
  'auto-login.password-left': ['auto-login', { user: 'accueil' }],
  'guest-account.off': ['guest-account', {}],
  'guest-account.on': ['guest-account', {}],
  'remote-access.off': ['remote-access', {}],
  'remote-access.on': ['remote-access', { servicesList: 'remote-desktop,ssh,vnc,screen-sharing,remote-management,TeamViewer' }],
  'remote-access.rdp-unprotected': ['remote-access', {}],
  'remote-access.rdp-unprotected-and-others': ['remote-access', { servicesList: 'AnyDesk,ssh' }],
  'smbv1.off': ['smbv1', {}],
  'smbv1.on': ['smbv1', {}],
  'smbv1.server-on': ['smbv1', {}],
  'smbv1.both-on': ['smbv1', {}],
  'smbv1.allowed': ['smbv1', {}],
  'platform-integrity.ok': ['platform-integrity', {}],
  'platform-integrity.sip-off': ['platform-integrity', {}],
  'platform-integrity.sip-custom': ['platform-integrity', {}],
  'platform-integrity.gatekeeper-off': ['platform-integrity', {}],
  'platform-integrity.secure-boot-off': ['platform-integrity', {}],
  'platform-integrity.tamper-off': ['platform-integrity', {}],
  'platform-integrity.mac-off': ['platform-integrity', {}],
  'disk-space.ok': ['disk-space', { freeBytes: 120 * 1024 ** 3, percent: 41.7, mount: '/System/Volumes/Data' }],
  'disk-space.low': ['disk-space', { freeBytes: 8.4 * 1024 ** 3, percent: 7.5, mount: 'C:' }],
  'disk-space.full': ['disk-space', { freeBytes: 900 * 1024 ** 2, percent: 1.2, mount: '/' }],
  'time-sync.ok': ['time-sync', {}],
  'time-sync.off': ['time-sync', {}],
  'time-sync.drift': ['time-sync', { seconds: 95 }],
  'backup-recency.ok': ['backup-recency', { hours: 3 }],
  'backup-recency.stale': ['backup-recency', { days: 2 }],
  'backup-recency.old': ['backup-recency', { days: 6 }],
  'backup-recency.failed': ['backup-recency', {}],
  'backup-recency.never': ['backup-recency', {}],
  'backup-recency.not-configured': ['backup-recency', {}],
  unknown: ['firewall', {}],
} satisfies Record<HealthMessageKey, [CheckId, MessageParams]>;

/** Product names a practitioner meets on their own screen, allowed where the text sends them to it. */
const ON_SCREEN: Partial<Record<HealthMessageKey, RegExp>> = { 'disk-encryption.off.macos': /FileVault/g };

/** What a technician's parameters look like: they explain the failure to them, never to the practitioner. */
const TECHNICAL_PARAMS: MessageParams = {
  command: 'ufw status',
  exitCode: 127,
  seconds: 20,
  detail: 'systemd n’est pas actif sur cette machine',
};

const LOCALES: Locale[] = ['fr', 'en'];
type Rendered = { title: string; explanation: string; remediation: string | null };
const render = (
  locale: Locale,
  id: CheckId,
  key: string,
  params: MessageParams,
  reason: { code: (typeof UNKNOWN_REASONS)[number]; params: MessageParams } | null = null,
): Rendered => renderCheckMessage(locale, { id, message: { key, params }, reason: reason && { ...reason, text: '' } });
const all = (t: Rendered, id: CheckId, locale: Locale) =>
  [HEALTH_STRINGS[locale].checks[id], t.title, t.explanation, t.remediation ?? ''].join(' | ');

/** The checks a practitioner must be able to read: no jargon, no code or hole left, no « (s) ». */
function expectPlain(text: string, what: string) {
  expect(text, what).not.toMatch(PRACTITIONER_JARGON);
  expect(text, what).not.toMatch(/\{\{|\}\}|\bfw-|remote-desktop|remote-management|win-enterprise|win-ltsc/);
  expect(text, what).not.toMatch(/\((s|es|x)\)|\?\s*%|\(\s*\)| {2}|\bundefined\b|\bNaN\b/);
}

describe('practitioner texts of every check', () => {
  it('every message has its sample here (a new message gets checked as soon as it is written)', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(HEALTH_STRINGS.fr.messages).sort());
    for (const key of Object.keys(SAMPLES)) expect(isHealthMessageKey(key), key).toBe(true);
  });

  for (const locale of LOCALES) {
    it(`speak plain words, in every message (${locale})`, () => {
      for (const [key, [id, params]] of Object.entries(SAMPLES) as Array<[HealthMessageKey, [CheckId, MessageParams]]>) {
        const text = all(render(locale, id, key, params), id, locale).replace(ON_SCREEN[key] ?? /$^/, 'Product');
        expectPlain(text, `${locale} ${key}`);
        for (const p of ['tool', 'mount']) if (typeof params[p] === 'string') expect(text, `${key} shows ${p}`).not.toContain(params[p]);
      }
    });

    it(`a check that could not be verified says why in plain words, the command and its code stay for the technician (${locale})`, () => {
      for (const code of UNKNOWN_REASONS) {
        const t = render(locale, 'time-sync', 'unknown', {}, { code, params: TECHNICAL_PARAMS });
        expectPlain(all(t, 'time-sync', locale), `${locale} unknown ${code}`);
        expect(t.explanation, code).not.toMatch(/127|ufw|systemd/);
        expect(t.explanation.length, code).toBeGreaterThan(
          locale === 'fr' ? 'Vigie n’a pas pu vérifier ce point : '.length : 'Vigie could not check this point: '.length,
        );
      }
      // The technician's own sentence keeps what happened, in their language.
      const tech = renderTechnicalReason(locale, { code: 'command-failed', params: { command: 'ufw status', exitCode: 127 } });
      expect(tech).toContain('ufw status');
      expect(tech).toContain('127');
      expect(renderTechnicalReason(locale, { code: 'timeout', params: { command: 'apt list --upgradable', seconds: 60 } })).toContain(
        'apt list --upgradable',
      );
    });
  }

  it('names of Windows editions are written in the reader’s language', () => {
    const [id, params] = SAMPLES['os-supported.ended'];
    expect(render('fr', id, 'os-supported.ended', params).explanation).toContain('Windows 11 22H2 Entreprise ou Éducation ne reçoit plus');
    expect(render('en', id, 'os-supported.ended', params).explanation).toContain('Windows 11 22H2 Enterprise or Education has received no');
    // A report from a device not yet updated carries the French name: read in English, it is English.
    const old = { name: 'Windows 11 22H2 Entreprise/Éducation', sinceDate: '2025-10-14' };
    expect(render('en', id, 'os-supported.ended', old).explanation).toContain('Windows 11 22H2 Enterprise or Education has');
    expect(render('fr', id, 'os-supported.ended', old).explanation).toContain('Windows 11 22H2 Entreprise ou Éducation ne');
  });

  it('lists are translated and joined the way each language writes them', () => {
    const fw = {
      id: 'firewall' as const,
      message: { key: 'firewall.unused-off.windows', params: { profilesList: 'fw-private,fw-public' } },
      reason: null,
    };
    expect(renderCheckMessage('fr', fw).explanation).toContain('(réseau privé et réseau public)');
    expect(renderCheckMessage('en', fw).explanation).toContain('(private network and public network)');
    const ra = {
      id: 'remote-access' as const,
      message: { key: 'remote-access.on', params: { servicesList: 'remote-desktop,TeamViewer,ssh' } },
      reason: null,
    };
    expect(renderCheckMessage('fr', ra).explanation).toContain('(bureau à distance, TeamViewer et connexion à distance en mode texte)');
    expect(renderCheckMessage('en', ra).explanation).toContain('(Remote Desktop, TeamViewer and remote text-mode access)');
  });

  it('every term has its words in both languages', () => {
    for (const t of HEALTH_TERMS) {
      expect(HEALTH_STRINGS.fr.terms[t], t).toBeTruthy();
      expect(HEALTH_STRINGS.en.terms[t], t).toBeTruthy();
    }
  });

  it('« nobody can take control » is never claimed: the all-clear says what was looked for', () => {
    for (const locale of LOCALES) {
      const t = renderCheckMessage(locale, { id: 'remote-access', message: { key: 'remote-access.off', params: {} }, reason: null });
      expect(`${t.title} ${t.explanation}`).not.toMatch(/personne ne peut|nobody can/i);
      expect(t.explanation).toMatch(locale === 'fr' ? /parmi ceux qu’il sait reconnaître/ : /among those it can recognise/);
    }
  });
});

describe('plurals, numbers and elisions', () => {
  const say = (locale: Locale, key: HealthMessageKey, params: MessageParams) => {
    const t = render(locale, SAMPLES[key][0], key, params);
    return `${t.title} ${t.explanation} ${t.remediation ?? ''}`;
  };

  it('one and several are written as each language writes them', () => {
    expect(say('fr', 'os-updates.pending', { count: 1 })).toContain('1 mise à jour du système attend d’être installée.');
    expect(say('fr', 'os-updates.pending', { count: 3 })).toContain('3 mises à jour du système attendent d’être installées.');
    expect(say('en', 'os-updates.pending', { count: 1 })).toContain('1 system update is waiting to be installed.');
    expect(say('en', 'os-updates.pending', { count: 3 })).toContain('3 system updates are waiting to be installed.');
    expect(say('fr', 'os-updates.pending-security', { count: 1, security: 1 })).toContain('1 correctif de sécurité n’est pas installé');
    expect(say('fr', 'os-updates.pending-security', { count: 5, security: 2 })).toContain('2 correctifs de sécurité ne sont pas installés');
    expect(say('en', 'os-updates.pending-security', { count: 1, security: 1 })).toContain('1 security fix is not installed');
    expect(say('fr', 'backup-recency.stale', { days: 1 })).toContain('date de 1 jour.');
    expect(say('fr', 'backup-recency.old', { days: 4 })).toContain('date de 4 jours');
    expect(say('en', 'backup-recency.stale', { days: 1 })).toContain('is 1 day old.');
    expect(say('fr', 'backup-recency.ok', { hours: 1 })).toContain('il y a 1 heure.');
    expect(say('fr', 'backup-recency.ok', { hours: 5 })).toContain('il y a 5 heures.');
    expect(say('fr', 'backup-recency.ok', { hours: 0 })).toContain('il y a moins d’une heure.');
    expect(say('en', 'backup-recency.ok', { hours: 0 })).toContain('less than an hour ago.');
    expect(say('en', 'screen-lock.ok', { minutes: 1 })).toContain('After 1 minute without activity');
    expect(say('fr', 'screen-lock.ok', { minutes: 0 })).not.toMatch(/\b0 minute/);
    expect(say('fr', 'time-sync.drift', { seconds: 1 })).toContain('1 seconde d’écart');
    expect(say('fr', 'antivirus.outdated', { name: 'Norton', days: 1 })).toContain('ont 1 jour');
    // No message anywhere writes « (s) » for a plural it does not know.
    for (const locale of LOCALES) {
      for (const [key, [id, params]] of Object.entries(SAMPLES) as Array<[HealthMessageKey, [CheckId, MessageParams]]>) {
        for (const n of [0, 1, 2, 1000]) {
          const numeric = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? n : v]));
          expect(all(render(locale, id, key, numeric), id, locale), `${locale} ${key} ${n}`).not.toMatch(/\((s|es|x)\)/);
        }
      }
    }
  });

  it('numbers and sizes are written the way each language writes them', () => {
    const disk = { freeBytes: 12.3 * 1024 ** 3, percent: 41.7 };
    expect(say('fr', 'disk-space.ok', disk)).toContain('12,3 Go libres (41,7 % du disque)');
    expect(say('en', 'disk-space.ok', disk)).toContain('12.3 GB free (41.7% of the disk)');
    expect(say('fr', 'disk-space.full', { freeBytes: 900 * 1024 ** 2, percent: 1.2 })).toContain('Il ne reste que 900 Mo (1,2 %)');
    expect(say('fr', 'disk-encryption.paused', { percent: 41.7 })).toContain('(41,7 % du disque)');
    expect(say('en', 'disk-encryption.in-progress', { percent: 37.5 })).toContain('(37.5%)');
    // Reports from devices not yet updated: the size was written by the device, the percentage with its sign.
    expect(say('fr', 'disk-space.ok', { free: '12.3 Go', percent: 41 })).toContain('12.3 Go libres (41 % du disque)');
    expect(say('en', 'disk-encryption.in-progress', { percent: '37 %' })).toContain('(37%)');
  });

  it('French elides « de » and « que » before a vowel, never in English', () => {
    expect(say('fr', 'antivirus.realtime-off', { name: 'Avast Antivirus' })).toContain(
      'La surveillance permanente d’Avast Antivirus est coupée',
    );
    expect(say('fr', 'antivirus.realtime-off', { name: 'Norton 360' })).toContain('La surveillance permanente de Norton 360 est coupée');
    expect(say('fr', 'antivirus.outdated', { name: 'ESET Security', days: 9 })).toContain(
      'Les définitions de virus d’ESET Security ont 9 jours',
    );
    expect(say('fr', 'antivirus.product-outdated', { name: 'Microsoft Defender' })).toContain('de Microsoft Defender ne sont pas à jour');
    expect(say('fr', 'auto-login.on', { user: 'Accueil' })).toContain('la session d’Accueil s’ouvre toute seule');
    expect(say('fr', 'auto-login.on', { user: 'dr-martin' })).toContain('la session de dr-martin s’ouvre toute seule');
    expect(say('fr', 'auto-login.on', { user: '' })).toContain('Au démarrage, la session s’ouvre toute seule');
    expect(say('en', 'antivirus.realtime-off', { name: 'Avast Antivirus' })).toContain('Constant checking by Avast Antivirus is off');
    expect(say('en', 'auto-login.on', { user: '' })).toContain('At start-up, the session opens by itself');
  });
});

describe('reports from devices not yet updated', () => {
  it('still show their ready-made lists', () => {
    const old = {
      id: 'remote-access' as const,
      message: { key: 'remote-access.on', params: { services: 'Bureau à distance (RDP)' } },
      reason: null,
    };
    expect(renderCheckMessage('fr', old).explanation).toContain('(Bureau à distance (RDP))');
    const fw = { id: 'firewall' as const, message: { key: 'firewall.off.windows', params: { profiles: 'Public' } }, reason: null };
    expect(renderCheckMessage('en', fw).explanation).toContain('(Public)');
  });
});
