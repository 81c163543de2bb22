import type { Parser, ParserInput } from '../types.js';
import { clean, critical, daysBetween, nonEmptyLines, ok, unknown, unparseable, warning } from './util.js';

/**
 * What the Debian/Ubuntu package tools say: ClamAV installed (antivirus), updates waiting and
 * how old the package lists are (os-updates), automatic updates set up (auto-updates).
 */

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
