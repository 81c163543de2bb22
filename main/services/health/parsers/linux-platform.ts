import type { Parser } from '../types.js';
import { clean, fileContent, ok, unknown, unparseable, warning } from './util.js';

/** Linux platform integrity: Secure Boot (mokutil or the EFI variable) and AppArmor / SELinux. */

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
