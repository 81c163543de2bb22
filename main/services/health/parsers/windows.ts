import type { Finding, Parser, ParserInput } from '../types.js';
import { judgeWindows, WINDOWS10_ESU_YEARS, type OsSupportData } from './eol.js';
import { DISK_CRITICAL, DISK_WARNING } from './linux.js';
import { asBool, asDate, asList, asNumber, asRecord, asString, isDepthTruncated, normKey, readRecords, type Rec } from './records.js';
import { REMOTE_TOOLS, toolsMatching } from './remote-tools.js';
import { clean, critical, daysBetween, incomplete, isoDay, ok, unknown, unparseable, warning } from './util.js';

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
/** Win32_EncryptableVolume ConversionStatus numbers (Microsoft Learn, GetConversionStatus) and their names. */
const CONVERSION_BY_NUMBER = [
  'fullydecrypted',
  'fullyencrypted',
  'encryptioninprogress',
  'decryptioninprogress',
  'encryptionpaused',
  'decryptionpaused',
];
function conversionOf(v: unknown): string {
  const n = asNumber(v);
  if (n !== null) return CONVERSION_BY_NUMBER[n] ?? '';
  const t = (asString(v) ?? '').toLowerCase().replace(/[^a-z]/g, '');
  // manage-bde says "Used Space Only Encrypted" for a finished used-space-only encryption.
  return t === 'usedspaceonlyencrypted' ? 'fullyencrypted' : t;
}
function percentOf(v: unknown): number | null {
  const n = asNumber(typeof v === 'string' ? v.replace(',', '.').replace('%', '').trim() : v);
  return n !== null && n >= 0 && n <= 100 ? Math.floor(n * 10) / 10 : null;
}

/**
 * Reads Get-BitLockerVolume and manage-bde -status (both need administrator rights) or, without
 * them, the shell property System.Volume.BitLockerProtection. With the administrator tools, the
 * conversion state decides first (Microsoft: « always use ConversionStatus », a percentage of 0 or
 * 100 is rounded): decrypting or paused either way is critical, encrypting a warning with its
 * percentage, fully encrypted is ok only with protection on ("Protection Off" on an encrypted
 * volume = suspended: the key sits in clear on the disk). The shell property, as community sources
 * map it (not documented by Microsoft): 1 on, 2 off, 3 encrypting, 4 decrypting, 5 suspended,
 * 6 on and locked; it carries no percentage, and the text says the progress is not visible.
 */
export const parseBitLocker: Parser = (input) => {
  const recs = records(input, 'BitLocker');
  if (isFinding(recs)) return recs;
  const protectionText = asString(pick(recs, 'protectionstatus'));
  const conversion = conversionOf(pick(recs, 'volumestatus') ?? pick(recs, 'conversionstatus'));
  const percent = percentOf(pick(recs, 'encryptionpercentage') ?? pick(recs, 'percentageencrypted'));
  const inProgress = () =>
    percent === null ? warning('disk-encryption.in-progress-unmeasured') : warning('disk-encryption.in-progress', { percent });
  if (protectionText !== null || conversion) {
    const p = (protectionText ?? '')
      .toLowerCase()
      .replace(/^protection\s+/, '')
      .trim();
    const on = p === 'on' || p === '1';
    const off = p === 'off' || p === '0';
    switch (conversion) {
      case 'decryptioninprogress':
        return critical('disk-encryption.decrypting');
      case 'decryptionpaused':
        return critical('disk-encryption.decryption-paused');
      case 'encryptionpaused':
        return percent === null ? critical('disk-encryption.paused-unmeasured') : critical('disk-encryption.paused', { percent });
      case 'encryptioninprogress':
        return inProgress();
      case 'fullydecrypted':
        return critical('disk-encryption.off.windows');
      case 'fullyencrypted':
        if (on) return ok('disk-encryption.on');
        if (off) return critical('disk-encryption.suspended');
        return unparseable('BitLocker');
      case '':
        // No conversion state (a pasted excerpt): the protection and the percentage only.
        if (on) return ok('disk-encryption.on');
        if (off && percent === 100) return critical('disk-encryption.suspended');
        if (off && percent === 0) return critical('disk-encryption.off.windows');
        return unparseable('BitLocker');
      default:
        return unparseable('BitLocker');
    }
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
        return inProgress();
      case 4:
        return critical('disk-encryption.decrypting');
      case 5:
        return critical('disk-encryption.suspended');
      default:
        return unknown('not-supported', { detail: `état BitLocker ${shell}` });
    }
  }
  if (recs.some((r) => 'bitlockerprotection' in r))
    return unknown('not-supported', { detail: 'BitLocker indisponible sur ce volume ou cette édition' });
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
    if (isDepthTruncated(top.defender) || isDepthTruncated(top.products))
      return incomplete('Get-MpComputerStatus', 'réponse JSON trop peu profonde');
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
        return days === null
          ? warning('antivirus.product-outdated', { name: 'Microsoft Defender' })
          : warning('antivirus.outdated', { name: 'Microsoft Defender', days });
      }
      return ok('antivirus.defender-ok');
    }
  }
  // Defender passive, not running, or unreadable: another registered antivirus must protect.
  if (products === null) return incomplete('SecurityCenter2 AntivirusProduct', 'liste des antivirus absente');
  const judged = products
    .map((p) => ({ name: asString(p.displayname) ?? 'Antivirus', state: asNumber(p.productstate) }))
    .filter((p) => !(defender && isMsDefender(p.name)));
  const readable = judged
    .filter((p): p is { name: string; state: number } => p.state !== null)
    .map((p) => ({ name: p.name, ...decodeProductState(p.state) }));
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

const PROFILE_TERM: Record<Profile, string> = { domain: 'fw-domain', private: 'fw-private', public: 'fw-public' };
type Profile = (typeof PROFILES)[number];
/** NetworkCategory of a connection profile (Get-NetConnectionProfile: Public 0, Private 1, DomainAuthenticated 2) → firewall profile. */
function profileOfCategory(v: unknown): Profile | null {
  const t = (asString(v) ?? '').toLowerCase();
  if (t === 'public' || t === '0') return 'public';
  if (t === 'private' || t === '1') return 'private';
  if (t === 'domainauthenticated' || t === 'domain' || t === '2') return 'domain';
  return null;
}

export interface FirewallData {
  /** Profiles whose rules apply now; null when the connected networks could not be read. */
  inForce: Profile[] | null;
  off: Profile[];
  /** Win32_ComputerSystem.PartOfDomain; null when not read. */
  partOfDomain: boolean | null;
}

/**
 * Windows firewall, per profile. Our probe prints { Profiles, Connections, PartOfDomain }: the
 * profile state, the category of each connected network (Get-NetConnectionProfile) and domain
 * membership (Win32_ComputerSystem), none of which needs administrator rights. A network's category
 * picks the profile in force (Public → public, Private → private, DomainAuthenticated → domain);
 * with no network connected, the public profile is the one a new network gets. Off for a profile in
 * force: critical. Off only for profiles not in force: warning, naming them. When the networks are
 * not known (pasted text, a failed query), every profile counts as in force, except the domain
 * profile on a computer that is not joined to a domain.
 */
export const parseFirewallProfiles: Parser<FirewallData> = (input) => {
  let state = netshProfiles(input.stdout);
  let inForce: Profile[] | null = null;
  let partOfDomain: boolean | null = null;
  if (!state) {
    const recs = records(input, 'Get-NetFirewallProfile');
    if (isFinding(recs)) return recs as Finding<FirewallData>;
    const top = recs[0];
    let profiles = recs;
    if (recs.length === 1 && top && 'profiles' in top) {
      if (isDepthTruncated(top.profiles) || isDepthTruncated(top.connections))
        return incomplete('Get-NetFirewallProfile', 'réponse JSON trop peu profonde');
      profiles = asList(top.profiles) ?? [];
      partOfDomain = asBool(top.partofdomain);
      const connections = top.connections === null || top.connections === undefined ? null : asList(top.connections);
      if (connections) {
        const set = new Set<Profile>();
        for (const c of connections) {
          const p = profileOfCategory(c.networkcategory);
          if (p === null) return unparseable('Get-NetConnectionProfile');
          set.add(p);
        }
        if (set.size === 0) set.add('public');
        inForce = PROFILES.filter((p) => set.has(p));
      }
    }
    state = new Map();
    for (const r of profiles) {
      const name = (asString(r.name) ?? '').toLowerCase();
      const enabled = asBool(r.enabled);
      if ((PROFILES as readonly string[]).includes(name) && enabled !== null) state.set(name, enabled);
    }
    if (state.size === 0) return unparseable('Get-NetFirewallProfile');
  }
  const known = state;
  const off = PROFILES.filter((p) => known.get(p) === false);
  // A computer outside any domain never uses the domain profile, whatever its networks.
  const mattering = inForce ?? (partOfDomain === false ? PROFILES.filter((p) => p !== 'domain') : [...PROFILES]);
  const data: FirewallData = { inForce, off, partOfDomain };
  const offInForce = off.filter((p) => mattering.includes(p));
  const list = (ps: Profile[]) => ps.map((p) => PROFILE_TERM[p]).join(',');
  if (offInForce.length) return critical('firewall.off.windows', { profilesList: list(offInForce) }, data);
  if (mattering.some((p) => known.get(p) === undefined))
    return incomplete('Get-NetFirewallProfile', 'tous les profils réseau ne sont pas listés');
  if (off.length) return warning('firewall.unused-off.windows', { profilesList: list(off) }, data);
  return ok('firewall.on', {}, data);
};

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

// ---------- remote-access: Remote Desktop settings and remote-control software ----------
/** `reg query` text: "    Name    REG_DWORD    0x1" lines → { name: number }. */
function regQueryValues(text: string): Rec | null {
  const out: Rec = {};
  for (const m of clean(text).matchAll(/^\s+(\w+)\s+REG_DWORD\s+0x([0-9a-f]+)\s*$/gim)) out[normKey(m[1] ?? '')] = parseInt(m[2] ?? '', 16);
  return Object.keys(out).length ? out : null;
}

export interface RemoteAccessData {
  rdp: 'off' | 'nla' | 'no-nla' | 'on-unknown-nla';
  /** Remote-control software running or set to start by itself; null when it could not be listed. */
  tools: string[] | null;
}

/**
 * Remote Desktop is allowed when fDenyTSConnections is 0; the group-policy value
 * (HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services) overrides the local one. Network
 * Level Authentication is required when UserAuthentication is 1 (policy first, then the RDP-Tcp
 * listener); Microsoft documents 0 as its default, so a missing value means not required.
 * Remote-control software (REMOTE_TOOLS) counts when its service runs or starts automatically, or
 * its process runs. Open without NLA: critical; open with NLA or any software: warning. ok only
 * when both were read: Remote Desktop closed and no such software found.
 */
export const parseRemoteAccess: Parser<RemoteAccessData> = (input) => {
  const reg = regQueryValues(input.stdout);
  let r: Rec;
  if (reg) r = reg;
  else {
    const recs = records(input, 'Terminal Server');
    if (isFinding(recs)) return recs as Finding<RemoteAccessData>;
    r = recs[0] ?? {};
  }
  if (isDepthTruncated(r.services)) return incomplete('Terminal Server', 'réponse JSON trop peu profonde');
  const deny = asNumber(r.policydenytsconnections) ?? asNumber(r.fdenytsconnections);
  if (deny === null)
    return 'fdenytsconnections' in r
      ? incomplete('Terminal Server', 'réglage du bureau à distance absent')
      : unparseable('Terminal Server');
  const nlaKnown = 'userauthentication' in r || 'policyuserauthentication' in r;
  const nla = (asNumber(r.policyuserauthentication) ?? asNumber(r.userauthentication) ?? 0) === 1;
  const rdp: RemoteAccessData['rdp'] = deny !== 0 ? 'off' : !nlaKnown ? 'on-unknown-nla' : nla ? 'nla' : 'no-nla';

  let tools: string[] | null = null;
  if ('services' in r || 'processes' in r) {
    const services = r.services === null ? null : asList(r.services);
    const processes = r.processes === null || r.processes === undefined ? [] : Array.isArray(r.processes) ? r.processes : [r.processes];
    if (services !== null) {
      const active = services.filter((sv) => {
        const status = (asString(sv.status) ?? '').toLowerCase();
        const start = (asString(sv.starttype) ?? '').toLowerCase();
        return status === 'running' || status === '4' || start === 'automatic' || start === '2';
      });
      const names = active.flatMap((sv) => [asString(sv.name) ?? '', asString(sv.displayname) ?? '']).filter(Boolean);
      const procNames = processes.map((p) => asString(p) ?? '').filter(Boolean);
      const found = new Set([...toolsMatching('service', names), ...toolsMatching('process', procNames)]);
      tools = REMOTE_TOOLS.map((t) => t.term).filter((t) => found.has(t));
    }
  }
  const data: RemoteAccessData = { rdp, tools };
  if (rdp === 'no-nla') {
    return tools && tools.length
      ? critical('remote-access.rdp-unprotected-and-others', { servicesList: tools.join(',') }, data)
      : critical('remote-access.rdp-unprotected', {}, data);
  }
  const open = [...(rdp === 'off' ? [] : ['remote-desktop']), ...(tools ?? [])];
  if (open.length) return warning('remote-access.on', { servicesList: open.join(',') }, data);
  if (tools === null) return incomplete('Get-Service', 'liste des logiciels de prise en main absente');
  return ok('remote-access.off', {}, data);
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
