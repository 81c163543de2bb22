import { describe, expect, it } from 'vitest';
import * as W from './parsers/windows.js';
import { readScript, scriptPath } from '../../platform/node/scripts.js';
import { WINDOWS_SCRIPT_PARAMS, WINDOWS_SCRIPTS, windowsProbes } from './probes/windows.js';

const script = (name: keyof typeof WINDOWS_SCRIPTS) => readScript(WINDOWS_SCRIPTS[name]);

/**
 * Windows pitfalls on the JSON shapes our scripts print. These inputs are CONSTRUCTED here in the
 * shape of ConvertTo-Json output (not recordings: there is no Windows machine in CI); the recorded
 * Windows outputs are in fixtures/windows and run in parsers.fixtures.test.ts.
 */
const ctx = { now: new Date('2026-11-28T12:00:00Z'), username: 'dr.martin' };
const json = (v: unknown, pretty = false) => ({
  stdout: (pretty ? JSON.stringify(v, null, 4) : JSON.stringify(v)) + '\r\n',
  stderr: '',
  exitCode: 0,
});

describe('Windows probes', () => {
  it('call system tools by absolute path and PowerShell script files without profile, non-interactive, UTF-8', () => {
    const probes = windowsProbes({ systemRoot: 'D:\\WINNT' });
    const used = new Set<string>();
    for (const p of probes) {
      for (const c of p.commands) {
        expect(c.spec.file.startsWith('D:\\WINNT\\System32\\'), c.parserId).toBe(true);
        if (c.spec.file.endsWith('powershell.exe')) {
          expect(c.spec.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File']);
          const name = Object.values(WINDOWS_SCRIPTS).find((n) => scriptPath(n) === c.spec.args[5]);
          expect(name, c.parserId).toBeDefined();
          used.add(name!);
          const text = readScript(name!);
          expect(text).toContain('[Console]::OutputEncoding = [Text.Encoding]::UTF8');
          expect(text).toContain('ConvertTo-Json');
        }
      }
    }
    // Every check script is used by a probe (the computer model is system-info.ts's).
    expect([...used].sort()).toEqual(
      Object.values(WINDOWS_SCRIPTS)
        .filter((n) => n !== WINDOWS_SCRIPTS.computerModel)
        .sort(),
    );
  });

  it('scripts contain no double quote (the same text ran on the command line before) and take their constants as parameters', () => {
    for (const name of Object.keys(WINDOWS_SCRIPTS) as Array<keyof typeof WINDOWS_SCRIPTS>)
      expect(script(name).includes('"'), name).toBe(false);
    for (const [name, params] of Object.entries(WINDOWS_SCRIPT_PARAMS)) {
      for (const key of Object.keys(params))
        expect(script(name as keyof typeof WINDOWS_SCRIPTS), `${name} -${key}`).toMatch(new RegExp(`\\[string\\]\\$${key}\\b`));
    }
  });
});

describe('Windows parsers on PowerShell 5.1 / 7 shapes', () => {
  it('dates: 5.1 "\\/Date(ms)\\/" and 7 ISO-8601 give the same answer', () => {
    const old = { AMRunningMode: 'Normal', RealTimeProtectionEnabled: true, AntivirusSignatureAge: 0 };
    const ps51 = W.parseAntivirus(
      json({ Defender: { ...old, AntivirusSignatureLastUpdated: '/Date(1763200000000)/' }, Products: [] }, true),
      ctx,
    );
    const ps7 = W.parseAntivirus(
      json({ Defender: { ...old, AntivirusSignatureLastUpdated: '2025-11-15T09:46:40.0000000Z' }, Products: [] }),
      ctx,
    );
    expect(ps51).toEqual(ps7);
    expect(ps51).toMatchObject({ status: 'warning', key: 'antivirus.outdated', params: { days: 378 } });
    // Out of date by Defender's own flag, age unreadable: said without a number of days.
    const flagged = W.parseAntivirus(
      json({ Defender: { AMRunningMode: 'Normal', RealTimeProtectionEnabled: true, DefenderSignaturesOutOfDate: true }, Products: [] }),
      ctx,
    );
    expect(flagged).toEqual({ status: 'warning', key: 'antivirus.product-outdated', params: { name: 'Microsoft Defender' } });
  });

  it('passive Defender with a third-party antivirus whose real-time protection is on is fine', () => {
    const r = W.parseAntivirus(
      json({
        Defender: { AMRunningMode: 'Passive Mode', AntivirusEnabled: true, RealTimeProtectionEnabled: true, AntivirusSignatureAge: 0 },
        Products: [
          { displayName: 'Windows Defender', productState: 393472 },
          { displayName: 'ESET Security', productState: 266240 },
        ],
      }),
      ctx,
    );
    expect(r).toMatchObject({ status: 'ok', key: 'antivirus.product-ok', params: { name: 'ESET Security' } });
  });

  it('passive Defender and a third-party antivirus switched off is critical', () => {
    const r = W.parseAntivirus(
      json({
        Defender: { AMRunningMode: 'Passive Mode', RealTimeProtectionEnabled: true },
        Products: { displayName: 'ESET Security', productState: 262144 },
      }),
      ctx,
    );
    expect(r).toMatchObject({ status: 'critical', key: 'antivirus.realtime-off' });
  });

  it('a single product is unwrapped to an object by 5.1: read the same as a one-item list', () => {
    const one = W.parseAntivirus(json({ Defender: null, Products: { displayName: 'Kaspersky', productState: 266240 } }), ctx);
    const list = W.parseAntivirus(json({ Defender: null, Products: [{ displayName: 'Kaspersky', productState: 266240 }] }), ctx);
    expect(one).toEqual(list);
    expect(one.status).toBe('ok');
  });

  it('JSON cut by ConvertTo-Json depth is incomplete, never ok', () => {
    const r = W.parseAntivirus(
      json({ Defender: '@{AMRunningMode=Normal; RealTimeProtectionEnabled=True}', Products: 'System.Object[]' }),
      ctx,
    );
    expect(r).toMatchObject({ status: 'unknown', reason: { code: 'incomplete' } });
  });

  it('no antivirus at all is critical; Defender on with real-time off is critical', () => {
    expect(W.parseAntivirus(json({ Defender: null, Products: [] }), ctx)).toMatchObject({ status: 'critical', key: 'antivirus.none' });
    expect(
      W.parseAntivirus(json({ Defender: { AMRunningMode: 'Normal', RealTimeProtectionEnabled: false }, Products: [] }), ctx),
    ).toMatchObject({ status: 'critical' });
  });

  it('firewall: every profile must be on; enums cast to strings or numbers both read', () => {
    const on = [
      { Name: 'Domain', Enabled: 'True' },
      { Name: 'Private', Enabled: 'True' },
      { Name: 'Public', Enabled: 1 },
    ];
    expect(W.parseFirewallProfiles(json(on), ctx)).toMatchObject({ status: 'ok' });
    // Without the connected networks (a pasted list), every profile counts as in force.
    expect(W.parseFirewallProfiles(json([on[0], on[1], { Name: 'Public', Enabled: 'False' }]), ctx)).toMatchObject({
      status: 'critical',
      params: { profilesList: 'fw-public' },
    });
    expect(W.parseFirewallProfiles(json({ Name: 'Domain', Enabled: 'True' }), ctx)).toMatchObject({
      status: 'unknown',
      reason: { code: 'incomplete' },
    });
  });

  it('BitLocker from the no-admin shell property', () => {
    expect(W.parseBitLocker(json({ MountPoint: 'C:', BitLockerProtection: 1 }), ctx).status).toBe('ok');
    expect(W.parseBitLocker(json({ MountPoint: 'C:', BitLockerProtection: 2 }), ctx)).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.off.windows',
    });
    expect(W.parseBitLocker(json({ MountPoint: 'C:', BitLockerProtection: 5 }), ctx)).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.suspended',
    });
    expect(W.parseBitLocker(json({ MountPoint: 'C:', BitLockerProtection: null }), ctx)).toMatchObject({
      status: 'unknown',
      reason: { code: 'not-supported' },
    });
    expect(
      W.parseBitLocker(json({ MountPoint: 'C:', ProtectionStatus: 'On', VolumeStatus: 'FullyEncrypted', BitLockerProtection: 1 }), ctx)
        .status,
    ).toBe('ok');
  });

  it('version, updates, policies, accounts, disk and time', () => {
    expect(
      W.parseWindowsVersion(
        json({ ProductName: 'Windows 10 Pro', EditionID: 'Professional', DisplayVersion: '24H2', CurrentBuild: '26100', UBR: 4349 }),
        ctx,
      ),
    ).toMatchObject({
      status: 'critical',
      params: { name: 'Windows 11 24H2' },
    });
    expect(W.parseWindowsUpdates(json({ Pending: [], LastInstalled: '2026-11-12T03:00:00.0000000Z' }), ctx)).toMatchObject({
      status: 'ok',
    });
    expect(
      W.parseWindowsUpdates(
        json({ Pending: { Title: 'KB5050001', Severity: 'Critical', Security: true }, LastInstalled: '/Date(1794452400000)/' }),
        ctx,
      ),
    ).toMatchObject({
      status: 'critical',
      key: 'os-updates.pending-security',
    });
    expect(
      W.parseWindowsUpdates(
        json({ Pending: [{ Title: 'Pilote', Severity: '', Security: false }], LastInstalled: '2026-08-01T00:00:00Z' }),
        ctx,
      ),
    ).toMatchObject({
      status: 'critical',
      key: 'os-updates.too-old',
    });
    expect(W.parseWindowsUpdates(json({ SearchError: 'Exception 0x80240024' }), ctx)).toMatchObject({ status: 'unknown' });
    expect(
      W.parseWindowsAutoUpdate(json({ NoAutoUpdate: 1, AUOptions: null, PauseUpdatesExpiryTime: null, WuauservStartType: 'Manual' }), ctx)
        .status,
    ).toBe('critical');
    expect(
      W.parseWindowsAutoUpdate(
        json({ NoAutoUpdate: null, AUOptions: null, PauseUpdatesExpiryTime: '2026-12-05T10:00:00Z', WuauservStartType: 'Manual' }),
        ctx,
      ),
    ).toMatchObject({
      status: 'warning',
      key: 'auto-updates.paused',
      params: { untilDate: '2026-12-05' },
    });
    expect(
      W.parseWindowsAutoUpdate(
        json({ NoAutoUpdate: null, AUOptions: null, PauseUpdatesExpiryTime: null, WuauservStartType: 'Manual' }),
        ctx,
      ).status,
    ).toBe('ok');
    expect(
      W.parseWindowsScreenLock(
        json({ ScreenSaveActive: '1', ScreenSaverIsSecure: '1', ScreenSaveTimeOut: '600', InactivityTimeoutSecs: null }),
        ctx,
      ),
    ).toMatchObject({ status: 'ok', params: { minutes: 10 } });
    expect(
      W.parseWindowsScreenLock(
        json({ ScreenSaveActive: '1', ScreenSaverIsSecure: '0', ScreenSaveTimeOut: '300', InactivityTimeoutSecs: null }),
        ctx,
      ).status,
    ).toBe('critical');
    expect(
      W.parseWindowsScreenLock(
        json({ ScreenSaveActive: '0', ScreenSaverIsSecure: '0', ScreenSaveTimeOut: '900', InactivityTimeoutSecs: 300 }),
        ctx,
      ).status,
    ).toBe('ok');
    expect(W.parseWinlogon(json({ AutoAdminLogon: '1', DefaultUserName: 'accueil' }), ctx)).toMatchObject({
      status: 'critical',
      params: { user: 'accueil' },
    });
    expect(W.parseWinlogon(json({ AutoAdminLogon: '0', DefaultUserName: 'accueil' }), ctx).status).toBe('ok');
    // The guest account is found by SID (-501), whatever its localized name ("Invité", "Guest").
    expect(W.parseGuestAccount(json({ Name: 'Invité', SID: 'S-1-5-21-1-2-3-501', Disabled: true }), ctx).status).toBe('ok');
    expect(W.parseGuestAccount(json([{ Name: 'Invité', SID: 'S-1-5-21-1-2-3-501', Disabled: false }]), ctx).status).toBe('warning');
    expect(W.parseWindowsDisk(json({ DeviceID: 'C:', Size: 256_000_000_000, FreeSpace: 20_000_000_000 }), ctx)).toMatchObject({
      status: 'warning',
      key: 'disk-space.low',
    });
    expect(W.parseW32Time(json({ Type: 'NoSync', StartType: 'Manual', Status: 'Stopped' }), ctx).status).toBe('warning');
    expect(W.parseW32Time(json({ Type: 'NTP', StartType: 'Manual', Status: 'Stopped' }), ctx).status).toBe('ok');
    expect(W.parseWindowsPlatform(json({ SecureBoot: 1, TamperProtected: true, AMRunningMode: 'Normal' }), ctx).status).toBe('ok');
    expect(W.parseWindowsPlatform(json({ SecureBoot: 1, TamperProtected: false, AMRunningMode: 'Normal' }), ctx)).toMatchObject({
      key: 'platform-integrity.tamper-off',
    });
  });

  it('admin membership is read from the SID, with French group names', () => {
    const csv =
      '"Tout le monde","Groupe bien connu","S-1-1-0","Groupe obligatoire, Activé par défaut, Groupe activé"\r\n"BUILTIN\\Administrateurs","Alias","S-1-5-32-544","Groupe utilisé pour refuser uniquement"\r\n';
    expect(W.parseWhoamiGroups({ stdout: csv, stderr: '', exitCode: 0 }, ctx)).toMatchObject({
      status: 'warning',
      params: { user: 'dr.martin' },
    });
    const std =
      '"Tout le monde","Groupe bien connu","S-1-1-0","Groupe obligatoire"\r\n"BUILTIN\\Utilisateurs","Alias","S-1-5-32-545","Groupe obligatoire"\r\n';
    expect(W.parseWhoamiGroups({ stdout: std, stderr: '', exitCode: 0 }, ctx).status).toBe('ok');
  });
});

describe('Windows checks that match real machines (CONSTRUCTED shapes of our probe scripts)', () => {
  const ra = (o: Record<string, unknown>) =>
    json({
      fDenyTSConnections: 1,
      UserAuthentication: 1,
      PortNumber: 3389,
      PolicyDenyTSConnections: null,
      PolicyUserAuthentication: null,
      Services: [],
      Processes: [],
      ...o,
    });
  const svc = (Name: string, Status: string, StartType: string, DisplayName = Name) => ({ Name, DisplayName, Status, StartType });

  it('firewall: only the profiles of the connected networks are critical; categories read as names or 5.1 numbers', () => {
    const profiles = [
      { Name: 'Domain', Enabled: 'True' },
      { Name: 'Private', Enabled: 'False' },
      { Name: 'Public', Enabled: 'False' },
    ];
    expect(
      W.parseFirewallProfiles(json({ Profiles: profiles, Connections: [{ NetworkCategory: 2 }], PartOfDomain: true }), ctx),
    ).toMatchObject({
      status: 'warning',
      key: 'firewall.unused-off.windows',
      params: { profilesList: 'fw-private,fw-public' },
    });
    expect(
      W.parseFirewallProfiles(json({ Profiles: profiles, Connections: { NetworkCategory: 'Private' }, PartOfDomain: false }), ctx),
    ).toMatchObject({
      status: 'critical',
      params: { profilesList: 'fw-private' },
    });
    // Two networks at once: both profiles are in force.
    const two = json({
      Profiles: [
        { Name: 'Domain', Enabled: 'True' },
        { Name: 'Private', Enabled: 'True' },
        { Name: 'Public', Enabled: 'False' },
      ],
      Connections: [{ NetworkCategory: 'Private' }, { NetworkCategory: 'Public' }],
      PartOfDomain: false,
    });
    expect(W.parseFirewallProfiles(two, ctx)).toMatchObject({ status: 'critical', params: { profilesList: 'fw-public' } });
    expect(
      W.parseFirewallProfiles(json({ Profiles: profiles, Connections: [{ NetworkCategory: 'Guest' }], PartOfDomain: false }), ctx).status,
    ).toBe('unknown');
    expect(W.parseFirewallProfiles(json({ Profiles: 'System.Object[]', Connections: [], PartOfDomain: false }), ctx)).toMatchObject({
      status: 'unknown',
      reason: { code: 'incomplete' },
    });
    // The profile in force must be listed to say anything good.
    expect(
      W.parseFirewallProfiles(
        json({ Profiles: [{ Name: 'Domain', Enabled: 'True' }], Connections: [{ NetworkCategory: 'Public' }], PartOfDomain: false }),
        ctx,
      ).status,
    ).toBe('unknown');
  });

  it('Remote Desktop: open without NLA is critical and names the other open accesses; group policy overrides', () => {
    expect(
      W.parseRemoteAccess(ra({ fDenyTSConnections: 0, UserAuthentication: 0, Services: [svc('AnyDesk', 'Running', 'Automatic')] }), ctx),
    ).toMatchObject({
      status: 'critical',
      key: 'remote-access.rdp-unprotected-and-others',
      params: { servicesList: 'AnyDesk' },
    });
    // A missing UserAuthentication value is Microsoft's documented default: not required.
    expect(W.parseRemoteAccess(ra({ fDenyTSConnections: 0, UserAuthentication: null }), ctx)).toMatchObject({
      status: 'critical',
      key: 'remote-access.rdp-unprotected',
    });
    expect(W.parseRemoteAccess(ra({ fDenyTSConnections: 1, PolicyDenyTSConnections: 0, UserAuthentication: 1 }), ctx)).toMatchObject({
      status: 'warning',
      params: { servicesList: 'remote-desktop' },
    });
    expect(W.parseRemoteAccess(ra({ fDenyTSConnections: 0, UserAuthentication: 0, PolicyUserAuthentication: 1 }), ctx)).toMatchObject({
      status: 'warning',
    });
    expect(
      W.parseRemoteAccess(ra({ fDenyTSConnections: 0, UserAuthentication: 1, Services: [svc('TeamViewer', 'Running', 'Automatic')] }), ctx),
    ).toMatchObject({
      status: 'warning',
      params: { servicesList: 'remote-desktop,TeamViewer' },
    });
  });

  it('remote-control software counts when running or starting by itself, found by service, display name or process', () => {
    const r = (Services: unknown, Processes: unknown = []) => W.parseRemoteAccess(ra({ Services, Processes }), ctx);
    expect(r([svc('TeamViewer', 'Stopped', 'Manual'), svc('tvnserver', 'Stopped', 'Disabled', 'TightVNC Server')])).toMatchObject({
      status: 'ok',
      key: 'remote-access.off',
    });
    expect(r([svc('uvnc_service', 'Stopped', 'Automatic', 'uvnc_service')])).toMatchObject({
      status: 'warning',
      params: { servicesList: 'vnc' },
    });
    expect(r([svc('ScreenConnect Client (4f2a)', 'Running', 'Automatic')])).toMatchObject({ params: { servicesList: 'ScreenConnect' } });
    expect(
      r([
        svc('sshd', 'Running', 'Automatic', 'OpenSSH SSH Server'),
        svc('ssh-agent', 'Running', 'Automatic', 'OpenSSH Authentication Agent'),
      ]),
    ).toMatchObject({ params: { servicesList: 'ssh' } });
    // A single service is unwrapped to an object by 5.1; a single process name to a string.
    expect(r(svc('AnyDesk', 'Running', 'Automatic'), 'TeamViewer')).toMatchObject({ params: { servicesList: 'TeamViewer,AnyDesk' } });
    expect(r([], ['rustdesk'])).toMatchObject({ params: { servicesList: 'RustDesk' } });
    // An unrelated service whose name merely contains a tool's letters is not a tool.
    expect(r([svc('MyTeamViewerLikeApp', 'Running', 'Automatic', 'Something else')])).toMatchObject({ status: 'ok' });
    expect(r(null)).toMatchObject({ status: 'unknown', reason: { code: 'incomplete' } });
    expect(r('System.Object[]')).toMatchObject({ status: 'unknown', reason: { code: 'incomplete' } });
  });

  it('a pasted reg query with UserAuthentication 0 is read too', () => {
    const text =
      'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\r\n    fDenyTSConnections    REG_DWORD    0x0\r\n\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\r\n    UserAuthentication    REG_DWORD    0x0\r\n';
    expect(W.parseRemoteAccess({ stdout: text, stderr: '', exitCode: 0 }, ctx)).toMatchObject({
      status: 'critical',
      key: 'remote-access.rdp-unprotected',
    });
  });

  it('BitLocker: every conversion state has a verdict, protection on never hides a decryption', () => {
    const bl = (o: Record<string, unknown>) => W.parseBitLocker(json({ MountPoint: 'C:', BitLockerProtection: null, ...o }), ctx);
    expect(bl({ ProtectionStatus: 'On', VolumeStatus: 'DecryptionInProgress', EncryptionPercentage: 80 })).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.decrypting',
    });
    expect(bl({ ProtectionStatus: 'Off', VolumeStatus: 'EncryptionPaused', EncryptionPercentage: 41.7 })).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.paused',
      params: { percent: 41.7 },
    });
    expect(bl({ ProtectionStatus: 'Off', VolumeStatus: 'EncryptionPaused' })).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.paused-unmeasured',
      params: {},
    });
    expect(bl({ ProtectionStatus: 'Off', VolumeStatus: 'DecryptionPaused', EncryptionPercentage: 12 })).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.decryption-paused',
    });
    expect(bl({ ProtectionStatus: 'Off', VolumeStatus: 'EncryptionInProgress', EncryptionPercentage: 37 })).toMatchObject({
      status: 'warning',
      key: 'disk-encryption.in-progress',
      params: { percent: 37 },
    });
    expect(bl({ ProtectionStatus: 'On', VolumeStatus: 'FullyEncrypted', EncryptionPercentage: 100 })).toMatchObject({ status: 'ok' });
    expect(bl({ ProtectionStatus: 'Off', VolumeStatus: 'FullyDecrypted', EncryptionPercentage: 0 })).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.off.windows',
    });
    expect(bl({ ProtectionStatus: 1, VolumeStatus: 4, EncryptionPercentage: 50 })).toMatchObject({
      status: 'critical',
      key: 'disk-encryption.paused',
    });
    expect(bl({ ProtectionStatus: 'Unknown', VolumeStatus: 'FullyEncrypted' })).toMatchObject({ status: 'unknown' });
    expect(bl({ ProtectionStatus: 'Off', VolumeStatus: 'SomethingNew' })).toMatchObject({ status: 'unknown' });
    // No administrator rights: state from the shell property, no percentage to show.
    expect(W.parseBitLocker(json({ MountPoint: 'C:', BitLockerProtection: 3 }), ctx)).toMatchObject({
      status: 'warning',
      key: 'disk-encryption.in-progress-unmeasured',
      params: {},
    });
  });

  it('a DefaultPassword left behind warns, and is never repeated in the verdict', () => {
    const pasted = 'AutoAdminLogon  : 0\r\nDefaultUserName : secretariat\r\nDefaultPassword : Cabinet2019!\r\n';
    const f = W.parseWinlogon({ stdout: pasted, stderr: '', exitCode: 0 }, ctx);
    expect(f).toMatchObject({ status: 'warning', key: 'auto-login.password-left' });
    expect(JSON.stringify(f)).not.toContain('Cabinet2019');
    expect(
      W.parseWinlogon(
        { stdout: 'AutoAdminLogon  : 0\r\nDefaultUserName : secretariat\r\nDefaultPassword : \r\n', stderr: '', exitCode: 0 },
        ctx,
      ).status,
    ).toBe('ok');
    expect(W.parseWinlogon(json({ AutoAdminLogon: '1', DefaultUserName: 'accueil', DefaultPasswordSet: true }), ctx)).toMatchObject({
      status: 'critical',
      key: 'auto-login.on',
    });
    expect(W.parseWinlogon(json({ AutoAdminLogon: null, DefaultUserName: null, DefaultPasswordSet: false }), ctx).status).toBe('ok');
    // Our script only says whether a password is there.
    expect(script('winlogon')).toContain('DefaultPasswordSet=');
    expect(script('winlogon')).not.toMatch(/DefaultPassword=\$w\.DefaultPassword|Select-Object[^|]*DefaultPassword\b/);
  });

  it('SMBv1: « off » needs both sides read; both sides on is said once', () => {
    const probe = windowsProbes().find((p) => p.check === 'smbv1')!;
    expect(probe.commands.map((c) => c.parserId)).toEqual(['windows.sc-qc-lanmanworkstation', 'windows.smb-server']);
    const client = (on: boolean) => ({
      status: on ? ('critical' as const) : ('ok' as const),
      key: on ? ('smbv1.on' as const) : ('smbv1.off' as const),
      params: {},
    });
    const server = W.parseSmbServer(
      json({ ServerSMB1: null, LanmanServerStart: 2, FeatureServer: 1, Srv1Present: true, Srv1Start: 3 }),
      ctx,
    );
    const serverOff = W.parseSmbServer(
      json({ ServerSMB1: null, LanmanServerStart: 4, FeatureServer: 1, Srv1Present: true, Srv1Start: 3 }),
      ctx,
    );
    const serverUnknown = W.parseSmbServer(
      json({ ServerSMB1: null, LanmanServerStart: 2, FeatureServer: null, Srv1Present: null, Srv1Start: null }),
      ctx,
    );
    expect(serverOff).toMatchObject({ status: 'ok' });
    expect(serverUnknown.status).toBe('unknown');
    expect(probe.combine!([client(true), server], ctx)).toMatchObject({ status: 'critical', key: 'smbv1.both-on' });
    expect(probe.combine!([client(false), server], ctx)).toMatchObject({ status: 'critical', key: 'smbv1.server-on' });
    expect(probe.combine!([client(true), serverOff], ctx)).toMatchObject({ status: 'critical', key: 'smbv1.on' });
    expect(probe.combine!([client(false), serverUnknown], ctx).status).toBe('unknown');
    expect(probe.combine!([client(false), serverOff], ctx)).toMatchObject({ status: 'ok', key: 'smbv1.off' });
  });

  it('the probe scripts ask for what the parsers read, without administrator rights', () => {
    for (const id of [
      'f520e45e-7413-4a34-a497-d2765967d094',
      '1043add5-23b1-4afb-9a0f-64343c8f3f8d',
      '83d49986-add3-41d7-ba33-87c7bfb5c0fb',
    ])
      expect(WINDOWS_SCRIPT_PARAMS.version!.EsuFilter).toContain(`ID='${id}'`);
    expect(script('version')).toContain('-Filter $EsuFilter');
    expect(script('firewall')).toMatch(/Get-NetConnectionProfile/);
    expect(script('firewall')).toMatch(/PartOfDomain/);
    expect(script('remoteAccess')).toContain('Policies\\Microsoft\\Windows NT\\Terminal Services');
    expect(script('remoteAccess')).toContain('WinStations\\RDP-Tcp');
    expect(script('smbServer')).toContain('SMB1Protocol-Server');
    // Nothing that needs elevation: no Get-SmbServerConfiguration, no Get-WindowsOptionalFeature, no slmgr.
    for (const name of Object.keys(WINDOWS_SCRIPTS) as Array<keyof typeof WINDOWS_SCRIPTS>)
      expect(script(name)).not.toMatch(/Get-SmbServerConfiguration|Get-WindowsOptionalFeature|slmgr/i);
    // The patterns given to PowerShell's -match are the ones the parser uses, and are valid regular expressions.
    expect(script('remoteAccess')).toContain('-match $ServicePattern');
    expect(script('remoteAccess')).toContain('-match $ProcessPattern');
    const pattern = WINDOWS_SCRIPT_PARAMS.remoteAccess!.ServicePattern!;
    expect(() => new RegExp(pattern, 'i')).not.toThrow();
    expect(new RegExp(pattern, 'i').test('TeamViewer')).toBe(true);
  });
});
