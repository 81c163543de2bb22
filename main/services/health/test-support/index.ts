/** Test helpers of the health capability (imported by tests only). */
import type { CommandOutput, CommandRunner, CommandSpec, RunOptions } from '../types.js';

/** Wraps a real runner and counts what it runs. */
export class CountingRunner implements CommandRunner {
  readonly calls: CommandSpec[] = [];
  constructor(private readonly inner: CommandRunner) {}
  run(spec: CommandSpec, options: RunOptions): Promise<CommandOutput> {
    this.calls.push(spec);
    return this.inner.run(spec, options);
  }
}

export { RecordingNotifier } from '../../test-support/recording.js';

/**
 * Words a practitioner should never have to read in a check's title, verdict or what to do: tool and
 * command names, configuration keys, protocol acronyms, error codes, Linux/Windows/macOS jargon. They
 * belong to the technician's raw evidence. Product names the practitioner meets on their own screen
 * (Microsoft Defender, Windows Update, Sécurité Windows, TeamViewer…) are not jargon; FileVault is,
 * except where the practitioner is sent to the switch that bears that name (see texts.test.ts).
 */
export const PRACTITIONER_JARGON = new RegExp(
  '\\b(' +
    [
      // Windows
      'NLA',
      'SMB\\w*',
      'CIFS',
      'GPO',
      'group polic\\w*',
      'stratégie de groupe',
      'RDP',
      'BitLocker',
      'PowerShell',
      'registre',
      'registry',
      'HKLM',
      'HKEY\\w*',
      'Get-\\w+',
      'reg query',
      'netsh',
      'manage-bde',
      'WannaCry',
      'NotPetya',
      'fDeny\\w*',
      'UserAuthentication',
      'ESU',
      'Win32_\\w+',
      'WMI',
      'wmic',
      'sc\\.exe',
      'whoami',
      'W32Time',
      'SecurityCenter\\d?',
      'Winlogon',
      'AutoAdminLogon',
      'DefaultPassword',
      'MAK',
      'UBR',
      'Terminal Services?',
      'S-1-5[-\\d]*',
      'Entreprise/Éducation',
      // macOS
      'XProtect',
      'FileVault',
      'SIP',
      'Gatekeeper',
      'launchctl',
      'launchd',
      'kickstart',
      'csrutil',
      'spctl',
      'fdesetup',
      'dscl',
      'socketfilterfw',
      'pmset',
      'sntp',
      'osascript',
      'softwareupdate',
      'sw_vers',
      'nsmb',
      // Linux
      'SSH',
      'sshd',
      'VNC',
      'daemon',
      'ClamAV',
      'clamav[-\\w]*',
      'freshclam',
      'Secure Boot',
      'UEFI',
      'EFI',
      'efivars?',
      'mokutil',
      'firmware',
      'micrologiciel',
      'BIOS',
      'AppArmor',
      'SELinux',
      'ufw',
      'nftables',
      'nft',
      'firewalld',
      'firewall-cmd',
      'iptables',
      'systemd',
      'timedatectl',
      'NTP',
      'GDM\\d?',
      'LightDM',
      'SDDM',
      'GNOME',
      'gsettings',
      'root',
      'sudo',
      'apt',
      'apt-get',
      'dpkg',
      'unattended-upgrades',
      'Samba',
      'fstab',
      'NT1',
      'lsblk',
      'dm-crypt',
      'LUKS',
      'cryptsetup',
      'df',
      'ss',
      'id',
      'od',
      'noyau',
      'kernel',
      // formats, codes
      'JSON',
      'exit code',
      'code \\d+',
      'stdout',
      'stderr',
    ].join('|') +
    ')\\b',
  'i',
);
