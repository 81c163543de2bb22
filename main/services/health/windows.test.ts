// The Windows probes (how scripts are run) and parsers on PowerShell 5.1 / 7 shapes; the real-machine situations are in windows.checks.test.ts.
import { describe, expect, it } from 'vitest';
import * as W from './parsers/windows.js';
import { readScript, scriptPath } from '../../platform/node/scripts.js';
import { WINDOWS_SCRIPT_PARAMS, WINDOWS_SCRIPTS, windowsProbes } from './probes/windows.js';
import { ctx, json, script } from './test-support/windows.js';

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
