import type { Parser } from '../types.js';
import { asNumber, asString } from './records.js';
import { isFinding, pick, records } from './windows-records.js';
import { critical, ok, unknown, unparseable, warning } from './util.js';

/** Windows disk encryption (BitLocker): the conversion state, the protection and the shell property. */

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
