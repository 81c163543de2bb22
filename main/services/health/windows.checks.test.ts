// The Windows checks on real machines' situations (firewall networks, Remote Desktop, BitLocker states, SMBv1…); shared inputs in test-support/windows.ts.
import { describe, expect, it } from 'vitest';
import * as W from './parsers/windows.js';
import { WINDOWS_SCRIPT_PARAMS, WINDOWS_SCRIPTS, windowsProbes } from './probes/windows.js';
import { ctx, json, script } from './test-support/windows.js';

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
