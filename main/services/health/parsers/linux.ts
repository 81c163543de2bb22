import type { Finding, Parser, ParserInput } from '../types.js';
import { judgeLinux, type OsSupportData } from './eol.js';
import {
  clean,
  looksLikeIni,
  critical,
  daysBetween,
  fileContent,
  iniSections,
  isTruthy,
  keyValues,
  nonEmptyLines,
  ok,
  unknown,
  unparseable,
  warning,
} from './util.js';

/** Linux parsers. Every one is pure: (stdout, stderr, exit code, context) → finding. */

// ---------- disk-encryption: lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINT ----------
interface BlockDev {
  name?: unknown;
  type?: unknown;
  fstype?: unknown;
  mountpoint?: unknown;
  mountpoints?: unknown;
  children?: unknown;
}

function mounts(d: BlockDev): string[] {
  const out: string[] = [];
  if (typeof d.mountpoint === 'string') out.push(d.mountpoint);
  if (Array.isArray(d.mountpoints)) for (const m of d.mountpoints) if (typeof m === 'string') out.push(m);
  return out;
}
const isCryptLayer = (d: BlockDev) => d.type === 'crypt' || (typeof d.fstype === 'string' && /^crypto_luks$/i.test(d.fstype));

/** Root file system on a dm-crypt (LUKS) layer anywhere between it and its disk → encrypted. */
export const parseLsblk: Parser = ({ stdout, exitCode }) => {
  if (exitCode !== 0) return unknown('command-failed', { command: 'lsblk', exitCode: exitCode ?? -1 });
  let doc: unknown;
  try {
    doc = JSON.parse(clean(stdout));
  } catch {
    return unparseable('lsblk');
  }
  const roots = (doc as { blockdevices?: unknown })?.blockdevices;
  if (!Array.isArray(roots)) return unparseable('lsblk');
  let found: { encrypted: boolean; name: string } | null = null;
  const walk = (d: BlockDev, encryptedAbove: boolean) => {
    if (!d || typeof d !== 'object' || found) return;
    const enc = encryptedAbove || isCryptLayer(d);
    if (mounts(d).includes('/')) {
      found = { encrypted: enc, name: typeof d.name === 'string' ? d.name : '?' };
      return;
    }
    if (Array.isArray(d.children)) for (const c of d.children as BlockDev[]) walk(c, enc);
  };
  for (const r of roots as BlockDev[]) walk(r, false);
  if (!found) return unknown('nothing-found', { detail: 'le système de fichiers principal « / » n’apparaît sur aucun disque listé' });
  const f = found as { encrypted: boolean; name: string };
  return f.encrypted ? ok('disk-encryption.on', {}, f) : critical('disk-encryption.off.linux', {}, f);
};

// ---------- antivirus: dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' clamav clamav-daemon clamav-freshclam ----------
/** dpkg-query answers one line per known package and "no packages found matching X" on stderr for the others. */
export function dpkgInstalled(input: ParserInput): Map<string, boolean> | null {
  const state = new Map<string, boolean>();
  for (const line of nonEmptyLines(input.stdout)) {
    const m = /^([a-z0-9][a-z0-9+.-]+)(?::\S+)?\s+([uihrp][ncHUFWti]R?)$/.exec(line);
    if (!m) return null;
    state.set(m[1] ?? '', (m[2] ?? '').startsWith('ii'));
  }
  for (const m of clean(input.stderr).matchAll(/no packages found matching ([a-z0-9][a-z0-9+.-]+)/g)) state.set(m[1] ?? '', false);
  return state.size ? state : null;
}

export const parseClamavPackages: Parser = (input) => {
  const s = dpkgInstalled(input);
  if (!s || !['clamav', 'clamav-daemon', 'clamav-freshclam'].some((p) => s.has(p))) return unparseable('dpkg-query');
  const engine = s.get('clamav') || s.get('clamav-daemon');
  if (!engine) return warning('antivirus.linux-none');
  return s.get('clamav-freshclam') ? ok('antivirus.linux-clamav-ok') : warning('antivirus.linux-clamav-no-updates');
};

// ---------- firewall ----------
/** `cat /etc/ufw/ufw.conf`: ENABLED=yes means ufw loads its rules at boot. */
export const parseUfwConf: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat /etc/ufw/ufw.conf');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'ufw n’est pas installé' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat /etc/ufw/ufw.conf' });
  const enabled = keyValues(f.text).get('ENABLED');
  if (enabled === undefined) return unparseable('cat /etc/ufw/ufw.conf');
  return isTruthy(enabled) ? ok('firewall.on', { tool: 'ufw' }) : critical('firewall.off.linux', { tool: 'ufw' });
};

/** `ufw status` (root only; as a user it answers "ERROR: You need to be root to run this script"). */
export const parseUfwStatus: Parser = ({ stdout, stderr, exitCode }) => {
  const t = `${clean(stdout)}\n${clean(stderr)}`;
  const m = /^Status:\s*(active|inactive)\b/m.exec(t);
  if (m) return m[1] === 'active' ? ok('firewall.on', { tool: 'ufw' }) : critical('firewall.off.linux', { tool: 'ufw' });
  if (/need to be root/i.test(t)) return unknown('permission-denied', { command: 'ufw status' });
  return exitCode === 0 ? unparseable('ufw status') : unknown('command-failed', { command: 'ufw status', exitCode: exitCode ?? -1 });
};

/** `nft list ruleset` (needs CAP_NET_ADMIN): an input hook that drops or rejects → filtering. */
export const parseNftRuleset: Parser = ({ stdout, stderr, exitCode }) => {
  const err = clean(stderr);
  if (exitCode !== 0) {
    if (/Operation not permitted|Permission denied/i.test(err)) return unknown('permission-denied', { command: 'nft list ruleset' });
    return unknown('command-failed', { command: 'nft list ruleset', exitCode: exitCode ?? -1 });
  }
  const text = clean(stdout);
  if (!text.trim()) return critical('firewall.off.linux', { tool: 'nftables' });
  if (!/\btable\s+\w+/.test(text)) return unparseable('nft list ruleset');
  const chains = text.split(/\bchain\s+/).slice(1);
  const filtering = chains.some(
    (c) => /hook\s+input\b/.test(c) && (/policy\s+drop\b/.test(c) || /\b(drop|reject)\b/.test(c.replace(/policy\s+\w+/, ''))),
  );
  return filtering ? ok('firewall.on', { tool: 'nftables' }) : critical('firewall.off.linux', { tool: 'nftables' });
};

/** `firewall-cmd --state`: "running" / "not running". */
export const parseFirewalldState: Parser = ({ stdout, stderr, exitCode }) => {
  const t = `${clean(stdout)}\n${clean(stderr)}`.trim();
  if (/^running$/m.test(t)) return ok('firewall.on', { tool: 'firewalld' });
  if (/not running/i.test(t)) return critical('firewall.off.linux', { tool: 'firewalld' });
  return exitCode === 0
    ? unparseable('firewall-cmd --state')
    : unknown('command-failed', { command: 'firewall-cmd --state', exitCode: exitCode ?? -1 });
};

// ---------- os-supported: cat /etc/os-release ----------
export const parseOsRelease: Parser<OsSupportData> = (input, ctx) => {
  const f = fileContent(input);
  if (!f || f.state !== 'present') return unparseable('cat /etc/os-release');
  const kv = keyValues(f.text);
  const id = (kv.get('ID') ?? '').toLowerCase();
  if (!id) return unparseable('cat /etc/os-release');
  return judgeLinux(id, kv.get('VERSION_ID') ?? '', kv.get('PRETTY_NAME') ?? '', ctx.now);
};

// ---------- os-updates: apt list --upgradable ----------
export interface AptData {
  count: number;
  security: number;
}
export const parseAptUpgradable: Parser<AptData> = ({ stdout, stderr, exitCode }) => {
  if (exitCode !== 0) {
    if (/Permission denied|Could not open lock/i.test(clean(stderr)))
      return unknown('permission-denied', { command: 'apt list --upgradable' });
    return unknown('command-failed', { command: 'apt list --upgradable', exitCode: exitCode ?? -1 });
  }
  const lines = nonEmptyLines(stdout);
  let listing = false;
  let count = 0;
  let security = 0;
  for (const line of lines) {
    if (/^Listing\.\.\./.test(line)) {
      listing = true;
      continue;
    }
    const m = /^(\S+)\/(\S+)\s+\S+\s+\S+\s+\[upgradable from: [^\]]+\]$/.exec(line);
    if (!m) {
      if (/^(WARNING|N:|W:)/.test(line)) continue;
      return unparseable('apt list --upgradable');
    }
    count++;
    if (/-security\b/.test(m[2] ?? '')) security++;
  }
  if (!listing && count === 0) return unparseable('apt list --upgradable');
  const data = { count, security };
  if (count === 0) return ok('os-updates.none', {}, data);
  if (security > 0) return critical('os-updates.pending-security', { count, security }, data);
  return warning('os-updates.pending', { count }, data);
};

/**
 * `find /var/lib/apt/lists -maxdepth 1 -name *_InRelease -printf %T@\n`: modification times of
 * the downloaded package lists. Older than 14 days → "no update" may just mean "not looked".
 */
export const STALE_LISTS_DAYS = 14;
export const parseAptListsAge: Parser<{ days: number }> = ({ stdout, exitCode }, ctx) => {
  const times = nonEmptyLines(stdout).map(Number);
  if (times.some((t) => !Number.isFinite(t))) return unparseable('find /var/lib/apt/lists');
  if (times.length === 0)
    return unknown('nothing-found', {
      detail: exitCode === 0 ? 'aucune liste de paquets téléchargée' : 'dossier /var/lib/apt/lists illisible',
    });
  const newest = new Date(Math.max(...times) * 1000);
  const days = Math.max(0, daysBetween(newest, ctx.now));
  return days > STALE_LISTS_DAYS ? warning('os-updates.stale-lists', { days }, { days }) : ok('os-updates.none', {}, { days });
};

// ---------- auto-updates ----------
/** `apt-config dump APT::Periodic`: lines `APT::Periodic::Unattended-Upgrade "1";`. Empty = nothing set (off). */
export const parseAptPeriodic: Parser<{ unattended: boolean; updateLists: boolean }> = ({ stdout, exitCode }) => {
  if (exitCode !== 0) return unknown('command-failed', { command: 'apt-config dump', exitCode: exitCode ?? -1 });
  const values = new Map<string, string>();
  for (const line of nonEmptyLines(stdout)) {
    const m = /^([\w:-]+)\s+"([^"]*)";$/.exec(line);
    if (!m) return unparseable('apt-config dump APT::Periodic');
    values.set((m[1] ?? '').toLowerCase(), m[2] ?? '');
  }
  const on = (k: string) => {
    const v = values.get(`apt::periodic::${k}`);
    return v !== undefined && v !== '0' && v !== '' && !/^(false|no|off)$/i.test(v);
  };
  const data = { unattended: on('unattended-upgrade'), updateLists: on('update-package-lists') };
  if (data.unattended) return ok('auto-updates.on', {}, data);
  if (data.updateLists) return warning('auto-updates.check-only', {}, data);
  return warning('auto-updates.off', {}, data);
};

/** `dpkg-query … unattended-upgrades`. */
export const parseUnattendedPackage: Parser<{ installed: boolean }> = (input) => {
  const s = dpkgInstalled(input);
  if (!s || !s.has('unattended-upgrades')) return unparseable('dpkg-query');
  return s.get('unattended-upgrades')
    ? ok('auto-updates.on', {}, { installed: true })
    : warning('auto-updates.off', {}, { installed: false });
};

// ---------- screen-lock: gsettings ----------
/** `gsettings get org.gnome.desktop.session idle-delay` → "uint32 300" (seconds, 0 = never). */
export const parseGsettingsUint: Parser<{ seconds: number }> = ({ stdout, stderr, exitCode }) => {
  if (exitCode !== 0) {
    if (/No such schema|No such key/i.test(clean(stderr))) return unknown('not-supported', { detail: 'bureau autre que GNOME' });
    return unknown('command-failed', { command: 'gsettings', exitCode: exitCode ?? -1 });
  }
  const m = /^(?:uint32\s+)?(\d+)$/.exec(clean(stdout).trim());
  if (!m) return unparseable('gsettings');
  const seconds = Number(m[1]);
  return seconds === 0
    ? critical('screen-lock.never', {}, { seconds })
    : ok('screen-lock.ok', { minutes: Math.ceil(seconds / 60) }, { seconds });
};

/** `gsettings get org.gnome.desktop.screensaver lock-enabled` → "true" / "false". */
export const parseGsettingsBool: Parser<{ value: boolean }> = ({ stdout, stderr, exitCode }) => {
  if (exitCode !== 0) {
    if (/No such schema|No such key/i.test(clean(stderr))) return unknown('not-supported', { detail: 'bureau autre que GNOME' });
    return unknown('command-failed', { command: 'gsettings', exitCode: exitCode ?? -1 });
  }
  const t = clean(stdout).trim();
  if (t === 'true') return ok('screen-lock.ok', { minutes: 0 }, { value: true });
  if (t === 'false') return critical('screen-lock.never', {}, { value: false });
  return unparseable('gsettings');
};

// ---------- admin-user: id ----------
export const parseId: Parser<{ user: string; uid: number; admin: boolean }> = ({ stdout, exitCode }) => {
  if (exitCode !== 0) return unknown('command-failed', { command: 'id', exitCode: exitCode ?? -1 });
  const t = clean(stdout).trim();
  const u = /^uid=(\d+)\(([^)]*)\)/.exec(t);
  const g = /\bgroups=(\S+)/.exec(t);
  if (!u || !g) return unparseable('id');
  const groups = [...(g[1] ?? '').matchAll(/\d+\(([^)]*)\)/g)].map((m) => m[1] ?? '');
  const uid = Number(u[1]);
  const user = u[2] ?? '';
  const admin = groups.some((n) => ['sudo', 'wheel', 'admin'].includes(n));
  const data = { user, uid, admin };
  if (uid === 0) return critical('admin-user.root', { user }, data);
  return admin ? warning('admin-user.admin', { user }, data) : ok('admin-user.standard', { user }, data);
};

// ---------- auto-login and guest: display manager configuration files ----------
/** `cat /etc/gdm3/custom.conf` (or /etc/gdm/custom.conf): [daemon] AutomaticLoginEnable / TimedLoginEnable. */
export const parseGdmAutoLogin: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat custom.conf');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'GDM absent' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat custom.conf' });
  if (!looksLikeIni(f.text)) return unparseable('cat custom.conf');
  const daemon = iniSections(f.text).get('daemon');
  const auto = isTruthy(daemon?.get('automaticloginenable')) || isTruthy(daemon?.get('timedloginenable'));
  if (!auto) return ok('auto-login.off');
  return critical('auto-login.on', { user: daemon?.get('automaticlogin') ?? daemon?.get('timedlogin') ?? '' });
};

/** `cat /etc/lightdm/lightdm.conf`: autologin-user in [Seat:*] / [SeatDefaults]. */
export const parseLightdmAutoLogin: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat lightdm.conf');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'LightDM absent' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat lightdm.conf' });
  if (!looksLikeIni(f.text)) return unparseable('cat lightdm.conf');
  for (const [name, sec] of iniSections(f.text)) {
    if (!/^seat/.test(name)) continue;
    const user = sec.get('autologin-user');
    if (user) return critical('auto-login.on', { user });
  }
  return ok('auto-login.off');
};

/** `cat /etc/sddm.conf`: [Autologin] User=. */
export const parseSddmAutoLogin: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat sddm.conf');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'SDDM absent' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat sddm.conf' });
  if (!looksLikeIni(f.text)) return unparseable('cat sddm.conf');
  const user = iniSections(f.text).get('autologin')?.get('user');
  return user ? critical('auto-login.on', { user }) : ok('auto-login.off');
};

/** LightDM's guest session: allow-guest=true. */
export const parseLightdmGuest: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat lightdm.conf');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'LightDM absent' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat lightdm.conf' });
  if (!looksLikeIni(f.text)) return unparseable('cat lightdm.conf');
  for (const [name, sec] of iniSections(f.text))
    if (/^seat/.test(name) && isTruthy(sec.get('allow-guest'))) return warning('guest-account.on');
  return ok('guest-account.off');
};

/** GDM has no guest session: its presence as the login screen means no guest. */
export const parseGdmGuest: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat custom.conf');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'GDM absent' });
  if (f.state === 'denied' || !looksLikeIni(f.text)) return unparseable('cat custom.conf');
  return ok('guest-account.off');
};

// ---------- remote-access: ss -ltn ----------
const REMOTE_PORTS: Array<{ test: (p: number) => boolean; label: string }> = [
  { test: (p) => p === 22, label: 'ssh' },
  { test: (p) => p === 3389, label: 'remote-desktop' },
  { test: (p) => p >= 5900 && p <= 5909, label: 'vnc' },
];
const isLoopback = (addr: string) => /^(127\.|\[::1\]|::1|localhost)/.test(addr);

/** Remote-access services listening beyond loopback; `ports` (e.g. "ssh:22") stay in the data and the evidence. */
export const parseSsListening: Parser<{ services: string[]; ports: string[] }> = ({ stdout, exitCode }) => {
  if (exitCode !== 0) return unknown('command-failed', { command: 'ss -ltn', exitCode: exitCode ?? -1 });
  const lines = nonEmptyLines(stdout);
  const header = lines[0] !== undefined && /Local Address:Port/.test(lines[0]);
  const rows = lines.filter((l) => /^LISTEN\s/.test(l));
  if (!header && rows.length === 0) return unparseable('ss -ltn');
  const services = new Set<string>();
  const ports = new Set<string>();
  for (const row of rows) {
    const cols = row.split(/\s+/);
    const local = cols[3] ?? '';
    const m = /^(.*):(\d+)$/.exec(local);
    if (!m) return unparseable('ss -ltn');
    const addr = (m[1] ?? '').replace(/%\w+$/, '');
    const port = Number(m[2]);
    if (isLoopback(addr)) continue;
    for (const r of REMOTE_PORTS) {
      if (!r.test(port)) continue;
      services.add(r.label);
      ports.add(`${r.label}:${port}`);
    }
  }
  const list = [...services];
  const data = { services: list, ports: [...ports] };
  return list.length ? warning('remote-access.on', { servicesList: list.join(',') }, data) : ok('remote-access.off', {}, data);
};

// ---------- smbv1 ----------
const SMB1_PROTOCOLS = /^(nt1|lanman1|lanman2|core|coreplus)$/i;
/** `cat /etc/samba/smb.conf`: (server|client) min protocol = NT1 allows SMBv1 (off by default since Samba 4.11). */
export const parseSambaConf: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat /etc/samba/smb.conf');
  if (f.state === 'absent') return ok('smbv1.off');
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat /etc/samba/smb.conf' });
  if (!looksLikeIni(f.text)) return unparseable('cat /etc/samba/smb.conf');
  const g = iniSections(f.text).get('global');
  for (const k of ['server min protocol', 'min protocol', 'client min protocol']) {
    const v = g?.get(k);
    if (v && SMB1_PROTOCOLS.test(v)) return critical('smbv1.on');
  }
  return ok('smbv1.off');
};

/** `cat /etc/fstab`: a cifs mount with vers=1.0 speaks SMBv1. */
export const parseFstabCifs: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat /etc/fstab');
  if (f.state === 'absent') return ok('smbv1.off');
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat /etc/fstab' });
  for (const line of nonEmptyLines(f.text)) {
    if (line.startsWith('#')) continue;
    const cols = line.split(/\s+/);
    if (cols.length < 3 || !/^(\/|none$|swap$)/.test(cols[1] ?? '') || !/^[\w.+-]+$/.test(cols[2] ?? ''))
      return unparseable('cat /etc/fstab');
    if (cols[2] === 'cifs' && /(^|,)vers=1\.0(,|$)/.test(cols[3] ?? '')) return critical('smbv1.on');
  }
  return ok('smbv1.off');
};

// ---------- platform-integrity ----------
/** `mokutil --sb-state`. */
export const parseMokutilSbState: Parser = ({ stdout, stderr }) => {
  const t = `${clean(stdout)}\n${clean(stderr)}`;
  if (/SecureBoot enabled/i.test(t)) return ok('platform-integrity.ok');
  if (/SecureBoot disabled/i.test(t)) return warning('platform-integrity.secure-boot-off');
  if (/EFI variables are not supported|doesn't support Secure Boot|not supported/i.test(t))
    return unknown('not-supported', { detail: 'démarrage sans UEFI' });
  return unparseable('mokutil --sb-state');
};

/** `od -An -tu1 /sys/firmware/efi/efivars/SecureBoot-…`: 4 attribute bytes then the value (1 = on). */
export const parseSecureBootEfivar: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('od SecureBoot');
  if (f.state === 'absent') return unknown('not-supported', { detail: 'pas de variable Secure Boot (démarrage sans UEFI ?)' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'od SecureBoot' });
  const bytes = f.text.trim().split(/\s+/).map(Number);
  if (bytes.length < 5 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return unparseable('od SecureBoot');
  return bytes[4] === 1 ? ok('platform-integrity.ok') : warning('platform-integrity.secure-boot-off');
};

/** `cat /sys/module/apparmor/parameters/enabled` → Y / N. */
export const parseAppArmorEnabled: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat apparmor');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'AppArmor absent du noyau' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat apparmor' });
  const v = f.text.trim();
  if (v === 'Y') return ok('platform-integrity.ok');
  if (v === 'N') return warning('platform-integrity.mac-off');
  return unparseable('cat /sys/module/apparmor/parameters/enabled');
};

/** `cat /sys/fs/selinux/enforce` → 1 / 0. */
export const parseSelinuxEnforce: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat selinux');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'SELinux absent' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat /sys/fs/selinux/enforce' });
  const v = f.text.trim();
  if (v === '1') return ok('platform-integrity.ok');
  if (v === '0') return warning('platform-integrity.mac-off');
  return unparseable('cat /sys/fs/selinux/enforce');
};

// ---------- disk-space: df -Pk (Linux and macOS) ----------
export const DISK_CRITICAL = { percent: 5, bytes: 2 * 1024 ** 3 };
export const DISK_WARNING = { percent: 10, bytes: 10 * 1024 ** 3 };
const WATCHED_MOUNTS = ['/', '/home', '/System/Volumes/Data'];

export const parseDfPk: Parser = ({ stdout, exitCode }) => {
  const lines = clean(stdout)
    .split('\n')
    .filter((l) => l.trim());
  if (!lines[0] || !/^Filesystem\s+1024-blocks\s+Used\s+Avail(able)?\s+Capacity\s+Mounted on/.test(lines[0])) {
    return exitCode === 0 ? unparseable('df -Pk') : unknown('command-failed', { command: 'df -Pk', exitCode: exitCode ?? -1 });
  }
  let worst: Finding | null = null;
  const rank = { ok: 0, warning: 1, critical: 2, unknown: -1 } as const;
  for (const line of lines.slice(1)) {
    const m = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(\/.*)$/.exec(line);
    if (!m) return unparseable('df -Pk');
    const mount = m[6] ?? '';
    if (!WATCHED_MOUNTS.includes(mount)) continue;
    const used = Number(m[3]) * 1024;
    const avail = Number(m[4]) * 1024;
    if (used + avail === 0) continue;
    const percent = Math.floor((1000 * avail) / (used + avail)) / 10;
    const params = { freeBytes: avail, percent, mount };
    const f =
      percent < DISK_CRITICAL.percent || avail < DISK_CRITICAL.bytes
        ? critical('disk-space.full', params)
        : percent < DISK_WARNING.percent || avail < DISK_WARNING.bytes
          ? warning('disk-space.low', params)
          : ok('disk-space.ok', params);
    if (!worst || rank[f.status] > rank[worst.status]) worst = f;
  }
  return worst ?? unknown('nothing-found', { detail: 'aucun disque système dans la liste' });
};

// ---------- time-sync: timedatectl show ----------
export const parseTimedatectlShow: Parser = ({ stdout, stderr, exitCode }) => {
  if (exitCode !== 0) {
    if (/not been booted with systemd|Failed to (connect to bus|create bus connection)/i.test(clean(stderr))) {
      return unknown('not-supported', { detail: 'systemd n’est pas actif sur cette machine' });
    }
    return unknown('command-failed', { command: 'timedatectl show', exitCode: exitCode ?? -1 });
  }
  const kv = keyValues(stdout);
  const synced = kv.get('NTPSynchronized');
  if (synced === undefined) return unparseable('timedatectl show');
  if (synced === 'yes') return ok('time-sync.ok');
  return warning('time-sync.off');
};
