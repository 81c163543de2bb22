import type { Parser } from '../types.js';
import { judgeMacos, type OsSupportData } from './eol.js';
import { toolsMatching } from './remote-tools.js';
import {
  clean,
  combined,
  critical,
  daysBetween,
  fileContent,
  incomplete,
  iniSections,
  isoDay,
  looksLikeIni,
  ok,
  stripMacLogPrefix,
  unknown,
  unparseable,
  warning,
} from './util.js';

/** macOS parsers (commands run with LC_ALL=C). Many macOS tools answer on stderr: we read both. */

const macText = (input: { stdout: string; stderr: string; exitCode: number | null }) => stripMacLogPrefix(combined(input)).trim();
const missingDefault = (t: string) => /does not exist/i.test(t);

// ---------- disk-encryption: fdesetup status ----------
export const parseFdesetupStatus: Parser = (input) => {
  const t = macText(input);
  if (/^FileVault is On\b/m.test(t)) return ok('disk-encryption.on');
  const enc = /Encryption in progress:?.*?Percent completed = ([\d.]+)/i.exec(t);
  if (enc) return warning('disk-encryption.in-progress', { percent: Math.floor(Number(enc[1]) * 10) / 10 });
  if (/Encryption in progress/i.test(t)) return warning('disk-encryption.in-progress-unmeasured');
  if (/Decryption in progress/i.test(t)) return critical('disk-encryption.decrypting');
  if (/Deferred enablement appears to be active/i.test(t)) return warning('disk-encryption.pending');
  if (/^FileVault is Off\b/m.test(t)) return critical('disk-encryption.off.macos');
  return unparseable('fdesetup status');
};

// ---------- antivirus + auto-updates: defaults read /Library/Preferences/com.apple.SoftwareUpdate ----------
/** Old-style plist as printed by `defaults read`: `    Key = value;`. A missing domain means every default (on). */
export function readDefaultsDict(input: { stdout: string; stderr: string; exitCode: number | null }): Map<string, string> | null {
  const t = macText(input);
  if (input.exitCode !== 0) return missingDefault(t) ? new Map() : null;
  const out = clean(input.stdout).trim();
  if (!out.startsWith('{') || !out.endsWith('}')) return null;
  const map = new Map<string, string>();
  for (const m of out.matchAll(/^\s{4}"?([\w.-]+)"?\s*=\s*"?([^;"]*)"?;\s*$/gm)) map.set(m[1] ?? '', (m[2] ?? '').trim());
  // A dictionary with text but no "Key = value;" line is not what `defaults read` prints.
  if (map.size === 0 && out.slice(1, -1).trim()) return null;
  return map;
}

export const parseSoftwareUpdatePrefsForXProtect: Parser<{ configData: boolean; critical: boolean }> = (input) => {
  const d = readDefaultsDict(input);
  if (!d) return unparseable('defaults read com.apple.SoftwareUpdate');
  const data = { configData: d.get('ConfigDataInstall') !== '0', critical: d.get('CriticalUpdateInstall') !== '0' };
  return data.configData && data.critical ? ok('antivirus.macos-ok', {}, data) : warning('antivirus.macos-updates-off', {}, data);
};

// ---------- antivirus: XProtect's definitions ----------
/**
 * Where XProtect keeps its list of known malware (Apple ships it as XProtect.bundle): macOS 10.15
 * and later in /Library/Apple/System/Library/CoreServices (updated by Software Update); macOS 15
 * and later also keep the copy in service in /private/var/protected/xprotect (updated over iCloud,
 * often readable by root only); macOS 10.14 and earlier in /System/Library/CoreServices.
 */
export const XPROTECT_BUNDLES = [
  '/Library/Apple/System/Library/CoreServices/XProtect.bundle',
  '/private/var/protected/xprotect/XProtect.bundle',
  '/System/Library/CoreServices/XProtect.bundle',
] as const;
/** Apple updated XProtect about weekly in 2025: two months without one means updates do not arrive. */
export const XPROTECT_MAX_DAYS = 60;

export interface XProtectData {
  version: string | null;
  installedAt: string | null;
}

/**
 * Output of our probe: one line `path|state|version|mtime` per bundle of XPROTECT_BUNDLES (state
 * read, unreadable or absent; version = CFBundleShortVersionString; mtime = Info.plist's modification
 * time, epoch seconds, as `stat -f %m` prints it), then `tool|present|absent` for /usr/bin/xprotect
 * (macOS 15 and later). The newest readable copy gives the age. Missing only when no copy exists and
 * nothing hides one (no unreadable copy, no xprotect tool that keeps a copy out of reach).
 */
export const parseXProtectBundles: Parser<XProtectData> = (input, ctx) => {
  if (input.exitCode !== 0) return unknown('command-failed', { command: 'XProtect', exitCode: input.exitCode ?? -1 });
  const lines = clean(input.stdout)
    .split('\n')
    .filter((l) => l.trim());
  const bundles: Array<{ path: string; state: string; version: string; mtime: number | null }> = [];
  let tool: boolean | null = null;
  for (const line of lines) {
    const t = /^tool\|(present|absent)$/.exec(line.trim());
    if (t) {
      tool = t[1] === 'present';
      continue;
    }
    const m = /^(\/[^|]+)\|(read|unreadable|absent)\|([\w.]*)\|(\d*)$/.exec(line.trim());
    if (!m || !(XPROTECT_BUNDLES as readonly string[]).includes(m[1] ?? '')) return unparseable('XProtect');
    bundles.push({ path: m[1]!, state: m[2]!, version: m[3] ?? '', mtime: m[4] ? Number(m[4]) : null });
  }
  if (bundles.length !== XPROTECT_BUNDLES.length || tool === null) return unparseable('XProtect');
  const read = bundles.filter((b) => b.state === 'read' && b.mtime !== null).sort((a, b) => b.mtime! - a.mtime!);
  const hidden = tool || bundles.some((b) => b.state === 'unreadable');
  const newest = read[0];
  if (!newest) {
    if (hidden) return incomplete('XProtect', 'copie en service illisible sans droits d’administrateur');
    if (bundles.some((b) => b.state === 'read')) return unparseable('XProtect');
    return critical('antivirus.macos-missing', {}, { version: null, installedAt: null });
  }
  const installed = new Date(newest.mtime! * 1000);
  const data = { version: newest.version || null, installedAt: installed.toISOString() };
  const days = daysBetween(installed, ctx.now);
  if (days <= XPROTECT_MAX_DAYS) return ok('antivirus.macos-current', { sinceDate: isoDay(installed) }, data);
  // Old, but the copy in service may be newer where we cannot read it: say nothing rather than a wrong « outdated ».
  const inServiceUnread = bundles.some((b) => b.path === XPROTECT_BUNDLES[1] && b.state !== 'read');
  if (tool && inServiceUnread) return incomplete('XProtect', 'copie en service illisible sans droits d’administrateur');
  return warning('antivirus.macos-outdated', { sinceDate: isoDay(installed) }, data);
};

export const parseSoftwareUpdatePrefsForAutoUpdates: Parser<{ check: boolean; critical: boolean; download: boolean }> = (input) => {
  const d = readDefaultsDict(input);
  if (!d) return unparseable('defaults read com.apple.SoftwareUpdate');
  const data = {
    check: d.get('AutomaticCheckEnabled') !== '0',
    critical: d.get('CriticalUpdateInstall') !== '0',
    download: d.get('AutomaticDownload') !== '0',
  };
  if (!data.check) return warning('auto-updates.off', {}, data);
  if (!data.critical || !data.download) return warning('auto-updates.check-only', {}, data);
  return ok('auto-updates.on', {}, data);
};

/** `softwareupdate --schedule`: "Automatic checking for updates is turned on|off". */
export const parseSoftwareUpdateSchedule: Parser = (input) => {
  const t = macText(input);
  if (/turned on/i.test(t)) return ok('auto-updates.on');
  if (/turned off/i.test(t)) return warning('auto-updates.off');
  if (/admin|privilege|root/i.test(t)) return unknown('permission-denied', { command: 'softwareupdate --schedule' });
  return unparseable('softwareupdate --schedule');
};

// ---------- firewall: socketfilterfw --getglobalstate ----------
/** "(State = 0)" off; 1 on; 2 "blocking all non-essential incoming connections" — also on. */
export const parseSocketfilterfwGlobalState: Parser = (input) => {
  const t = macText(input);
  const m = /\(State = (\d+)\)/.exec(t);
  if (m)
    return m[1] === '0' ? critical('firewall.off.macos') : m[1] === '1' || m[1] === '2' ? ok('firewall.on') : unparseable('socketfilterfw');
  if (/Firewall is blocking all/i.test(t) || /^Firewall is enabled\b/im.test(t)) return ok('firewall.on');
  if (/^Firewall is disabled\b/im.test(t)) return critical('firewall.off.macos');
  return unparseable('socketfilterfw --getglobalstate');
};

// ---------- os-supported: sw_vers ----------
export const parseSwVers: Parser<OsSupportData> = (input, ctx) => {
  const t = clean(input.stdout).trim();
  const keyed = /ProductVersion:\s*(\d+(?:\.\d+){0,2})/.exec(t);
  const bare = /^(\d+(?:\.\d+){0,2})$/m.exec(t);
  const version = keyed?.[1] ?? (t.split('\n')[0] === bare?.[1] ? bare?.[1] : undefined);
  if (!version) return unparseable('sw_vers');
  return judgeMacos(version, ctx.now);
};

// ---------- os-updates: softwareupdate --list ----------
export const parseSoftwareUpdateList: Parser<{ count: number; security: number }> = (input) => {
  const t = macText(input);
  const labels = t.split('\n').filter((l) => /^\s*\*\s+/.test(l));
  const titles = t.split('\n').filter((l) => /^\s*Title:/.test(l) || /^\s*\*\s+/.test(l));
  if (labels.length > 0) {
    const security = titles.filter((l) => /Security|Sécurité|Rapid Security Response/i.test(l)).length;
    const data = { count: labels.length, security };
    return security > 0
      ? critical('os-updates.pending-security', { count: labels.length, security }, data)
      : warning('os-updates.pending', { count: labels.length }, data);
  }
  if (/No new software available/i.test(t)) return ok('os-updates.none', {}, { count: 0, security: 0 });
  if (/network|internet|connect|offline|could not|can['’]t|unable|timed out|-1009|NSURLErrorDomain/i.test(t))
    return unknown('no-network', { command: 'softwareupdate --list' });
  return unparseable('softwareupdate --list');
};

// ---------- screen-lock ----------
/** `defaults -currentHost read com.apple.screensaver idleTime`: seconds (0 = never); absent = system default. */
export const parseScreensaverIdleTime: Parser<{ seconds: number | null }> = (input) => {
  const t = macText(input);
  if (input.exitCode !== 0 && missingDefault(t)) return unknown('nothing-found', { detail: 'économiseur d’écran au réglage par défaut' });
  const m = /^(\d+)$/.exec(clean(input.stdout).trim());
  if (!m) return unparseable('defaults read com.apple.screensaver idleTime');
  const seconds = Number(m[1]);
  if (seconds === 0) return critical('screen-lock.never', {}, { seconds });
  const minutes = Math.ceil(seconds / 60);
  return seconds <= 600 ? ok('screen-lock.ok', { minutes }, { seconds }) : warning('screen-lock.too-long', { minutes }, { seconds });
};

/** `pmset -g`: " displaysleep   10" (minutes, 0 = never). */
export const parsePmsetDisplaySleep: Parser<{ seconds: number }> = (input) => {
  const m = /^\s*displaysleep\s+(\d+)/m.exec(clean(input.stdout));
  if (!m) return unparseable('pmset -g');
  const seconds = Number(m[1]) * 60;
  if (seconds === 0) return critical('screen-lock.never', {}, { seconds });
  const minutes = seconds / 60;
  return seconds <= 600 ? ok('screen-lock.ok', { minutes }, { seconds }) : warning('screen-lock.too-long', { minutes }, { seconds });
};

/**
 * Password on wake. `sysadminctl -screenLock status` prints (on stderr) "screenLock delay is
 * immediate" / "screenLock delay is N seconds" / "screenLock is off". The osascript query of
 * System Events ("require password to wake") prints true / false; both are understood.
 */
export const parseScreenLockPassword: Parser<{ delaySeconds: number | null }> = (input) => {
  const t = macText(input);
  if (/screenLock is off/i.test(t) || /^false$/m.test(t)) return critical('screen-lock.no-password', {}, { delaySeconds: null });
  if (/screenLock delay is immediate/i.test(t) || /^true$/m.test(t)) return ok('screen-lock.ok', { minutes: 0 }, { delaySeconds: 0 });
  const m = /screenLock delay is (\d+) seconds?/i.exec(t);
  if (m) return ok('screen-lock.ok', { minutes: Math.ceil(Number(m[1]) / 60) }, { delaySeconds: Number(m[1]) });
  return unparseable('sysadminctl -screenLock status');
};

// ---------- admin-user: dscl . read /Groups/admin GroupMembership ----------
export const parseDsclAdminMembers: Parser<{ members: string[] }> = (input, ctx) => {
  const t = macText(input);
  let members: string[];
  if (/No such key: GroupMembership/i.test(t)) members = [];
  else {
    const m = /^GroupMembership:\s*(.*)$/m.exec(clean(input.stdout));
    if (!m) return unparseable('dscl . read /Groups/admin GroupMembership');
    members = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
  }
  if (!ctx.username) return unknown('incomplete', { command: 'dscl', detail: 'utilisateur courant inconnu' });
  if (ctx.username === 'root') return critical('admin-user.root', { user: 'root' }, { members });
  return members.includes(ctx.username)
    ? warning('admin-user.admin', { user: ctx.username }, { members })
    : ok('admin-user.standard', { user: ctx.username }, { members });
};

// ---------- auto-login / guest: defaults read /Library/Preferences/com.apple.loginwindow KEY ----------
export const parseLoginwindowAutoLoginUser: Parser = (input) => {
  const t = macText(input);
  if (input.exitCode !== 0)
    return missingDefault(t) ? ok('auto-login.off') : unparseable('defaults read com.apple.loginwindow autoLoginUser');
  const user = clean(input.stdout).trim();
  if (!/^[\w.@-]{1,64}$/.test(user)) return unparseable('defaults read com.apple.loginwindow autoLoginUser');
  return critical('auto-login.on', { user });
};

export const parseLoginwindowGuestEnabled: Parser = (input) => {
  const t = macText(input);
  if (input.exitCode !== 0)
    return missingDefault(t) ? ok('guest-account.off') : unparseable('defaults read com.apple.loginwindow GuestEnabled');
  const v = clean(input.stdout).trim();
  if (v === '0') return ok('guest-account.off');
  if (v === '1') return warning('guest-account.on');
  return unparseable('defaults read com.apple.loginwindow GuestEnabled');
};

// ---------- remote-access: launchctl print system/<service> ----------
function launchctlService(label: string, command: string): Parser<{ on: boolean }> {
  return (input) => {
    const t = macText(input);
    if (/Could not find service/i.test(t)) return ok('remote-access.off', {}, { on: false });
    if (input.exitCode === 0 && /\bstate\s*=|\bprogram\s*=|\bpath\s*=/i.test(t))
      return warning('remote-access.on', { servicesList: label }, { on: true });
    return unparseable(command);
  };
}
export const parseLaunchctlSshd = launchctlService('ssh', 'launchctl print system/com.openssh.sshd');
export const parseLaunchctlScreenSharing = launchctlService('screen-sharing', 'launchctl print system/com.apple.screensharing');

/**
 * Apple Remote Management (Remote Desktop): turning it on writes « enabled » into
 * /Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd (macOS 10.11 and
 * later; what `kickstart -activate` does and configuration tools test). Absent: off.
 */
export const parseRemoteManagement: Parser<{ on: boolean }> = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat RemoteManagement.launchd');
  if (f.state === 'absent') return ok('remote-access.off', {}, { on: false });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat RemoteManagement.launchd' });
  const word = f.text.trim().toLowerCase();
  if (word === 'enabled') return warning('remote-access.on', { servicesList: 'remote-management' }, { on: true });
  if (word === 'disabled') return ok('remote-access.off', {}, { on: false });
  return unparseable('cat RemoteManagement.launchd');
};

/**
 * `ls -1 /Library/LaunchDaemons /Library/LaunchAgents`: remote-control software installed to start
 * by itself (REMOTE_TOOLS, by its launchd file name). Every line must be a folder heading or a file
 * name; a missing folder is only an empty list.
 */
export const parseLaunchdRemoteTools: Parser<{ tools: string[] }> = (input) => {
  const err = clean(input.stderr);
  if (input.exitCode !== 0 && !/^ls: \/Library\/Launch(Daemons|Agents): No such file or directory$/m.test(err)) {
    return unknown('command-failed', { command: 'ls /Library/LaunchDaemons', exitCode: input.exitCode ?? -1 });
  }
  const lines = clean(input.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const headings = lines.filter((l) => /^\/Library\/Launch(Daemons|Agents):$/.test(l));
  const files = lines.filter((l) => !headings.includes(l));
  if (headings.length === 0 || files.some((f) => !/^[\w.@+-]+$/.test(f))) return unparseable('ls /Library/LaunchDaemons');
  const tools = toolsMatching('launchd', files);
  return tools.length ? warning('remote-access.on', { servicesList: tools.join(',') }, { tools }) : ok('remote-access.off', {}, { tools });
};

// ---------- smbv1: cat /etc/nsmb.conf ----------
/** protocol_vers_map is a bitmap (1 = SMB1, 2 = SMB2, 4 = SMB3); its default, 7, still allows SMB1. */
export const parseNsmbConf: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat /etc/nsmb.conf');
  if (f.state === 'absent') return warning('smbv1.allowed');
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat /etc/nsmb.conf' });
  if (!looksLikeIni(f.text)) return unparseable('cat /etc/nsmb.conf');
  const v = iniSections(f.text).get('default')?.get('protocol_vers_map');
  if (v === undefined) return warning('smbv1.allowed');
  const n = Number(v);
  if (!Number.isInteger(n)) return unparseable('cat /etc/nsmb.conf');
  return n & 1 ? warning('smbv1.allowed') : ok('smbv1.off');
};

// ---------- platform-integrity ----------
/**
 * `csrutil status`. Only "status: enabled." is healthy. "enabled (Custom Configuration)" and
 * "unknown (Custom Configuration)" are followed by lines saying "enabled" for some protections:
 * a custom configuration is never healthy, and with file-system protections off it is as bad as off.
 */
export const parseCsrutilStatus: Parser = (input) => {
  const t = macText(input);
  const m = /System Integrity Protection status:\s*(enabled|disabled|unknown)\b(\s*\(([^)]*)\))?/i.exec(t);
  if (!m) return unparseable('csrutil status');
  const state = (m[1] ?? '').toLowerCase();
  const custom = /custom/i.test(m[3] ?? '');
  if (custom) {
    return /Filesystem Protections:\s*disabled/i.test(t)
      ? critical('platform-integrity.sip-off')
      : warning('platform-integrity.sip-custom');
  }
  if (state === 'enabled') return ok('platform-integrity.ok');
  if (state === 'disabled') return critical('platform-integrity.sip-off');
  return warning('platform-integrity.sip-custom');
};

/** `spctl --status`: "assessments enabled" / "assessments disabled". */
export const parseSpctlStatus: Parser = (input) => {
  const t = macText(input);
  if (/assessments enabled/i.test(t)) return ok('platform-integrity.ok');
  if (/assessments disabled/i.test(t)) return critical('platform-integrity.gatekeeper-off');
  return unparseable('spctl --status');
};

// ---------- time-sync: sntp -t 3 time.apple.com ----------
/** sntp prints the offset first: "+0.012345 +/- 0.023456 time.apple.com 17.253.x.x". */
export const parseSntp: Parser<{ offset: number }> = (input) => {
  const t = macText(input);
  const m = /^([+-]?\d+\.\d+)\s+\+\/-\s+[\d.]+\s+\S+/m.exec(t);
  if (!m) {
    if (/lookup|no response|timed out|unreachable|Network is/i.test(t)) return unknown('no-network', { command: 'sntp' });
    return unparseable('sntp');
  }
  const offset = Math.abs(Number(m[1]));
  const seconds = Math.round(offset);
  if (offset <= 60) return ok('time-sync.ok', {}, { offset });
  return offset <= 300 ? warning('time-sync.drift', { seconds }, { offset }) : critical('time-sync.drift', { seconds }, { offset });
};
