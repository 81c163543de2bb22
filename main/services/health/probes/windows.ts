import type { CommandSpec, Probe, ProbeCommand } from '../types.js';
import * as W from '../parsers/windows.js';
import { WINDOWS10_ESU_BUILD, WINDOWS10_ESU_YEARS } from '../parsers/eol.js';
import { unionPattern } from '../parsers/remote-tools.js';
import { critical } from '../parsers/util.js';
import { strict } from './combine.js';

/**
 * Windows probes. PowerShell runs as `powershell.exe -NoProfile -NonInteractive -Command <script>`
 * (Windows PowerShell 5.1, present on every Windows 10/11), with UTF-8 output and `ConvertTo-Json`
 * of only the properties we read; enums are cast to [string] (5.1 would print their number) and
 * dates to ISO-8601 ('o') so 5.1 and 7 answer alike. Scripts contain no double quote: Windows
 * command-line quoting would eat it. Nothing here needs administrator rights.
 */

export interface WindowsProbeOptions {
  /** %SystemRoot%, to call system tools by absolute path (no PATH hijack). */
  systemRoot?: string;
}

const PRELUDE = "$ErrorActionPreference='Stop';$ProgressPreference='SilentlyContinue';[Console]::OutputEncoding=[Text.Encoding]::UTF8;";

const pc = <D>(parserId: string, spec: CommandSpec, parse: ProbeCommand<D>['parse']): ProbeCommand => ({ parserId, spec, parse: parse as ProbeCommand['parse'] });

/** WQL filter on the three Windows 10 ESU activation IDs, as a PowerShell single-quoted string. */
const ESU_FILTER = `'${WINDOWS10_ESU_YEARS.map((y) => `ID=''${y.activationId}''`).join(' OR ')}'`;

export const WINDOWS_SCRIPTS = {
  bitlocker:
    "$d=$env:SystemDrive; $o=[ordered]@{MountPoint=$d}; try { $v=Get-BitLockerVolume -MountPoint $d -ErrorAction Stop; $o.ProtectionStatus=[string]$v.ProtectionStatus; $o.VolumeStatus=[string]$v.VolumeStatus; $o.EncryptionPercentage=$v.EncryptionPercentage } catch {}; try { $o.BitLockerProtection=(New-Object -ComObject Shell.Application).NameSpace($d + '\\').Self.ExtendedProperty('System.Volume.BitLockerProtection') } catch { $o.BitLockerProtection=$null }; [pscustomobject]$o | ConvertTo-Json -Compress",
  antivirus:
    "$o=[ordered]@{}; try { $o.Defender = Get-MpComputerStatus -ErrorAction Stop | Select-Object AMRunningMode,AntivirusEnabled,RealTimeProtectionEnabled,AntivirusSignatureAge,DefenderSignaturesOutOfDate,@{n='AntivirusSignatureLastUpdated';e={ if ($_.AntivirusSignatureLastUpdated) { $_.AntivirusSignatureLastUpdated.ToUniversalTime().ToString('o') } }} } catch { $o.Defender=$null; $o.DefenderError=$_.Exception.Message }; try { $o.Products=@(Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntivirusProduct -ErrorAction Stop | Select-Object displayName,productState) } catch { $o.Products=$null; $o.ProductsError=$_.Exception.Message }; [pscustomobject]$o | ConvertTo-Json -Depth 4 -Compress",
  // The effective state (ActiveStore, group policy included) when readable, else the local settings.
  firewall:
    "$o=[ordered]@{}; try { try { $p=Get-NetFirewallProfile -PolicyStore ActiveStore -ErrorAction Stop } catch { $p=Get-NetFirewallProfile -ErrorAction Stop }; $o.Profiles=@($p | Select-Object Name,@{n='Enabled';e={[string]$_.Enabled}}) } catch { netsh advfirewall show allprofiles state; return }; try { $o.Connections=@(Get-NetConnectionProfile -ErrorAction Stop | Select-Object Name,InterfaceAlias,@{n='NetworkCategory';e={[string]$_.NetworkCategory}}) } catch { $o.Connections=$null; $o.ConnectionsError=$_.Exception.Message }; try { $o.PartOfDomain=(Get-CimInstance -ClassName Win32_ComputerSystem -ErrorAction Stop).PartOfDomain } catch { $o.PartOfDomain=$null }; [pscustomobject]$o | ConvertTo-Json -Depth 3 -Compress",
  version: `$v=Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'; $o=[ordered]@{ ProductName=$v.ProductName; EditionID=$v.EditionID; DisplayVersion=$v.DisplayVersion; CurrentBuild=$v.CurrentBuild; UBR=$v.UBR }; if ($v.CurrentBuild -eq '${WINDOWS10_ESU_BUILD}') { try { $o.Esu=@(Get-CimInstance -ClassName SoftwareLicensingProduct -Filter ${ESU_FILTER} -Property ID,LicenseStatus -ErrorAction Stop | Select-Object ID,LicenseStatus) } catch { $o.Esu=$null; $o.EsuError=$_.Exception.Message } }; [pscustomobject]$o | ConvertTo-Json -Depth 3 -Compress`,
  updates:
    "$o=[ordered]@{}; try { $s=(New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher(); $s.Online=$false; $r=$s.Search('IsInstalled=0 and IsHidden=0 and Type=''Software'''); $o.Pending=@($r.Updates | ForEach-Object { [pscustomobject]@{ Title=$_.Title; Severity=[string]$_.MsrcSeverity; Security=[bool]($_.Categories | Where-Object { $_.CategoryID -eq '0fa1201d-4330-4fa8-8ae9-b877473b6441' }) } }) } catch { $o.SearchError=$_.Exception.Message }; try { $h=Get-HotFix -ErrorAction Stop | Where-Object InstalledOn | Sort-Object InstalledOn | Select-Object -Last 1; if ($h) { $o.LastInstalled=$h.InstalledOn.ToUniversalTime().ToString('o') } } catch {}; [pscustomobject]$o | ConvertTo-Json -Depth 4 -Compress",
  autoUpdates:
    "$o=[ordered]@{}; $p=Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU' -ErrorAction SilentlyContinue; $o.NoAutoUpdate=$p.NoAutoUpdate; $o.AUOptions=$p.AUOptions; $u=Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\WindowsUpdate\\UX\\Settings' -ErrorAction SilentlyContinue; $o.PauseUpdatesExpiryTime=$u.PauseUpdatesExpiryTime; $o.WuauservStartType=[string](Get-Service -Name wuauserv).StartType; [pscustomobject]$o | ConvertTo-Json -Compress",
  screenLock:
    "$d=Get-ItemProperty -Path 'HKCU:\\Control Panel\\Desktop' -ErrorAction SilentlyContinue; $pd=Get-ItemProperty -Path 'HKCU:\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop' -ErrorAction SilentlyContinue; $ps=Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System' -ErrorAction SilentlyContinue; [pscustomobject]@{ ScreenSaveActive=$(if ($pd.ScreenSaveActive) { $pd.ScreenSaveActive } else { $d.ScreenSaveActive }); ScreenSaverIsSecure=$(if ($pd.ScreenSaverIsSecure) { $pd.ScreenSaverIsSecure } else { $d.ScreenSaverIsSecure }); ScreenSaveTimeOut=$(if ($pd.ScreenSaveTimeOut) { $pd.ScreenSaveTimeOut } else { $d.ScreenSaveTimeOut }); InactivityTimeoutSecs=$ps.InactivityTimeoutSecs } | ConvertTo-Json -Compress",
  // Only whether a DefaultPassword is stored: the password itself is never printed.
  winlogon:
    "$w=Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon'; [pscustomobject]@{ AutoAdminLogon=$w.AutoAdminLogon; DefaultUserName=$w.DefaultUserName; DefaultPasswordSet=(-not [string]::IsNullOrEmpty([string]$w.DefaultPassword)) } | ConvertTo-Json -Compress",
  remoteAccess: `$o=[ordered]@{}; $t=Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server' -ErrorAction SilentlyContinue; $o.fDenyTSConnections=$t.fDenyTSConnections; $l=Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp' -ErrorAction SilentlyContinue; $o.UserAuthentication=$l.UserAuthentication; $o.PortNumber=$l.PortNumber; $g=Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services' -ErrorAction SilentlyContinue; $o.PolicyDenyTSConnections=$g.fDenyTSConnections; $o.PolicyUserAuthentication=$g.UserAuthentication; $s=@(Get-Service -ErrorAction SilentlyContinue); $o.Services=$(if ($s.Count) { @($s | Where-Object { $_.Name -match '${unionPattern('service')}' -or $_.DisplayName -match '${unionPattern('service')}' } | Select-Object Name,DisplayName,@{n='Status';e={[string]$_.Status}},@{n='StartType';e={[string]$_.StartType}}) } else { $null }); $o.Processes=@(Get-Process -ErrorAction SilentlyContinue | Where-Object { $_.ProcessName -match '${unionPattern('process')}' } | Select-Object -ExpandProperty ProcessName -Unique); [pscustomobject]$o | ConvertTo-Json -Depth 3 -Compress`,
  smbServer:
    "$o=[ordered]@{}; $p=Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters' -ErrorAction SilentlyContinue; $o.ServerSMB1=$p.SMB1; $o.LanmanServerStart=(Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer' -ErrorAction SilentlyContinue).Start; try { $f=Get-CimInstance -ClassName Win32_OptionalFeature -Filter 'Name=''SMB1Protocol-Server''' -ErrorAction Stop; $o.FeatureServer=$(if ($f) { [int]$f.InstallState } else { 3 }) } catch { $o.FeatureServer=$null }; $d=Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\srv' -ErrorAction SilentlyContinue; $o.Srv1Present=[bool]$d; $o.Srv1Start=$d.Start; [pscustomobject]$o | ConvertTo-Json -Compress",
  guest:
    "@(Get-CimInstance -ClassName Win32_UserAccount -Filter 'LocalAccount=True' | Where-Object { $_.SID -like '*-501' } | Select-Object Name,SID,Disabled) | ConvertTo-Json -Compress",
  platform:
    "$o=[ordered]@{}; $o.SecureBoot=(Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecureBoot\\State' -ErrorAction SilentlyContinue).UEFISecureBootEnabled; try { $m=Get-MpComputerStatus -ErrorAction Stop; $o.TamperProtected=$m.IsTamperProtected; $o.AMRunningMode=[string]$m.AMRunningMode } catch { $o.TamperProtected=$null }; [pscustomobject]$o | ConvertTo-Json -Compress",
  disk: "Get-CimInstance -ClassName Win32_LogicalDisk -Filter ('DeviceID=''' + $env:SystemDrive + '''') | Select-Object DeviceID,Size,FreeSpace | ConvertTo-Json -Compress",
  time: "$p=Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters' -ErrorAction SilentlyContinue; $s=Get-Service -Name W32Time -ErrorAction SilentlyContinue; [pscustomobject]@{ Type=$p.Type; StartType=[string]$s.StartType; Status=[string]$s.Status } | ConvertTo-Json -Compress",
} as const;

export function windowsProbes(options: WindowsProbeOptions = {}): Probe[] {
  const root = (options.systemRoot ?? 'C:\\Windows').replace(/\\+$/, '');
  const sys32 = `${root}\\System32`;
  const ps = (script: string, timeoutMs?: number): CommandSpec => ({
    file: `${sys32}\\WindowsPowerShell\\v1.0\\powershell.exe`,
    args: ['-NoProfile', '-NonInteractive', '-Command', PRELUDE + script],
    display: script,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const exe = (name: string, args: string[]): CommandSpec => ({ file: `${sys32}\\${name}`, args });
  return [
    { check: 'disk-encryption', os: 'windows', commands: [pc('windows.bitlocker', ps(WINDOWS_SCRIPTS.bitlocker), W.parseBitLocker)] },
    { check: 'antivirus', os: 'windows', commands: [pc('windows.antivirus', ps(WINDOWS_SCRIPTS.antivirus), W.parseAntivirus)] },
    { check: 'firewall', os: 'windows', commands: [pc('windows.firewall-profiles', ps(WINDOWS_SCRIPTS.firewall), W.parseFirewallProfiles)] },
    // The licensing query (ESU) can take several seconds on a slow disk.
    { check: 'os-supported', os: 'windows', commands: [pc('windows.current-version', ps(WINDOWS_SCRIPTS.version, 60_000), W.parseWindowsVersion)] },
    { check: 'os-updates', os: 'windows', commands: [pc('windows.updates', ps(WINDOWS_SCRIPTS.updates, 180_000), W.parseWindowsUpdates)] },
    { check: 'auto-updates', os: 'windows', commands: [pc('windows.auto-update-policy', ps(WINDOWS_SCRIPTS.autoUpdates), W.parseWindowsAutoUpdate)] },
    { check: 'screen-lock', os: 'windows', commands: [pc('windows.screen-lock', ps(WINDOWS_SCRIPTS.screenLock), W.parseWindowsScreenLock)] },
    { check: 'admin-user', os: 'windows', commands: [pc('windows.whoami-groups', exe('whoami.exe', ['/groups', '/fo', 'csv', '/nh']), W.parseWhoamiGroups)] },
    { check: 'auto-login', os: 'windows', commands: [pc('windows.winlogon', ps(WINDOWS_SCRIPTS.winlogon), W.parseWinlogon)] },
    { check: 'guest-account', os: 'windows', commands: [pc('windows.guest-account', ps(WINDOWS_SCRIPTS.guest), W.parseGuestAccount)] },
    { check: 'remote-access', os: 'windows', commands: [pc('windows.remote-access', ps(WINDOWS_SCRIPTS.remoteAccess), W.parseRemoteAccess)] },
    {
      check: 'smbv1',
      os: 'windows',
      commands: [
        pc('windows.sc-qc-lanmanworkstation', exe('sc.exe', ['qc', 'lanmanworkstation']), W.parseScQcLanmanWorkstation),
        // Win32_OptionalFeature is slow to answer on some machines.
        pc('windows.smb-server', ps(WINDOWS_SCRIPTS.smbServer, 60_000), W.parseSmbServer),
      ],
      // Client and server sides are both needed for « off »; both on is said once.
      combine: ([client, server]) => {
        if (client?.key === 'smbv1.on' && server?.key === 'smbv1.server-on') return critical('smbv1.both-on');
        return strict('client et serveur SMBv1')([client, server].filter((f): f is NonNullable<typeof f> => !!f));
      },
    },
    { check: 'platform-integrity', os: 'windows', commands: [pc('windows.platform', ps(WINDOWS_SCRIPTS.platform), W.parseWindowsPlatform)] },
    { check: 'disk-space', os: 'windows', commands: [pc('windows.logical-disk', ps(WINDOWS_SCRIPTS.disk), W.parseWindowsDisk)] },
    { check: 'time-sync', os: 'windows', commands: [pc('windows.w32time', ps(WINDOWS_SCRIPTS.time), W.parseW32Time)] },
  ];
}
