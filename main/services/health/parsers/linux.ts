import type { Parser } from '../types.js';
import { judgeLinux, type OsSupportData } from './eol.js';
import {
  clean,
  critical,
  fileContent,
  iniSections,
  keyValues,
  looksLikeIni,
  nonEmptyLines,
  ok,
  unknown,
  unparseable,
  warning,
} from './util.js';

/**
 * Linux parsers. Every one is pure: (stdout, stderr, exit code, context) → finding.
 *
 * One module per check family where a family is long: firewall (linux-firewall.ts), the package
 * tools (linux-packages.ts: ClamAV, pending updates, automatic updates), sessions and accounts
 * (linux-session.ts), platform integrity (linux-platform.ts), disk space (disk-space.ts, shared
 * with macOS and Windows); the shorter ones are here. The probes read them all from this module.
 */

export { DISK_CRITICAL, DISK_WARNING, parseDfPk } from './disk-space.js';
export { parseFirewalldState, parseNftRuleset, parseUfwConf, parseUfwStatus } from './linux-firewall.js';
export {
  dpkgInstalled,
  parseAptListsAge,
  parseAptPeriodic,
  parseAptUpgradable,
  parseClamavPackages,
  parseUnattendedPackage,
  STALE_LISTS_DAYS,
  type AptData,
} from './linux-packages.js';
export {
  parseGdmAutoLogin,
  parseGdmGuest,
  parseGsettingsBool,
  parseGsettingsUint,
  parseId,
  parseLightdmAutoLogin,
  parseLightdmGuest,
  parseSddmAutoLogin,
} from './linux-session.js';
export { parseAppArmorEnabled, parseMokutilSbState, parseSecureBootEfivar, parseSelinuxEnforce } from './linux-platform.js';

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

// ---------- os-supported: cat /etc/os-release ----------
export const parseOsRelease: Parser<OsSupportData> = (input, ctx) => {
  const f = fileContent(input);
  if (!f || f.state !== 'present') return unparseable('cat /etc/os-release');
  const kv = keyValues(f.text);
  const id = (kv.get('ID') ?? '').toLowerCase();
  if (!id) return unparseable('cat /etc/os-release');
  return judgeLinux(id, kv.get('VERSION_ID') ?? '', kv.get('PRETTY_NAME') ?? '', ctx.now);
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
