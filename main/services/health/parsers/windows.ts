import type { Finding, Parser, ParserInput } from '../types.js';
import { judgeWindows, type OsSupportData } from './eol.js';
import { DISK_CRITICAL, DISK_WARNING } from './linux.js';
import { asBool, asDate, asList, asNumber, asRecord, asString, isDepthTruncated, readRecords, type Rec } from './records.js';
import { clean, critical, daysBetween, humanBytes, incomplete, isoDay, ok, unknown, unparseable, warning } from './util.js';

/**
 * Windows parsers. Our probes print `ConvertTo-Json` of only the needed properties (Windows
 * PowerShell 5.1 or PowerShell 7); the same parsers also read the Format-List / Format-Table /
 * wmic / manage-bde text a technician pastes, because property names are not localized.
 * Localized words (French "Actif", "Aucune instance disponible.") are never relied upon, except
 * where both English and French are listed.
 */

function records(input: ParserInput, command: string): Rec[] | Finding {
  if (input.exitCode !== 0 && !clean(input.stdout).trim()) return unknown('command-failed', { command, exitCode: input.exitCode ?? -1 });
  const r = readRecords(input.stdout);
  if (r.kind === 'error') return r.detail === 'JSON invalide ou tronqué' ? incomplete(command, 'réponse coupée') : unparseable(command);
  return r.records;
}
const isFinding = (x: Rec[] | Finding): x is Finding => !Array.isArray(x);
const pick = (recs: Rec[], key: string): unknown => recs.find((r) => r[key] !== undefined && r[key] !== '')?.[key];

// ---------- disk-encryption ----------
/**
 * Reads Get-BitLockerVolume (admin only), manage-bde -status (admin only) or the no-admin shell
 * property System.Volume.BitLockerProtection (1 on, 2 off, 3 encrypting, 4 decrypting,
 * 5 suspended, 6 on and locked). "Protection Off" on an encrypted volume = suspended or waiting
 * for activation: the key sits in clear on the disk, not a protected disk.
 */
export const parseBitLocker: Parser = (input) => {
  const recs = records(input, 'BitLocker');
  if (isFinding(recs)) return recs;
  const protection = asString(pick(recs, 'protectionstatus'));
  const volume = (asString(pick(recs, 'volumestatus')) ?? asString(pick(recs, 'conversionstatus')) ?? '').toLowerCase().replace(/\s+/g, '');
  const percentText = asString(pick(recs, 'encryptionpercentage')) ?? asString(pick(recs, 'percentageencrypted')) ?? '';
  const percent = Number(percentText.replace(',', '.').replace('%', '').trim());
  if (protection !== null) {
    const p = protection.toLowerCase().replace(/^protection\s+/, '').trim();
    const encrypting = volume.includes('encryptioninprogress');
    if (p === 'on' || p === '1') return encrypting ? warning('disk-encryption.in-progress', { percent: Number.isFinite(percent) ? `${percent} %` : '?' }) : ok('disk-encryption.on');
    if (p === 'off' || p === '0') {
      if (volume.includes('decryptioninprogress')) return critical('disk-encryption.decrypting');
      if (encrypting) return warning('disk-encryption.in-progress', { percent: Number.isFinite(percent) ? `${percent} %` : '?' });
      if (volume.includes('fullyencrypted') || volume.includes('usedspaceonlyencrypted') || percent === 100) return critical('disk-encryption.suspended');
      if (volume.includes('fullydecrypted') || percent === 0) return critical('disk-encryption.off.windows');
    }
    return unparseable('BitLocker');
  }
  const shell = asNumber(pick(recs, 'bitlockerprotection'));
  if (shell !== null) {
    switch (shell) {
      case 1:
      case 6:
        return ok('disk-encryption.on');
      case 2:
        return critical('disk-encryption.off.windows');
      case 3:
        return warning('disk-encryption.in-progress', { percent: '?' });
      case 4:
        return critical('disk-encryption.decrypting');
      case 5:
        return critical('disk-encryption.suspended');
      default:
        return unknown('not-supported', { detail: `état BitLocker ${shell}` });
    }
  }
  if (recs.some((r) => 'bitlockerprotection' in r)) return unknown('not-supported', { detail: 'BitLocker indisponible sur ce volume ou cette édition' });
  return unparseable('BitLocker');
};

// ---------- antivirus ----------
/** SecurityCenter2 productState: middle byte 0x10/0x11 = real-time on; last byte 0x00 = definitions up to date. */
export function decodeProductState(state: number): { enabled: boolean; upToDate: boolean } {
  const hex = state.toString(16).padStart(6, '0');
  const mid = hex.slice(-4, -2);
  const last = hex.slice(-2);
  return { enabled: mid === '10' || mid === '11', upToDate: last === '00' };
}
const isMsDefender = (name: string) => /(windows|microsoft) defender/i.test(name);
export const SIGNATURE_MAX_DAYS = 7;

export const parseAntivirus: Parser = (input, ctx) => {
  const recs = records(input, 'Get-MpComputerStatus');
  if (isFinding(recs)) return recs;
  // Our probe's JSON: one record { Defender, DefenderError, Products }; pasted text: Defender and/or product records.
  let defender: Rec | null;
  let products: Rec[] | null;
  const top = recs[0];
  if (recs.length === 1 && top && ('defender' in top || 'products' in top)) {
    if (isDepthTruncated(top.defender) || isDepthTruncated(top.products)) return incomplete('Get-MpComputerStatus', 'réponse JSON trop peu profonde');
    defender = asRecord(top.defender);
    products = asList(top.products);
  } else {
    defender = recs.find((r) => 'amrunningmode' in r || 'realtimeprotectionenabled' in r) ?? null;
    const p = recs.filter((r) => 'productstate' in r || 'displayname' in r);
    products = p.length ? p : null;
  }
  if (defender) {
    const mode = (asString(defender.amrunningmode) ?? '').toLowerCase();
    const active = mode === 'normal' || (mode === '' && asBool(defender.antivirusenabled) === true);
    if (active) {
      if (asBool(defender.realtimeprotectionenabled) !== true) return critical('antivirus.realtime-off', { name: 'Microsoft Defender' });
      let days = asNumber(defender.antivirussignatureage);
      const updated = asDate(defender.antivirussignaturelastupdated);
      if (updated) days = Math.max(0, daysBetween(updated, ctx.now));
      if (asBool(defender.defendersignaturesoutofdate) === true || (days !== null && days > SIGNATURE_MAX_DAYS)) {
        return warning('antivirus.outdated', { name: 'Microsoft Defender', days: days ?? '?' });
      }
      return ok('antivirus.defender-ok');
    }
  }
  // Defender passive, not running, or unreadable: another registered antivirus must protect.
  if (products === null) return incomplete('SecurityCenter2 AntivirusProduct', 'liste des antivirus absente');
  const judged = products
    .map((p) => ({ name: asString(p.displayname) ?? 'Antivirus', state: asNumber(p.productstate) }))
    .filter((p) => !(defender && isMsDefender(p.name)));
  const readable = judged.filter((p): p is { name: string; state: number } => p.state !== null).map((p) => ({ name: p.name, ...decodeProductState(p.state) }));
  const good = readable.find((p) => p.enabled && p.upToDate);
  if (good) return ok(isMsDefender(good.name) ? 'antivirus.defender-ok' : 'antivirus.product-ok', { name: good.name });
  const stale = readable.find((p) => p.enabled);
  if (stale) return warning('antivirus.product-outdated', { name: stale.name });
  if (judged.length > readable.length) return incomplete('SecurityCenter2 AntivirusProduct', 'état de l’antivirus absent');
  if (readable.length) return critical('antivirus.realtime-off', { name: readable[0]!.name });
  return critical('antivirus.none');
};

// ---------- firewall ----------
const PROFILES = ['domain', 'private', 'public'] as const;
const PROFILE_WORDS: Record<(typeof PROFILES)[number], RegExp> = {
  domain: /^(Domain Profile Settings|Param.{1,2}tres (du )?profil de domaine)/i,
  private: /^(Private Profile Settings|Param.{1,2}tres (du )?profil priv)/i,
  public: /^(Public Profile Settings|Param.{1,2}tres (du )?profil public)/i,
};

function netshProfiles(text: string): Map<string, boolean> | null {
  const state = new Map<string, boolean>();
  let current: string | null = null;
  for (const raw of clean(text).split('\n')) {
    const line = raw.trim();
    const p = PROFILES.find((k) => PROFILE_WORDS[k].test(line));
    if (p) {
      current = p;
      continue;
    }
    // "État" may arrive mangled when netsh writes in the OEM code page: match loosely.
    const m = /^(State|.{1,2}tat)\s+(\S+)$/i.exec(line);
    if (m && current) {
      const v = (m[2] ?? '').toLowerCase();
      if (v === 'on' || v === 'actif') state.set(current, true);
      else if (v === 'off' || v === 'inactif') state.set(current, false);
    }
  }
  return state.size ? state : null;
}

const PROFILE_LABEL: Record<string, string> = { domain: 'Domaine', private: 'Privé', public: 'Public' };

export const parseFirewallProfiles: Parser = (input) => {
  let state = netshProfiles(input.stdout);
  if (!state) {
    const recs = records(input, 'Get-NetFirewallProfile');
    if (isFinding(recs)) return recs;
    state = new Map();
    for (const r of recs) {
      const name = (asString(r.name) ?? '').toLowerCase();
      const enabled = asBool(r.enabled);
      if ((PROFILES as readonly string[]).includes(name) && enabled !== null) state.set(name, enabled);
    }
    if (state.size === 0) return unparseable('Get-NetFirewallProfile');
  }
  const off = PROFILES.filter((p) => state.get(p) === false);
  if (off.length) return critical('firewall.off.windows', { profiles: off.map((p) => PROFILE_LABEL[p]).join(', ') });
  if (PROFILES.every((p) => state.get(p) === true)) return ok('firewall.on');
  return incomplete('Get-NetFirewallProfile', 'tous les profils réseau ne sont pas listés');
};

// ---------- os-supported ----------
export const parseWindowsVersion: Parser<OsSupportData> = (input, ctx) => {
  const recs = records(input, 'CurrentVersion');
  if (isFinding(recs)) return recs as Finding<OsSupportData>;
  const build = asNumber(pick(recs, 'currentbuild')) ?? asNumber(pick(recs, 'currentbuildnumber'));
  if (build === null) return unparseable('CurrentVersion');
  return judgeWindows(build, asString(pick(recs, 'editionid')) ?? '', ctx.now);
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
    return incomplete('Windows Update', asString(top.searcherror) ? 'recherche des mises à jour impossible' : 'liste des mises à jour absente');
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
  if (!/\bS-1-(1-0|5-\d+)/.test(t)) return input.exitCode === 0 ? unparseable('whoami /groups') : unknown('command-failed', { command: 'whoami /groups', exitCode: input.exitCode ?? -1 });
  const user = ctx.username ?? '';
  // Present even when UAC filters it ("Group used for deny only"): the account IS an administrator.
  return new RegExp(`\\b${ADMINISTRATORS_SID}\\b`).test(t) ? warning('admin-user.admin', { user }) : ok('admin-user.standard', { user });
};

// ---------- auto-login: Winlogon ----------
export const parseWinlogon: Parser = (input) => {
  const recs = records(input, 'Winlogon');
  if (isFinding(recs)) return recs;
  const r = recs[0] ?? {};
  if (!('autoadminlogon' in r)) return unparseable('Winlogon');
  const v = asString(r.autoadminlogon);
  return v !== null && v.trim() === '1' ? critical('auto-login.on', { user: asString(r.defaultusername) ?? '' }) : ok('auto-login.off');
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

// ---------- remote-access: reg query "HKLM\…\Terminal Server" /v fDenyTSConnections ----------
export const parseRegFDenyTs: Parser = (input) => {
  const m = /fDenyTSConnections\s+REG_DWORD\s+0x([0-9a-f]+)/i.exec(clean(input.stdout));
  if (!m) return input.exitCode === 0 ? unparseable('reg query fDenyTSConnections') : unknown('command-failed', { command: 'reg query fDenyTSConnections', exitCode: input.exitCode ?? -1 });
  return parseInt(m[1] ?? '1', 16) === 0 ? warning('remote-access.on', { services: 'Bureau à distance (RDP)' }) : ok('remote-access.off');
};

// ---------- smbv1: sc.exe qc lanmanworkstation ----------
/** The SMB client depends on MRxSmb10 only when the SMBv1 client is installed. */
export const parseScQcLanmanWorkstation: Parser = (input) => {
  const lines = clean(input.stdout).split('\n');
  const i = lines.findIndex((l) => /^\s*DEPENDENCIES\s*:/.test(l));
  if (i < 0) return input.exitCode === 0 ? unparseable('sc.exe qc lanmanworkstation') : unknown('command-failed', { command: 'sc.exe qc lanmanworkstation', exitCode: input.exitCode ?? -1 });
  const deps: string[] = [(lines[i] ?? '').replace(/^\s*DEPENDENCIES\s*:\s*/, '').trim()];
  for (const l of lines.slice(i + 1)) {
    const m = /^\s+:\s*(\S.*)$/.exec(l);
    if (!m) break;
    deps.push((m[1] ?? '').trim());
  }
  return deps.some((d) => /^mrxsmb10$/i.test(d)) ? critical('smbv1.on') : ok('smbv1.off');
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
  const percent = Math.floor((100 * free) / size);
  const params = { free: humanBytes(free), percent, mount: asString(r.deviceid) ?? 'C:' };
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
