import { describe, expect, it } from 'vitest';
import { HEALTH_STRINGS, HEALTH_TERMS, isHealthMessageKey, renderCheckMessage, type CheckId, type HealthMessageKey, type Locale } from '@vigie/common';

/**
 * The practitioner's texts of the checks that read real Windows and macOS machines (firewall
 * profiles, Remote Desktop and remote-control software, BitLocker states, a password left in clear,
 * XProtect, the old file sharing, Windows 10 paid extended updates): in both languages, in plain
 * words. Tool names, registry keys and protocol acronyms belong to the technician's raw evidence.
 */
const KEYS: Array<[CheckId, HealthMessageKey, Record<string, string>]> = [
  ['firewall', 'firewall.on', {}],
  ['firewall', 'firewall.off.windows', { profilesList: 'fw-public' }],
  ['firewall', 'firewall.unused-off.windows', { profilesList: 'fw-domain,fw-public' }],
  ['remote-access', 'remote-access.off', {}],
  ['remote-access', 'remote-access.on', { servicesList: 'remote-desktop,ssh,vnc,screen-sharing,remote-management,TeamViewer' }],
  ['remote-access', 'remote-access.rdp-unprotected', {}],
  ['remote-access', 'remote-access.rdp-unprotected-and-others', { servicesList: 'AnyDesk,ssh' }],
  ['disk-encryption', 'disk-encryption.off.windows', {}],
  ['disk-encryption', 'disk-encryption.in-progress', { percent: '37 %' }],
  ['disk-encryption', 'disk-encryption.in-progress-unmeasured', {}],
  ['disk-encryption', 'disk-encryption.paused', { percent: '42 %' }],
  ['disk-encryption', 'disk-encryption.decryption-paused', {}],
  ['disk-encryption', 'disk-encryption.decrypting', {}],
  ['disk-encryption', 'disk-encryption.suspended', {}],
  ['auto-login', 'auto-login.password-left', { user: 'accueil' }],
  ['antivirus', 'antivirus.macos-ok', {}],
  ['antivirus', 'antivirus.macos-current', { sinceDate: '2026-11-20' }],
  ['antivirus', 'antivirus.macos-outdated', { sinceDate: '2026-06-01' }],
  ['antivirus', 'antivirus.macos-missing', {}],
  ['antivirus', 'antivirus.macos-updates-off', {}],
  ['smbv1', 'smbv1.off', {}],
  ['smbv1', 'smbv1.on', {}],
  ['smbv1', 'smbv1.server-on', {}],
  ['smbv1', 'smbv1.both-on', {}],
  ['smbv1', 'smbv1.allowed', {}],
  ['os-supported', 'os-supported.esu', { name: 'Windows 10 22H2', untilDate: '2027-10-12' }],
];

/** Words a practitioner should never have to read in these texts. */
const JARGON =
  /\b(NLA|SMB\w*|CIFS|GPO|group polic\w*|stratégie de groupe|RDP|SSH|VNC|BitLocker|XProtect|FileVault|PowerShell|registre|registry|HKLM|HKEY\w*|Get-\w+|reg query|netsh|manage-bde|WannaCry|NotPetya|fDeny\w*|UserAuthentication|ESU|Win32_\w+|WMI|launchctl|kickstart|sshd|daemon|MAK|UBR|Terminal Services?)\b/i;

describe('practitioner texts of the real-machine checks', () => {
  for (const locale of ['fr', 'en'] as Locale[]) {
    it(`exist, are filled and speak plain words (${locale})`, () => {
      for (const [id, key, params] of KEYS) {
        expect(isHealthMessageKey(key), key).toBe(true);
        const text = renderCheckMessage(locale, { id, message: { key, params }, reason: null });
        const all = [HEALTH_STRINGS[locale].checks[id], text.title, text.explanation, text.remediation ?? ''].join(' | ');
        expect(all, key).not.toMatch(JARGON);
        expect(all, key).not.toMatch(/\{\{|\}\}|fw-|remote-desktop|remote-management/);
      }
    });
  }

  it('lists are translated and joined the way each language writes them', () => {
    const fw = { id: 'firewall' as const, message: { key: 'firewall.unused-off.windows', params: { profilesList: 'fw-private,fw-public' } }, reason: null };
    expect(renderCheckMessage('fr', fw).explanation).toContain('(réseau privé et réseau public)');
    expect(renderCheckMessage('en', fw).explanation).toContain('(private network and public network)');
    const ra = { id: 'remote-access' as const, message: { key: 'remote-access.on', params: { servicesList: 'remote-desktop,TeamViewer,ssh' } }, reason: null };
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
    for (const locale of ['fr', 'en'] as Locale[]) {
      const t = renderCheckMessage(locale, { id: 'remote-access', message: { key: 'remote-access.off', params: {} }, reason: null });
      expect(`${t.title} ${t.explanation}`).not.toMatch(/personne ne peut|nobody can/i);
      expect(t.explanation).toMatch(locale === 'fr' ? /parmi ceux qu’il sait reconnaître/ : /among those it can recognise/);
    }
  });
});

describe('reports from devices not yet updated', () => {
  it('still show their ready-made lists', () => {
    const old = { id: 'remote-access' as const, message: { key: 'remote-access.on', params: { services: 'Bureau à distance (RDP)' } }, reason: null };
    expect(renderCheckMessage('fr', old).explanation).toContain('(Bureau à distance (RDP))');
    const fw = { id: 'firewall' as const, message: { key: 'firewall.off.windows', params: { profiles: 'Public' } }, reason: null };
    expect(renderCheckMessage('en', fw).explanation).toContain('(Public)');
  });
});
