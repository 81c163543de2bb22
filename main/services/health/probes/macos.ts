import type { CommandSpec, Probe, ProbeCommand } from '../types.js';
import * as L from '../parsers/linux.js';
import * as M from '../parsers/macos.js';
import { critical, ok, warning } from '../parsers/util.js';
import { bestUnknown, strict } from './combine.js';
import { SCRIPTS, scriptPath } from '../../../platform/node/scripts.js';

/** macOS probes: absolute paths of Apple's tools, no admin rights, LC_ALL=C. */

const C = { LC_ALL: 'C' } as const;
const cmd = (file: string, args: string[], timeoutMs?: number): CommandSpec => ({
  file,
  args,
  env: C,
  ...(timeoutMs ? { timeoutMs } : {}),
});
const pc = <D>(parserId: string, spec: CommandSpec, parse: ProbeCommand<D>['parse']): ProbeCommand => ({
  parserId,
  spec,
  parse: parse as ProbeCommand['parse'],
  ...(spec.file === '/bin/cat' ? { textFile: true } : {}),
});

/**
 * Prints one `path|state|version|mtime` line per XProtect bundle, then whether the xprotect tool
 * exists (parsers/macos.ts): main/resources/scripts/macos/xprotect-bundles.sh, given the bundles.
 */
export const XPROTECT_SCRIPT = SCRIPTS.macos.xprotectBundles;
export const xprotectCommand = (): CommandSpec => cmd('/bin/sh', [scriptPath(XPROTECT_SCRIPT), ...M.XPROTECT_BUNDLES]);

/** macOS's screen saver starts after 20 minutes of inactivity when idleTime was never set. */
export const MACOS_DEFAULT_SCREENSAVER_SECONDS = 1200;

export function macosProbes(): Probe[] {
  const suPrefs = cmd('/usr/bin/defaults', ['read', '/Library/Preferences/com.apple.SoftwareUpdate']);
  return [
    {
      check: 'disk-encryption',
      os: 'macos',
      commands: [pc('macos.fdesetup-status', cmd('/usr/bin/fdesetup', ['status']), M.parseFdesetupStatus)],
    },
    {
      check: 'antivirus',
      os: 'macos',
      commands: [
        pc('macos.xprotect-bundles', xprotectCommand(), M.parseXProtectBundles),
        pc('macos.softwareupdate-prefs-xprotect', suPrefs, M.parseSoftwareUpdatePrefsForXProtect),
      ],
      // Missing or outdated definitions first, then updates turned off; the dated verdict when all is well.
      combine: ([bundles, prefs]) => {
        if (bundles && (bundles.status === 'critical' || bundles.status === 'warning')) return bundles;
        if (prefs?.status === 'warning') return prefs;
        if (bundles?.status === 'ok') return bundles;
        if (prefs?.status === 'ok') return prefs;
        return bestUnknown([bundles, prefs], 'définitions XProtect');
      },
    },
    {
      check: 'firewall',
      os: 'macos',
      commands: [
        pc(
          'macos.socketfilterfw-globalstate',
          cmd('/usr/libexec/ApplicationFirewall/socketfilterfw', ['--getglobalstate']),
          M.parseSocketfilterfwGlobalState,
        ),
      ],
    },
    { check: 'os-supported', os: 'macos', commands: [pc('macos.sw-vers', cmd('/usr/bin/sw_vers', []), M.parseSwVers)] },
    {
      check: 'os-updates',
      os: 'macos',
      // A full scan asks Apple's servers: slow, and "unknown" without network, never "up to date".
      commands: [pc('macos.softwareupdate-list', cmd('/usr/sbin/softwareupdate', ['--list'], 180_000), M.parseSoftwareUpdateList)],
    },
    {
      check: 'auto-updates',
      os: 'macos',
      commands: [
        pc('macos.softwareupdate-schedule', cmd('/usr/sbin/softwareupdate', ['--schedule']), M.parseSoftwareUpdateSchedule),
        pc('macos.softwareupdate-prefs-auto', suPrefs, M.parseSoftwareUpdatePrefsForAutoUpdates),
      ],
      combine: ([schedule, prefs]) => {
        if (schedule?.status === 'warning') return schedule;
        if (prefs && prefs.status !== 'unknown') return prefs;
        return schedule && schedule.status !== 'unknown' ? schedule : bestUnknown([schedule, prefs], 'réglages de mise à jour');
      },
    },
    {
      check: 'screen-lock',
      os: 'macos',
      commands: [
        pc(
          'macos.screensaver-idletime',
          cmd('/usr/bin/defaults', ['-currentHost', 'read', 'com.apple.screensaver', 'idleTime']),
          M.parseScreensaverIdleTime,
        ),
        pc('macos.pmset-displaysleep', cmd('/usr/bin/pmset', ['-g']), M.parsePmsetDisplaySleep),
        pc('macos.screenlock-password', cmd('/usr/sbin/sysadminctl', ['-screenLock', 'status']), M.parseScreenLockPassword),
      ],
      combine: ([saver, display, password]) => {
        if (!password || password.status === 'unknown') return password ?? bestUnknown([], 'mot de passe au réveil');
        if (password.status === 'critical') return password;
        const saverS =
          saver?.status === 'unknown' && saver.reason?.code === 'nothing-found'
            ? MACOS_DEFAULT_SCREENSAVER_SECONDS
            : (saver?.data as { seconds?: number } | undefined)?.seconds;
        const displayS = (display?.data as { seconds?: number } | undefined)?.seconds;
        if (saverS === undefined && displayS === undefined) return bestUnknown([saver, display], 'délai de mise en veille');
        const candidates = [saverS, displayS].filter((s): s is number => typeof s === 'number' && s > 0);
        if (candidates.length === 0) return critical('screen-lock.never');
        const delay = (password.data as { delaySeconds: number | null }).delaySeconds ?? 0;
        const total = Math.min(...candidates) + delay;
        const minutes = Math.ceil(total / 60);
        return total <= 600 ? ok('screen-lock.ok', { minutes }) : warning('screen-lock.too-long', { minutes });
      },
    },
    {
      check: 'admin-user',
      os: 'macos',
      commands: [
        pc('macos.dscl-admin-members', cmd('/usr/bin/dscl', ['.', 'read', '/Groups/admin', 'GroupMembership']), M.parseDsclAdminMembers),
      ],
    },
    {
      check: 'auto-login',
      os: 'macos',
      commands: [
        pc(
          'macos.loginwindow-autologinuser',
          cmd('/usr/bin/defaults', ['read', '/Library/Preferences/com.apple.loginwindow', 'autoLoginUser']),
          M.parseLoginwindowAutoLoginUser,
        ),
      ],
    },
    {
      check: 'guest-account',
      os: 'macos',
      commands: [
        pc(
          'macos.loginwindow-guestenabled',
          cmd('/usr/bin/defaults', ['read', '/Library/Preferences/com.apple.loginwindow', 'GuestEnabled']),
          M.parseLoginwindowGuestEnabled,
        ),
      ],
    },
    {
      check: 'remote-access',
      os: 'macos',
      commands: [
        pc('macos.launchctl-sshd', cmd('/bin/launchctl', ['print', 'system/com.openssh.sshd']), M.parseLaunchctlSshd),
        pc(
          'macos.launchctl-screensharing',
          cmd('/bin/launchctl', ['print', 'system/com.apple.screensharing']),
          M.parseLaunchctlScreenSharing,
        ),
        pc(
          'macos.remote-management',
          cmd('/bin/cat', ['/Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd']),
          M.parseRemoteManagement,
        ),
        pc(
          'macos.launchd-remote-tools',
          cmd('/bin/ls', ['-1', '/Library/LaunchDaemons', '/Library/LaunchAgents']),
          M.parseLaunchdRemoteTools,
        ),
      ],
      // Every open access is named; « none » only when every part was read.
      combine: (findings) => {
        const on = findings.filter((f) => f.status === 'warning').flatMap((f) => String(f.params.servicesList).split(','));
        if (on.length) return warning('remote-access.on', { servicesList: [...new Set(on)].join(',') });
        return strict('services de connexion à distance')(findings);
      },
    },
    { check: 'smbv1', os: 'macos', commands: [pc('macos.nsmb-conf', cmd('/bin/cat', ['/etc/nsmb.conf']), M.parseNsmbConf)] },
    {
      check: 'platform-integrity',
      os: 'macos',
      commands: [
        pc('macos.csrutil-status', cmd('/usr/bin/csrutil', ['status']), M.parseCsrutilStatus),
        pc('macos.spctl-status', cmd('/usr/sbin/spctl', ['--status']), M.parseSpctlStatus),
      ],
      combine: strict('SIP et Gatekeeper'),
    },
    { check: 'disk-space', os: 'macos', commands: [pc('macos.df-pk', cmd('/bin/df', ['-Pk']), L.parseDfPk)] },
    {
      check: 'time-sync',
      os: 'macos',
      commands: [pc('macos.sntp', cmd('/usr/bin/sntp', ['-t', '3', 'time.apple.com'], 15_000), M.parseSntp)],
    },
  ];
}
