import type { Parser } from '../types.js';
import { clean, critical, fileContent, iniSections, isTruthy, looksLikeIni, ok, unknown, unparseable, warning } from './util.js';

/**
 * Linux sessions and accounts: GNOME's screen lock (gsettings), whether the user is an
 * administrator (`id`), automatic login and the guest session in the display managers' files.
 */

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
