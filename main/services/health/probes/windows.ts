import type { CommandSpec, Probe, ProbeCommand } from '../types.js';
import * as W from '../parsers/windows.js';
import { WINDOWS10_ESU_BUILD, WINDOWS10_ESU_YEARS } from '../parsers/eol.js';
import { unionPattern } from '../parsers/remote-tools.js';
import { critical } from '../parsers/util.js';
import { strict } from './combine.js';
import { SCRIPTS, powershellFileArgs } from '../../../platform/node/scripts.js';

/**
 * Windows probes. PowerShell runs a script file shipped with the app (main/resources/scripts/windows,
 * platform/node/scripts.ts) as `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass
 * -File <script> [-Param value…]` (Windows PowerShell 5.1, present on every Windows 10/11), with
 * UTF-8 output and `ConvertTo-Json` of only the properties we read; enums are cast to [string] (5.1
 * would print their number) and dates to ISO-8601 ('o') so 5.1 and 7 answer alike. Nothing here
 * needs administrator rights.
 */

export interface WindowsProbeOptions {
  /** %SystemRoot%, to call system tools by absolute path (no PATH hijack). */
  systemRoot?: string;
}

const pc = <D>(parserId: string, spec: CommandSpec, parse: ProbeCommand<D>['parse']): ProbeCommand => ({
  parserId,
  spec,
  parse: parse as ProbeCommand['parse'],
});

/** WQL filter on the three Windows 10 ESU activation IDs, given to version.ps1. */
const ESU_FILTER = WINDOWS10_ESU_YEARS.map((y) => `ID='${y.activationId}'`).join(' OR ');

/** The probes' scripts (main/resources/scripts/windows/*.ps1). */
export const WINDOWS_SCRIPTS = SCRIPTS.windows;

/** What each script is given: constants of the parsers, so the script and its parser agree. */
export const WINDOWS_SCRIPT_PARAMS: Partial<Record<keyof typeof SCRIPTS.windows, Record<string, string>>> = {
  version: { EsuBuild: String(WINDOWS10_ESU_BUILD), EsuFilter: ESU_FILTER },
  remoteAccess: { ServicePattern: unionPattern('service'), ProcessPattern: unionPattern('process') },
};

export function windowsProbes(options: WindowsProbeOptions = {}): Probe[] {
  const root = (options.systemRoot ?? 'C:\\Windows').replace(/\\+$/, '');
  const sys32 = `${root}\\System32`;
  const ps = (script: keyof typeof SCRIPTS.windows, timeoutMs?: number): CommandSpec => ({
    file: `${sys32}\\WindowsPowerShell\\v1.0\\powershell.exe`,
    args: powershellFileArgs(SCRIPTS.windows[script], WINDOWS_SCRIPT_PARAMS[script]),
    display: `powershell ${SCRIPTS.windows[script]}`,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const exe = (name: string, args: string[]): CommandSpec => ({ file: `${sys32}\\${name}`, args });
  return [
    { check: 'disk-encryption', os: 'windows', commands: [pc('windows.bitlocker', ps('bitlocker'), W.parseBitLocker)] },
    { check: 'antivirus', os: 'windows', commands: [pc('windows.antivirus', ps('antivirus'), W.parseAntivirus)] },
    { check: 'firewall', os: 'windows', commands: [pc('windows.firewall-profiles', ps('firewall'), W.parseFirewallProfiles)] },
    // The licensing query (ESU) can take several seconds on a slow disk.
    { check: 'os-supported', os: 'windows', commands: [pc('windows.current-version', ps('version', 60_000), W.parseWindowsVersion)] },
    { check: 'os-updates', os: 'windows', commands: [pc('windows.updates', ps('updates', 180_000), W.parseWindowsUpdates)] },
    { check: 'auto-updates', os: 'windows', commands: [pc('windows.auto-update-policy', ps('autoUpdates'), W.parseWindowsAutoUpdate)] },
    { check: 'screen-lock', os: 'windows', commands: [pc('windows.screen-lock', ps('screenLock'), W.parseWindowsScreenLock)] },
    {
      check: 'admin-user',
      os: 'windows',
      commands: [pc('windows.whoami-groups', exe('whoami.exe', ['/groups', '/fo', 'csv', '/nh']), W.parseWhoamiGroups)],
    },
    { check: 'auto-login', os: 'windows', commands: [pc('windows.winlogon', ps('winlogon'), W.parseWinlogon)] },
    { check: 'guest-account', os: 'windows', commands: [pc('windows.guest-account', ps('guest'), W.parseGuestAccount)] },
    { check: 'remote-access', os: 'windows', commands: [pc('windows.remote-access', ps('remoteAccess'), W.parseRemoteAccess)] },
    {
      check: 'smbv1',
      os: 'windows',
      commands: [
        pc('windows.sc-qc-lanmanworkstation', exe('sc.exe', ['qc', 'lanmanworkstation']), W.parseScQcLanmanWorkstation),
        // Win32_OptionalFeature is slow to answer on some machines.
        pc('windows.smb-server', ps('smbServer', 60_000), W.parseSmbServer),
      ],
      // Client and server sides are both needed for « off »; both on is said once.
      combine: ([client, server]) => {
        if (client?.key === 'smbv1.on' && server?.key === 'smbv1.server-on') return critical('smbv1.both-on');
        return strict('client et serveur SMBv1')([client, server].filter((f): f is NonNullable<typeof f> => !!f));
      },
    },
    { check: 'platform-integrity', os: 'windows', commands: [pc('windows.platform', ps('platform'), W.parseWindowsPlatform)] },
    { check: 'disk-space', os: 'windows', commands: [pc('windows.logical-disk', ps('disk'), W.parseWindowsDisk)] },
    { check: 'time-sync', os: 'windows', commands: [pc('windows.w32time', ps('time'), W.parseW32Time)] },
  ];
}
