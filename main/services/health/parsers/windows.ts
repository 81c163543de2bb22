import type { Finding, Parser } from '../types.js';
import { DISK_CRITICAL, DISK_WARNING } from './disk-space.js';
import { judgeWindows, WINDOWS10_ESU_YEARS, type OsSupportData } from './eol.js';
import { asBool, asDate, asList, asNumber, asString, isDepthTruncated } from './records.js';
import { isFinding, pick, records } from './windows-records.js';
import { clean, critical, daysBetween, incomplete, isoDay, ok, unknown, unparseable, warning } from './util.js';

/**
 * Windows parsers. Our probes print `ConvertTo-Json` of only the needed properties (Windows
 * PowerShell 5.1 or PowerShell 7); the same parsers also read the Format-List / Format-Table /
 * wmic / manage-bde text a technician pastes, because property names are not localized.
 * Localized words (French "Actif", "Aucune instance disponible.") are never relied upon, except
 * where both English and French are listed.
 *
 * One module per check family where a family is long: disk encryption (windows-bitlocker.ts),
 * antivirus (windows-antivirus.ts), firewall (windows-firewall.ts), remote access
 * (windows-remote-access.ts); the shorter ones are here. The probes read them all from this module.
 */

export { parseBitLocker } from './windows-bitlocker.js';
export { decodeProductState, parseAntivirus, SIGNATURE_MAX_DAYS } from './windows-antivirus.js';
export { parseFirewallProfiles, type FirewallData } from './windows-firewall.js';
export { parseRemoteAccess, type RemoteAccessData } from './windows-remote-access.js';

// ---------- os-supported ----------
export const parseWindowsVersion: Parser<OsSupportData> = (input, ctx) => {
  const recs = records(input, 'CurrentVersion');
  if (isFinding(recs)) return recs as Finding<OsSupportData>;
  const build = asNumber(pick(recs, 'currentbuild')) ?? asNumber(pick(recs, 'currentbuildnumber'));
  if (build === null) return unparseable('CurrentVersion');
  const top = recs[0] ?? {};
  if (isDepthTruncated(top.esu)) return incomplete('CurrentVersion', 'réponse JSON trop peu profonde');
  // Licensed ESU years (SoftwareLicensingProduct, LicenseStatus 1 = licensed), from our probe or a pasted list.
  const licences = [...(asList(top.esu) ?? []), ...recs.filter((r) => 'licensestatus' in r)];
  const licensedYears = licences
    .filter((l) => asNumber(l.licensestatus) === 1)
    .map((l) => WINDOWS10_ESU_YEARS.find((y) => y.activationId === (asString(l.id) ?? '').toLowerCase())?.year)
    .filter((y): y is number => y !== undefined);
  return judgeWindows(build, asString(pick(recs, 'editionid')) ?? '', ctx.now, { licensedYears, ubr: asNumber(pick(recs, 'ubr')) });
};

// ---------- os-updates ----------
export const WINDOWS_UPDATE_MAX_DAYS = 45;
export const parseWindowsUpdates: Parser = (input, ctx) => {
  const recs = records(input, 'Windows Update');
  if (isFinding(recs)) return recs;
  const top = recs[0] ?? {};
  if (isDepthTruncated(top.pending)) return incomplete('Windows Update', 'réponse JSON trop peu profonde');
  const pending = top.pending === undefined ? null : asList(top.pending);
  const last = asDate(top.lastinstalled);
  const days = last ? Math.max(0, daysBetween(last, ctx.now)) : null;
  if (pending === null) {
    if (days !== null && days > WINDOWS_UPDATE_MAX_DAYS) return critical('os-updates.too-old', { days });
    return incomplete(
      'Windows Update',
      asString(top.searcherror) ? 'recherche des mises à jour impossible' : 'liste des mises à jour absente',
    );
  }
  const security = pending.filter((p) => asBool(p.security) === true || /^(critical|important)$/i.test(asString(p.severity) ?? '')).length;
  if (pending.length && days !== null && days > WINDOWS_UPDATE_MAX_DAYS) return critical('os-updates.too-old', { days });
  if (security) return critical('os-updates.pending-security', { count: pending.length, security });
  if (pending.length) return warning('os-updates.pending', { count: pending.length });
  return ok('os-updates.none');
};

// ---------- auto-updates ----------
export const parseWindowsAutoUpdate: Parser = (input, ctx) => {
  const recs = records(input, 'Windows Update policy');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  if (!('noautoupdate' in r) && !('wuauservstarttype' in r)) return unparseable('Windows Update policy');
  const start = (asString(r.wuauservstarttype) ?? '').toLowerCase();
  if (asNumber(r.noautoupdate) === 1 || start === 'disabled' || start === '4') return critical('auto-updates.off');
  const pause = asDate(r.pauseupdatesexpirytime);
  if (pause && pause > ctx.now) return warning('auto-updates.paused', { untilDate: isoDay(pause) });
  const au = asNumber(r.auoptions);
  if (au === 2 || au === 3) return warning('auto-updates.check-only');
  if (au === 1) return critical('auto-updates.off');
  return ok('auto-updates.on');
};

// ---------- screen-lock ----------
export const parseWindowsScreenLock: Parser = (input) => {
  const recs = records(input, 'Control Panel\\Desktop');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  if (!['screensaveactive', 'screensaverissecure', 'screensavetimeout', 'inactivitytimeoutsecs'].some((k) => k in r)) {
    return unparseable('Control Panel\\Desktop');
  }
  const judge = (seconds: number) => {
    const minutes = Math.ceil(seconds / 60);
    return seconds <= 600 ? ok('screen-lock.ok', { minutes }) : warning('screen-lock.too-long', { minutes });
  };
  const inactivity = asNumber(r.inactivitytimeoutsecs);
  if (inactivity !== null && inactivity > 0) return judge(inactivity);
  const active = asBool(r.screensaveactive);
  const secure = asBool(r.screensaverissecure);
  const timeout = asNumber(r.screensavetimeout);
  if (active === true && timeout !== null && timeout > 0) return secure === true ? judge(timeout) : critical('screen-lock.no-password');
  return warning('screen-lock.never');
};

// ---------- admin-user: whoami /groups /fo csv /nh (or whoami /all) ----------
export const ADMINISTRATORS_SID = 'S-1-5-32-544';
export const parseWhoamiGroups: Parser = (input, ctx) => {
  const t = clean(input.stdout);
  if (!/\bS-1-(1-0|5-\d+)/.test(t))
    return input.exitCode === 0
      ? unparseable('whoami /groups')
      : unknown('command-failed', { command: 'whoami /groups', exitCode: input.exitCode ?? -1 });
  const user = ctx.username ?? '';
  // Present even when UAC filters it ("Group used for deny only"): the account IS an administrator.
  return new RegExp(`\\b${ADMINISTRATORS_SID}\\b`).test(t) ? warning('admin-user.admin', { user }) : ok('admin-user.standard', { user });
};

// ---------- auto-login: Winlogon ----------
/**
 * AutoAdminLogon "1": the session opens by itself (critical). Otherwise a DefaultPassword left in the
 * Winlogon key is still a password in clear that any program can read (warning). Our probe prints
 * only whether a non-empty DefaultPassword exists (DefaultPasswordSet), never the password; a pasted
 * Get-ItemProperty may carry the value itself, which is read for its presence only.
 */
export const parseWinlogon: Parser = (input) => {
  const recs = records(input, 'Winlogon');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  if (!('autoadminlogon' in r) && !('defaultpasswordset' in r)) return unparseable('Winlogon');
  const user = asString(r.defaultusername) ?? '';
  const v = asString(r.autoadminlogon);
  if (v !== null && v.trim() === '1') return critical('auto-login.on', { user });
  const flag = asBool(r.defaultpasswordset);
  const passwordLeft = flag ?? ('defaultpassword' in r ? (asString(r.defaultpassword) ?? '') !== '' : null);
  if (passwordLeft === null && !('autoadminlogon' in r)) return unparseable('Winlogon');
  return passwordLeft ? warning('auto-login.password-left', { user }) : ok('auto-login.off');
};

// ---------- guest-account: local account whose SID ends in -501 ----------
export const parseGuestAccount: Parser = (input) => {
  const recs = records(input, 'Win32_UserAccount');
  if (isFinding(recs)) return recs;
  const guest = recs.find((r) => /-501$/.test(asString(r.sid) ?? ''));
  if (!guest) return incomplete('Win32_UserAccount', 'compte invité (SID -501) introuvable');
  const enabled = asBool(guest.enabled) ?? (asBool(guest.disabled) === null ? null : !asBool(guest.disabled));
  if (enabled === null) return unparseable('Win32_UserAccount');
  return enabled ? warning('guest-account.on') : ok('guest-account.off');
};

// ---------- smbv1: sc.exe qc lanmanworkstation ----------
/** The SMB client depends on MRxSmb10 only when the SMBv1 client is installed. */
export const parseScQcLanmanWorkstation: Parser = (input) => {
  const lines = clean(input.stdout).split('\n');
  const i = lines.findIndex((l) => /^\s*DEPENDENCIES\s*:/.test(l));
  if (i < 0)
    return input.exitCode === 0
      ? unparseable('sc.exe qc lanmanworkstation')
      : unknown('command-failed', { command: 'sc.exe qc lanmanworkstation', exitCode: input.exitCode ?? -1 });
  const deps: string[] = [(lines[i] ?? '').replace(/^\s*DEPENDENCIES\s*:\s*/, '').trim()];
  for (const l of lines.slice(i + 1)) {
    const m = /^\s+:\s*(\S.*)$/.exec(l);
    if (!m) break;
    deps.push((m[1] ?? '').trim());
  }
  return deps.some((d) => /^mrxsmb10$/i.test(d)) ? critical('smbv1.on') : ok('smbv1.off');
};

// ---------- smbv1: the server side ----------
/**
 * Whether this computer still serves files over SMBv1 (Microsoft Learn, « How to detect, enable and
 * disable SMBv1 »). Our probe reads, without administrator rights: the LanmanServer start type (4 =
 * disabled: no file server at all), its Parameters\SMB1 value (0 = SMBv1 refused; absent = the
 * default, allowed when installed), the optional feature SMB1Protocol-Server (Win32_OptionalFeature
 * InstallState: 1 enabled, 2 disabled, 3 absent) and, when the feature cannot be read, whether the
 * SMBv1 server driver (service « srv ») is installed and not disabled.
 */
export const parseSmbServer: Parser = (input) => {
  const recs = records(input, 'LanmanServer');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  if (!('serversmb1' in r) || !('lanmanserverstart' in r)) return unparseable('LanmanServer');
  if (asNumber(r.lanmanserverstart) === 4) return ok('smbv1.off');
  if (asNumber(r.serversmb1) === 0) return ok('smbv1.off');
  const feature = asNumber(r.featureserver);
  if (feature === 2 || feature === 3) return ok('smbv1.off');
  if (feature === 1) return critical('smbv1.server-on');
  const driver = asBool(r.srv1present);
  if (driver === false) return ok('smbv1.off');
  if (driver === true) return asNumber(r.srv1start) === 4 ? ok('smbv1.off') : critical('smbv1.server-on');
  return incomplete('LanmanServer', 'état du pilote de partage SMBv1 absent');
};

// ---------- platform-integrity ----------
export const parseWindowsPlatform: Parser = (input) => {
  const recs = records(input, 'SecureBoot');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  if (!('secureboot' in r) && !('tamperprotected' in r)) return unparseable('SecureBoot');
  const sb = asNumber(r.secureboot);
  const mode = (asString(r.amrunningmode) ?? '').toLowerCase();
  const tamper = asBool(r.tamperprotected);
  if (sb === 0) return warning('platform-integrity.secure-boot-off');
  if (mode === 'normal' && tamper === false) return warning('platform-integrity.tamper-off');
  if (sb === 1) return ok('platform-integrity.ok');
  return unknown('nothing-found', { detail: 'état du démarrage sécurisé illisible' });
};

// ---------- disk-space ----------
export const parseWindowsDisk: Parser = (input) => {
  const recs = records(input, 'Win32_LogicalDisk');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  const size = asNumber(r.size);
  const free = asNumber(r.freespace);
  if (size === null || free === null || size <= 0) return unparseable('Win32_LogicalDisk');
  const percent = Math.floor((1000 * free) / size) / 10;
  const params = { freeBytes: free, percent, mount: asString(r.deviceid) ?? 'C:' };
  if (percent < DISK_CRITICAL.percent || free < DISK_CRITICAL.bytes) return critical('disk-space.full', params);
  if (percent < DISK_WARNING.percent || free < DISK_WARNING.bytes) return warning('disk-space.low', params);
  return ok('disk-space.ok', params);
};

// ---------- time-sync: W32Time ----------
export const parseW32Time: Parser = (input) => {
  const recs = records(input, 'W32Time');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  const type = asString(r.type);
  const start = (asString(r.starttype) ?? '').toLowerCase();
  if (type === null && !start) return unparseable('W32Time');
  if ((type ?? '').toLowerCase() === 'nosync' || start === 'disabled' || start === '4') return warning('time-sync.off');
  return ok('time-sync.ok');
};
